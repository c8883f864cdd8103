"""The vocabulary module is the one place of codes and labels; the schema and the contract agree with it."""

from __future__ import annotations

from parsers import schema
from parsers import vocabulary as v


def test_codes_are_those_of_the_contract():
    assert v.APPLICANT_COLUMN_CODES == [
        "natural_person",
        "commercial",
        "research",
        "social_org",
        "legal_service",
        "other_org",
        "total",
    ]
    assert {"new_received", "carried_over", "total_processed", "carried_forward", "other_misc", "denied"} <= set(
        v.APPLICATION_ROW_CODES
    )
    assert v.REVIEW_GROUP_CODES == ["review", "litigation_direct", "litigation_after_review"]
    assert v.REVIEW_MEASURE_CODES == ["upheld", "corrected", "other", "pending", "total"]
    assert len(v.APPLICATION_ROW_CODES) == len(set(v.APPLICATION_ROW_CODES))


def test_every_label_has_chinese_and_english():
    for records in v.as_records().values():
        for record in records:
            assert all(record.get(k) for k in ("zh", "en") if k in record), record


def test_schema_enumerates_the_vocabulary():
    props = schema()["properties"]
    assert props["applications"]["propertyNames"]["enum"] == v.APPLICATION_ROW_CODES
    assert props["narrative"]["propertyNames"]["enum"] == v.NARRATIVE_KEY_CODES
    assert set(props["problems"]["items"]["properties"]["code"]["enum"]) == set(v.PROBLEM_CODES)
    assert props["era"]["enum"] == [*v.ERAS, "unknown"]


def test_the_schema_file_is_generated_from_the_vocabulary():
    from parsers import report_schema

    assert report_schema.SCHEMA_FILE.read_text(encoding="utf-8") == report_schema.text(), (
        "parsers/report.schema.json is out of date: run `python -m parsers.report_schema`"
    )
    assert report_schema.main(["--check"]) == 0


def test_the_schema_check_fails_on_a_stale_file(tmp_path):
    from parsers import report_schema

    stale = tmp_path / "report.schema.json"
    stale.write_text(report_schema.text().replace('"unknown_code"', '"old_code"'), encoding="utf-8")
    assert report_schema.main(["--check", "--out", str(stale)]) == 1
    assert report_schema.main(["--out", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == report_schema.text()


def test_every_check_family_is_a_valid_rule_name():
    import re

    pattern = re.compile(schema()["properties"]["checks"]["items"]["properties"]["rule"]["pattern"])
    for family in v.CHECK_FAMILIES:
        assert pattern.match(family.family + ".total") or pattern.match(family.family), family
    assert pattern.match("applications.outcomes_sum.natural_person")
    assert not pattern.match("applications.invented_rule.total")


def test_eras_are_ordered_and_dated():
    assert v.ERAS == ("pre2019", "2019", "2021")
    assert [e.first_year for e in v.ERA_RECORDS] == sorted(e.first_year for e in v.ERA_RECORDS)
    assert v.era_of_year(2008) == v.era_of_year(2018) == "pre2019"
    assert v.era_of_year(2019) == v.era_of_year(2020) == "2019"
    assert v.era_of_year(2024) == "2021"
    try:
        v.era_of_year(2005)
    except ValueError:
        pass
    else:
        raise AssertionError("a year before the first format must not get one")


def test_which_rows_each_era_prints():
    from parsers.tables.applications import LEAF_ROWS_2019, OTHER_SUBROWS
    from parsers.tables.pipe import ORDER_2019, ORDER_2021

    assert v.application_rows_of("2019") == ORDER_2019
    assert set(v.application_rows_of("2021")) == {*ORDER_2021, "other"}
    assert v.outcome_rows("2019") == [*LEAF_ROWS_2019, "other"]
    assert v.outcome_rows("2021") == [*LEAF_ROWS_2019, *OTHER_SUBROWS]
    assert v.outcome_rows("pre2019") == ["granted", "partially_granted", "denied", "unavailable", "rejected", "other"]
    assert v.application_row("carried_over").eras == ("2019", "2021")
    assert {i.code for i in v.PROACTIVE_ITEMS if "2021" not in i.eras} == {"other_admin_services", "procurement"}
    assert v.first_printed_in("2021") == {
        "other_no_correction",
        "other_unpaid_fee",
        "other_misc",
        "issued",
        "repealed",
        "in_force",
        "fee_amount_10k_yuan",
    }


def test_era_markers_include_the_letter_with_any_brackets():
    for printed in ("国办公开办函〔2021〕30号", "国办公开办函[2021]30号", "国办公开办函（2021）30号"):
        assert v.era_pattern("2021").search(printed), printed
    assert not v.era_pattern("2019").search("国办公开办函〔2021〕30号")


def test_every_row_pattern_recognises_its_official_label():
    import re

    from parsers.tables.labels import classify_application_label

    for row in v.APPLICATION_ROWS:
        if row.pattern:
            # as a table prints it: a sub-row without its group's number, ASCII brackets (as text is normalised)
            printed = re.sub(r"^（[一二三四五六七]）(?=\d)", "", row.zh).replace("（", "(").replace("）", ")")
            assert classify_application_label(printed, row.group == "other") == row.code, row.code


def test_check_severity_by_family():
    assert v.check_severity("applications.balance.total") == "error"
    assert v.check_severity("narrative.other") == "warning"
    assert v.check_severity("review_litigation.review_sum") == "error"


def test_schema_is_valid_draft_2020_12():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema())
