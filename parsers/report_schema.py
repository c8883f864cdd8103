"""Write parsers/report.schema.json, the Report's JSON Schema, from the vocabulary (the one place codes live).

    python -m parsers.report_schema           # (re)write parsers/report.schema.json
    python -m parsers.report_schema --check   # exit 1 if the file differs from what the vocabulary says

The shape of a Report is written out below; every list of codes in it (eras, rows, columns, keys, rule families,
problem codes) comes from ``parsers.vocabulary``. tests/parsers/test_vocabulary.py fails while the file is stale.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from parsers import vocabulary as v

SCHEMA_FILE = Path(__file__).with_name("report.schema.json")


def _nullable(kind: str, **more) -> dict:
    return {"type": [kind, "null"], **more}


def _table(rows: list[str], cols: list[str]) -> dict:
    """{ROW: {COL: number | null}} with the vocabulary's codes as the only keys."""
    return {
        **_nullable("object"),
        "propertyNames": {"enum": rows},
        "additionalProperties": {
            "type": "object",
            "propertyNames": {"enum": cols},
            "additionalProperties": _nullable("number"),
        },
    }


def _rule_pattern() -> str:
    """A rule is named by its family (vocabulary.CHECK_FAMILIES), then what it is about: row, column, key."""
    families = "|".join(re.escape(f.family) for f in v.CHECK_FAMILIES)
    return rf"^(?:{families})(?:\.[a-z0-9_.]+)?$"


def build() -> dict:
    """The schema as the vocabulary says it should be."""
    severities = {"enum": list(v.SEVERITIES)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://nianbao.example/parsers/report.schema.json",
        "title": "nianbao parsed report (../shared/contract/report-json.md + docs/interfaces.md)",
        "$comment": "GENERATED from parsers/vocabulary.py by `python -m parsers.report_schema`: do not edit",
        "type": "object",
        "required": [
            "source",
            "organ",
            "region",
            "year",
            "era",
            "script",
            "applications",
            "review_litigation",
            "proactive",
            "narrative",
            "checks",
            "problems",
            "parser_version",
            "title",
            "publication_date",
            "organ_original",
            "title_original",
            "provenance",
            "proactive_text",
        ],
        "properties": {
            "source": {
                "type": "object",
                "required": ["path", "sha256", "media_type"],
                "properties": {
                    "path": _nullable("string"),
                    "sha256": _nullable("string", pattern="^[0-9a-f]{64}$"),
                    "media_type": _nullable("string"),
                    "ocr": {
                        "description": "true when the document was read by OCR (a scan): only figures its tables' "
                        "arithmetic proves are given",
                        "type": "boolean",
                    },
                },
            },
            "organ": _nullable("string"),
            "region": {
                "description": "the region the title names: 平潭综合实验区 of 平潭综合实验区2019年度…, 平潭县 of "
                "平潭县人民政府2012年…; null when it names none",
                **_nullable("string"),
            },
            "year": _nullable("integer", minimum=1990, maximum=2100),
            "era": {"enum": list(v.REPORT_ERAS)},
            "script": {"enum": list(v.SCRIPT_CODES)},
            "applications": _table(v.APPLICATION_ROW_CODES, v.APPLICANT_COLUMN_CODES),
            "review_litigation": _table(v.REVIEW_GROUP_CODES, v.REVIEW_MEASURE_CODES),
            "proactive": _table(v.PROACTIVE_ITEM_CODES, v.PROACTIVE_MEASURE_CODES),
            "narrative": {
                "type": "object",
                "propertyNames": {"enum": v.NARRATIVE_KEY_CODES},
                "additionalProperties": _nullable("number"),
            },
            "checks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rule", "ok", "severity", "detail"],
                    "properties": {
                        "rule": {"type": "string", "pattern": _rule_pattern()},
                        "ok": _nullable("boolean"),
                        "severity": severities,
                        "detail": {"type": "string"},
                        "expected": _nullable("number"),
                        "actual": _nullable("number"),
                        "field": {"type": "string"},
                    },
                },
            },
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["severity", "code", "message"],
                    "properties": {
                        "severity": severities,
                        "code": {"enum": list(v.PROBLEM_CODES)},
                        "message": {"type": "string"},
                        "field": {"type": "string"},
                    },
                },
            },
            "parser_version": {"type": "string"},
            "title": _nullable("string"),
            "publication_date": _nullable("string", pattern=r"^\d{4}-\d{2}-\d{2}$"),
            "organ_original": _nullable("string"),
            "title_original": _nullable("string"),
            "provenance": {"type": "object", "additionalProperties": {"type": "string"}},
            "proactive_text": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }


def text() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is out of date")
    parser.add_argument("--out", type=Path, default=SCHEMA_FILE, help="where the schema is (default: %(default)s)")
    args = parser.parse_args(argv)
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if current == text():
        print(f"{args.out.name} matches parsers/vocabulary.py")
        return 0
    if args.check:
        print(f"{args.out} is out of date: run `python -m parsers.report_schema`")
        return 1
    args.out.write_text(text(), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
