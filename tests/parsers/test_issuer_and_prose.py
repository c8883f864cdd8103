"""Who issued a report (organ, region), which prose phrases give a figure, and the era from the labels.

The real reports are ../shared/real-reports (beside the repo clone); their expected organ, year and era are
typed from truth.csv, never computed from parser output. The rest are small synthetic texts, one per rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parser_expectations import parse

from parsers.report import detect_era

REAL_DIR = Path(__file__).parents[3] / "shared" / "real-reports"


def real(name: str) -> dict:
    if not (REAL_DIR / name).is_file():
        pytest.skip(f"real report {name} not found in {REAL_DIR}")
    from parsers import parse_file

    return parse_file(REAL_DIR / name)


def codes(report: dict) -> set[str]:
    return {p["code"] for p in report["problems"]}


# ---------------------------------------------------------------- real reports (truth.csv)

# file → (issuing organ, year, era, region the title names), from truth.csv (parenthetical notes aside)
REAL = {
    "01_pingtan_county_2012.txt": ("平潭县人民政府", 2012, "pre2019", "平潭县"),  # 发布机构 line, signature, title
    "04_pingtan_2015.txt": ("平潭综合实验区管委会办公室", 2015, "pre2019", "平潭综合实验区"),  # 我区管委会办公室编制
    "07_shanghai_szfbgt_2019.html": ("上海市人民政府办公厅", 2019, "2019", "上海市"),
    "08_pingtan_2019.txt": ("平潭综合实验区管委会办公室", 2019, "2019", "平潭综合实验区"),  # 区管委会办公室编制
    "14_huaian_2024.txt": ("淮安市人民政府", 2024, "2021", "淮安市"),  # title, not its 编制 office
    "14_huaian_2024.pdf": ("淮安市人民政府", 2024, "2021", "淮安市"),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_report_organ_year_era_and_region(name):
    r = real(name)
    assert (r["organ"], r["year"], r["era"], r["region"]) == REAL[name]


def test_pingtan_2021_site_source_line_is_not_the_issuer():
    # truth.csv: 平潭综合实验区管委会办公室 (the page's source line says 平潭县人民政府). The report itself only
    # says 我区编制完成了本报告, so no organ name is printed as its issuer: null, never the site's 来源 organ
    # nor a name made from the region.
    r = real("10_pingtan_2021.txt")
    assert (r["year"], r["era"], r["region"]) == (2021, "2021", "平潭综合实验区")
    assert r["organ"] in (None, "平潭综合实验区管委会办公室")
    if r["organ"] is None:
        assert "organ_not_found" in codes(r)


def test_real_prose_that_is_not_applications():
    n = real("08_pingtan_2019.txt")["narrative"]
    assert n.get("applications_received") in (None, 23)  # 受理各类群众诉求259起 is complaints


def test_real_prose_figures_named_by_their_phrase():
    n = real("10_pingtan_2021.txt")["narrative"]  # 本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度
    assert (n["applications_received"], n["applications_processed"], n["applications_carried_forward"]) == (70, 69, 1)
    r = real("07_shanghai_szfbgt_2019.html")
    n = r["narrative"]
    # 予以公开及部分公开258件 is both together; 答复…805件(含上年度结转申请18件); 行政复议7件,诉讼9件
    assert n["granted_incl_partial"] == 258 and "partially_granted" not in n
    assert (n["applications_received"], n["applications_processed"], n["review_total"], n["litigation_total"]) == (
        859,
        805,
        7,
        9,
    )
    assert r["applications"]["new_received"]["total"] == 859  # the table as printed; prose only checked


# ---------------------------------------------------------------- organ rules


def test_organ_from_a_publisher_line():
    r = parse("2022年政府信息公开工作年度报告\n发布机构：丰县应急管理局  发布日期：2023-01-20\n正文。\n")
    assert r["organ"] == "丰县应急管理局"


def test_organ_from_the_signature():
    r = parse("丰县2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n丰县人民政府\n2023年1月20日\n")
    assert (r["organ"], r["region"]) == ("丰县人民政府", "丰县")


def test_organ_from_a_signature_inside_a_one_line_export():
    text = (
        "平潭县2012年政府信息公开工作年度报告\n平潭县2012年政府信息公开工作年度报告 一、概述 …… 常规化、日常化。 "
        "平潭县人民政府 2013年1月16日 附件1：平潭县人民政府2012年政府信息公开情况统计表 指标名称计量单位"
    )
    assert parse(text)["organ"] == "平潭县人民政府"


def test_organ_from_the_compiled_by_statement():
    r = parse("平潭综合实验区2019年度政府信息公开工作年度报告\n根据《条例》要求，区管委会办公室编制完成了本报告。\n")
    assert (r["organ"], r["region"]) == ("平潭综合实验区管委会办公室", "平潭综合实验区")
    r = parse("丰县2022年政府信息公开工作年度报告\n本年报依据《条例》要求，由丰县人民政府办公室编制。\n")
    assert r["organ"] == "丰县人民政府办公室"


def test_title_organ_over_its_own_office_that_compiled_it():
    r = parse(
        "淮安市人民政府\n2024年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据《中华人民共和国政府\n"
        "信息公开条例》规定编\n制。\n"
    )
    assert r["organ"] == "淮安市人民政府"


def test_office_gives_way_to_its_organ_when_both_are_named():
    r = parse("丰县2022年政府信息公开工作年度报告\n来源：丰县人民政府办公室\n正文。\n丰县人民政府\n2023年1月31日\n")
    assert r["organ"] == "丰县人民政府"


def test_organ_from_the_title():
    r = parse("徐州市自然资源和规划局2021年度政府信息公开工作年度报告\n正文。\n")
    assert (r["organ"], r["year"]) == ("徐州市自然资源和规划局", 2021)


def test_source_line_of_another_region_is_the_site_not_the_issuer():
    text = (
        "平潭综合实验区2021年度政府信息公开工作年度报告\n来源：平潭县人民政府 时间：2022-02-08 16:34\n"
        "根据《条例》要求，我区编制完成了本报告。\n"
    )
    r = parse(text)
    assert (r["organ"], r["region"]) == (None, "平潭综合实验区")
    assert "organ_not_found" in codes(r)
    r = parse("苏家屯区2020年政府信息公开工作年度报告\n来源：沈阳市苏家屯区人民政府办公室\n")
    assert r["organ"] == "沈阳市苏家屯区人民政府办公室"  # an organ of the titled region is kept


def test_markdown_marks_stripped_from_title_and_organ():
    r = parse("# **丰县应急管理局2022年度政府信息公开工作年度报告**\n\n> 发布机构：**丰县应急管理局**\n")
    assert (r["title"], r["organ"]) == ("丰县应急管理局2022年度政府信息公开工作年度报告", "丰县应急管理局")
    r = parse("## **淮安市人民政府**\n## **2024年政府信息公开工作年度报告**\n")
    assert (r["title"], r["organ"]) == ("淮安市人民政府2024年政府信息公开工作年度报告", "淮安市人民政府")
    r = parse("标题: 平潭县人民政府2012年政府信息公开工作年度报告\n")
    assert r["title"] == "平潭县人民政府2012年政府信息公开工作年度报告"


def test_nothing_names_the_issuer():
    r = parse("2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert r["organ"] is None and r["region"] is None and "organ_not_found" in codes(r)
    r = parse("丰县2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n")  # never 丰县人民政府
    assert (r["organ"], r["region"]) == (None, "丰县") and "organ_not_found" in codes(r)


def test_an_abbreviation_with_no_titled_region_names_no_organ():
    r = parse("2022年政府信息公开工作年度报告\n根据《条例》要求，县政府办公室编制完成了本报告。\n")
    assert r["organ"] is None


# ---------------------------------------------------------------- prose rules

TITLE = "丰县2022年政府信息公开工作年度报告\n"


def narrative(text: str) -> dict:
    return parse(TITLE + text)["narrative"]


def test_complaints_letters_enquiries_and_service_cases_are_not_applications():
    for text in (
        "区社会事业局不断公开社会保障信息，受理各类群众诉求259起。",
        "全年共收到群众来信来访120件。",
        "受理政府信息公开咨询56件。",
        "（三）政务服务。县政务服务中心共受理各类办件申请120000件。",
        "建立窗口服务大厅，开设窗口24个，共受理申请136437件。",
    ):
        assert "applications_received" not in narrative(text), text


def test_a_request_to_disclose_is_an_application():
    assert narrative("（三）依申请公开方面:我办收到申请人公开政府信息的诉求1个。")["applications_received"] == 1


def test_applications_named_by_the_phrase_or_by_their_section():
    assert narrative("2022年共受理政府信息公开申请152件。")["applications_received"] == 152
    assert (
        narrative("（二）依申请公开方面。坚持“三个一”工作机制。本年度全区共收到70件申请。")["applications_received"]
        == 70
    )


def test_mixed_new_and_carried_over_totals_are_not_new_applications():
    n = narrative("共收到政府信息公开申请120件(含上年结转10件)。")
    assert "applications_received" not in n and n["applications_carried_over"] == 10
    assert "applications_received" not in narrative("共受理新收和上年结转的政府信息公开申请120件。")
    n = narrative("全年共受理政府信息公开申请120件，其中新收110件、上年结转10件。")
    assert n["applications_received"] == 110  # the new ones, named as such


def test_review_litigation_processed_and_carried_forward_phrases():
    n = narrative("被申请行政复议3件，被提起行政诉讼2件。")
    assert (n["review_total"], n["litigation_total"]) == (3, 2)
    n = narrative("信息公开类行政复议7件,诉讼9件,均获维持。")
    assert (n["review_total"], n["litigation_total"]) == (7, 9)
    n = narrative("答复政府信息公开申请805件(含上年度结转申请18件,另有72件申请按照《条例》顺延到下年度答复)。")
    assert (n["applications_processed"], n["applications_carried_over"], n["applications_carried_forward"]) == (
        805,
        18,
        72,
    )


def test_granted_together_with_partial_is_not_partial_alone():
    n = narrative("共收到政府信息公开申请30件。予以公开及部分公开25件，不予公开5件。")
    assert n["granted_incl_partial"] == 25 and "partially_granted" not in n
    n = narrative("共收到政府信息公开申请30件。予以公开20件、部分公开5件。")
    assert (n["granted"], n["partially_granted"]) == (20, 5)


# ---------------------------------------------------------------- items proactively published: the total only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年，我区政府信息公开单位共公布政府信息2599条。", 2599),
        ("全年主动公开政府信息1,062条。", 1062),
        ("（一）主动公开政府信息的数量。2015年主动公开政府信息2949条。", 2949),
        ("（一）主动公开政府信息的数量\n2015年主动公开政府信息2949条。", 2949),
        ("概述：我区2015年主动公开政府信息2949条。", 2949),
        ("2012年制作、获取政府信息总数3978条，其中主动公开政府信息2026条。", 2026),
        ("2017年,我办通过多种渠道累计公开信息5064条,比上年增长23.48%。", 5064),
        # the total is named, then its categories: the total, never a category
        ("共公布政府信息2599条，(其中规划计划类信息28条，其他应主动公开政府信息856条)", 2599),
        # categories, parts, channels and all years together are not the year's total
        ("（其中规划计划类信息28条，其他应主动公开政府信息856条）", None),
        ("其他应主动公开政府信息856条。", None),
        ("县直各单位主动公开政府信息2475条，占62.2%。", None),
        ("县直各单位\n主动公开政府信息2475条。", None),  # a PDF line wrapped mid-sentence
        ("各乡镇方面主动公开政府信息1503条。", None),
        ("规划类共公开信息30条。", None),
        ("通过政务微博共发布信息300条。", None),
        ("历年累计主动公开信息81916条。", None),
        ("截至2015年底，累计公开信息81916条。", None),
    ],
)
def test_items_proactively_published_only_from_a_phrase_naming_the_total(text, expected):
    assert narrative(text).get("proactive_items_published") == expected, text


PINGTAN_SPLIT = (
    "2012年制作、获取政府信息总数3978条，其中主动公开政府信息2026条，不予公开信息数1854条。"
    "主动公开的政府信息，县直各单位主动公开政府信息2475条，占62.2%。各乡镇主动公开政府信息1503条，占37.8%。"
)


def test_parts_of_the_items_published_add_up_and_are_checked_against_the_total():
    r = parse(TITLE + PINGTAN_SPLIT)
    assert r["narrative"]["proactive_items_published"] == 2026
    assert r["narrative"]["proactive_items_published_parts_sum"] == 3978  # 2475 + 1503: the items made, not 2026
    assert "2475条" in r["provenance"]["narrative.proactive_items_published_parts_sum"]
    [check] = [c for c in r["checks"] if c["rule"] == "narrative.proactive_items_published_parts"]
    assert check["ok"] is False and (check["expected"], check["actual"]) == (2026, 3978)

    r = parse(
        TITLE + "一、概述。2015年主动公开政府信息2949条。其中，区直各部门主动公开政府信息2275条，占77%。"
        "各乡镇主动公开政府信息674条，占23%，公开量较大的部门是区环境与国土资源局。"
    )
    [check] = [c for c in r["checks"] if c["rule"] == "narrative.proactive_items_published_parts"]
    assert check["ok"] is True and r["narrative"]["proactive_items_published_parts_sum"] == 2949

    n = narrative(
        "全年主动公开信息100条。甲局主动公开信息60条，占60%；乙局主动公开信息30条，占30%；丙局主动公开信息10条，占10%。"
    )
    assert n["proactive_items_published_parts_sum"] == 100


@pytest.mark.parametrize(
    "text",
    [
        # one share alone, shares that do not make the whole, parts in different sections
        "县直各单位主动公开政府信息2475条，占62.2%。",
        "全年主动公开信息2026条。县直各单位主动公开信息1000条，占49.4%。乡镇主动公开信息500条，占24.7%。",
        "主动公开政府信息2026条，占50.9%；不予公开信息1854条，占46.6%。",
        (
            "（一）县直各单位主动公开政府信息2475条，占62.2%。（二）主动公开的形式。"
            "各乡镇主动公开政府信息1503条，占37.8%。"
        ),
        # categories with shares, no 主动公开 parts
        "规划计划类信息60条，占2.9%；行政许可类信息34条，占97.1%。",
    ],
)
def test_no_parts_sum_where_the_prose_does_not_split_the_total(text):
    r = parse(TITLE + text)
    assert "proactive_items_published_parts_sum" not in r["narrative"], text
    assert not [c for c in r["checks"] if c["rule"] == "narrative.proactive_items_published_parts"]


# ---------------------------------------------------------------- reviews and lawsuits upheld


@pytest.mark.parametrize(
    ("text", "review", "litigation"),
    [
        ("信息公开类行政复议7件,诉讼9件,均获维持。", 7, 9),
        ("被申请行政复议3件，被提起行政诉讼2件，均被维持。", 3, 2),
        ("行政复议3件，全部维持；行政诉讼2件，其中1件尚在审理。", 3, None),
        ("行政诉讼4件，均获维持。", None, 4),
        ("行政复议7件，其中维持5件，尚未审结2件；行政诉讼9件，维持8件。", 5, 8),
        ("行政复议7件，5件被维持。", 5, None),
        # not said which group, a sub-group only, the organ deciding others' reviews, not upheld at all
        ("行政复议3件，行政诉讼2件，维持1件。", None, None),
        ("行政诉讼9件，其中直接起诉9件，维持8件。", None, None),
        ("复议后起诉2件，均获维持。", None, None),
        ("本机关作为复议机关办理行政复议案件12件，均予以维持。", None, None),
        ("行政复议3件，均已办结。", None, None),
    ],
)
def test_reviews_and_lawsuits_the_prose_says_were_upheld(text, review, litigation):
    n = narrative(text)
    assert (n.get("review_upheld"), n.get("litigation_upheld")) == (review, litigation), text


def _with_prose(prose: str) -> str:
    from real_world_fixtures import apps_copy, consistent, run_together_text

    lines = run_together_text(consistent(apps_copy())).split("\n")  # table 四: 复议 维持3 of 5, 诉讼 维持2+0 of 4
    return "\n".join([*lines[:2], "一、总体情况", prose, *lines[2:]])


def test_upheld_in_the_prose_checked_against_table_four():
    r = parse(_with_prose("全年被申请行政复议5件，被提起行政诉讼4件，均获维持。"), "r.txt")
    assert r["review_litigation"]["review"]["upheld"] == 3
    by_rule = {c["rule"]: c for c in r["checks"]}
    assert by_rule["narrative.review_upheld"]["ok"] is False  # 5 said, 3 printed
    assert by_rule["narrative.litigation_upheld"]["ok"] is False  # 4 said, 2 + 0 printed
    assert (by_rule["narrative.litigation_upheld"]["expected"], by_rule["narrative.litigation_upheld"]["actual"]) == (
        2,
        4,
    )

    r = parse(_with_prose("全年被申请行政复议5件，其中维持3件；行政诉讼4件，维持2件。"), "r.txt")
    by_rule = {c["rule"]: c for c in r["checks"]}
    assert by_rule["narrative.review_upheld"]["ok"] is True
    assert by_rule["narrative.litigation_upheld"]["ok"] is True


def test_provenance_holds_the_phrase():
    r = parse(TITLE + "2022年共收到政府信息公开申请104件，较上年增加10件。")
    where = r["provenance"]["narrative.applications_received"]
    assert where.startswith("text chars ") and "收到政府信息公开申请104件" in where
    a, b = (int(x) for x in where.split()[2].split("-"))
    assert (TITLE + "2022年共收到政府信息公开申请104件")[a:b] == "104"


# ---------------------------------------------------------------- era from labels


@pytest.mark.parametrize(
    ("text", "era"),
    [
        ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000", "2021"),
        ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000", "2021"),
        ("第二十条第（八）项信息内容 本年收费 金额（单位：万元）行政事业性收费24252.31", "2021"),
        ("依据国办公开办函〔2021〕30号编制", "2021"),
        ("信息内容本年新 制作数量本年新公开数量对外公开总数量规章 0 0 5", "2019"),
        ("信息内容上一年项目数量本年增/减处理决定数量行政许可 3 9 60181", "2019"),
        ("三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量230 000023", "2019"),
        ("指标名称计量单位2012年度历年累计主动公开信息数条20263542", "pre2019"),
        ("受理依申请公开信息总数条2121", "pre2019"),
        ("一、概述 2015年，我区不断深化公开内容。", "pre2019"),
        ("没有任何格式标签的文字。", "unknown"),
    ],
)
def test_era_from_labels_in_flattened_text(text, era):
    assert detect_era(text, None, None, None, None) == era


def test_era_of_a_one_line_2021_export_whose_tables_are_not_read():
    text = (
        "平潭综合实验区2021年度政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项信息内容"
        "本年制发件数本年废止件数现行有效件数规章 000 三、收到和处理政府信息公开申请情况 …"
    )
    assert parse(text)["era"] == "2021"
