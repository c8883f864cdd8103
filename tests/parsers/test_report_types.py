"""parsers/report_types.py (the Report for mypy) names the keys parsers/report.schema.json does, no more, no less."""

import pytest

from parsers import report_schema
from parsers.report_types import Check, Problem, Report, Source

SCHEMA = report_schema.build()
PROPS = SCHEMA["properties"]


@pytest.mark.parametrize(
    ("typed", "schema"),
    [
        (Report, SCHEMA),
        (Source, PROPS["source"]),
        (Check, PROPS["checks"]["items"]),
        (Problem, PROPS["problems"]["items"]),
    ],
    ids=["report", "source", "check", "problem"],
)
def test_typed_dict_keys_match_the_schema(typed, schema):
    assert set(typed.__required_keys__) | set(typed.__optional_keys__) == set(schema["properties"])
    assert set(typed.__required_keys__) == set(schema["required"])


def test_a_parsed_report_has_the_typed_keys():
    from parsers.parse import parse_bytes

    report = parse_bytes(b"<html><body>not a report</body></html>", filename="x.html")
    assert set(report) == set(Report.__required_keys__)
