"""The contract's codes, as the integrity suite needs them: read from ``parsers.vocabulary`` at run time.

``parsers.vocabulary`` is the one place codes, eras and labels live (see docs/interfaces.md); this module only
shapes them for the suites: the codes each ``staging.fact`` table may hold (a row outside them is a finding),
the outcome rows whose sum is （七）总计, the eras and scripts a report may have. A new code or era in the
vocabulary is therefore a new allowed value here, with no edit.
"""

from __future__ import annotations

from parsers import vocabulary as _v

# --- table 三 (applications) -------------------------------------------------------------------------------
APPLICATION_ROWS: tuple[str, ...] = tuple(_v.APPLICATION_ROW_CODES)
APPLICATION_COLUMNS: tuple[str, ...] = tuple(_v.APPLICANT_COLUMN_CODES)
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c for c in APPLICATION_COLUMNS if c != "total")


def _rows_of_group(group: str) -> tuple[str, ...]:
    """The rows of an outcome group below its group row (（三）1. … 8. for denied)."""
    return tuple(r.code for r in _v.APPLICATION_ROWS if r.group == group and r.code != group)


# The outcome rows whose sum is （七）总计 (rule 3), in the modern formats: each reason of （三）（四）（五） and
# （六） once (its sub-rows, in the formats that print them, are checked against it separately).
DENIED_ROWS = _rows_of_group("denied")
UNAVAILABLE_ROWS = _rows_of_group("unavailable")
REJECTED_ROWS = _rows_of_group("rejected")
OTHER_SUB_ROWS = _rows_of_group("other")
OUTCOME_ROWS: tuple[str, ...] = (
    ("granted", "partially_granted") + DENIED_ROWS + UNAVAILABLE_ROWS + REJECTED_ROWS + ("other",)
)

# --- table 四 (review_litigation) ----------------------------------------------------------------------------
REVIEW_GROUPS: tuple[str, ...] = tuple(_v.REVIEW_GROUP_CODES)
REVIEW_MEASURES: tuple[str, ...] = tuple(_v.REVIEW_MEASURE_CODES)

# --- table 二 (proactive) ------------------------------------------------------------------------------------
PROACTIVE_ITEMS: tuple[str, ...] = tuple(_v.PROACTIVE_ITEM_CODES)
PROACTIVE_MEASURES: tuple[str, ...] = tuple(_v.PROACTIVE_MEASURE_CODES)
SIGNED_MEASURES: tuple[str, ...] = _v.SIGNED_MEASURE_CODES  # the only measures that may be negative

# --- narrative ----------------------------------------------------------------------------------------------
NARRATIVE_KEYS: tuple[str, ...] = tuple(_v.NARRATIVE_KEY_CODES)

ERAS: tuple[str, ...] = _v.REPORT_ERAS  # the formats and "unknown"
SCRIPTS: tuple[str, ...] = _v.SCRIPT_CODES
SEVERITIES: tuple[str, ...] = _v.SEVERITIES
FIRST_YEAR = _v.ERA_RECORDS[0].first_year  # the 2008 regulation: no report covers an earlier year


def codes_by_table() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{table_name: (row codes, column codes)}`` for every table of ``staging.fact``."""
    return {
        "applications": (APPLICATION_ROWS, APPLICATION_COLUMNS),
        "review_litigation": (REVIEW_GROUPS, REVIEW_MEASURES),
        "proactive": (PROACTIVE_ITEMS, PROACTIVE_MEASURES),
        "narrative": (NARRATIVE_KEYS, ("value",)),
    }


def check_family_labels() -> dict[str, tuple[str, str, str]]:
    """``{family: (severity, zh, en)}`` of the parser's check families, so that a finding of GX and a check of
    the parser explain the same rule in the same words."""
    return {fam.family: (fam.severity, fam.zh, fam.en) for fam in _v.CHECK_FAMILIES}
