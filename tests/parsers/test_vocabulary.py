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


def test_check_severity_by_family():
    assert v.check_severity("applications.balance.total") == "error"
    assert v.check_severity("narrative.other") == "warning"
    assert v.check_severity("review_litigation.review_sum") == "error"


def test_schema_is_valid_draft_2020_12():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema())
