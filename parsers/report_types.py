"""The Report as Python types: what parsers/report.schema.json says, for mypy.

The schema (written from the vocabulary by parsers/report_schema.py) is the contract, checked at run time; these
TypedDicts are its static twin, used from the parser's entry points to the loader. Codes stay plain ``str`` here:
which codes are allowed is the vocabulary's business and the schema's check. tests/parsers/test_report_types.py
fails when a key is added to or removed from one side only.
"""

from __future__ import annotations

from typing import TypedDict

# {ROW code: {COLUMN code: figure or null}}: tables 三 (applications), 四 (review_litigation), 二 (proactive)
Table = dict[str, dict[str, int | float | None]]


class _SourceRequired(TypedDict):
    path: str | None
    sha256: str | None
    media_type: str | None


class Source(_SourceRequired, total=False):
    ocr: bool  # only present when the document was read by OCR


class _CheckRequired(TypedDict):
    rule: str
    ok: bool | None
    severity: str
    detail: str


class Check(_CheckRequired, total=False):
    expected: int | float | None
    actual: int | float | None
    field: str


class _ProblemRequired(TypedDict):
    severity: str
    code: str
    message: str


class Problem(_ProblemRequired, total=False):
    field: str


class Report(TypedDict):
    source: Source
    organ: str | None
    region: str | None
    year: int | None
    era: str
    script: str
    applications: Table | None
    review_litigation: Table | None
    proactive: Table | None
    narrative: dict[str, int | float | None]
    checks: list[Check]
    problems: list[Problem]
    parser_version: str
    title: str | None
    publication_date: str | None
    organ_original: str | None
    title_original: str | None
    provenance: dict[str, str]
    proactive_text: dict[str, str]
