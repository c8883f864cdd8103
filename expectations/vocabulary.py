"""The contract's codes, as the integrity suite needs them.

The one place labels live is ``parsers.vocabulary`` (see docs/interfaces.md). This module only needs the *codes*
(to reject a staging row whose table/row/column is outside the contract), so it reads them from
``parsers.vocabulary`` when that module offers them and otherwise falls back to the lists below, copied from
``../shared/contract/report-json.md``. The fallback keeps the expectations usable on their own (tests, a
checkout where the parsers are being rewritten); the two must agree, which a test checks when both exist.
"""

from __future__ import annotations

# --- table 三 (applications) -------------------------------------------------------------------------------
APPLICATION_ROWS: tuple[str, ...] = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other",
    "other_no_correction",
    "other_unpaid_fee",
    "other_misc",
    "total_processed",
    "carried_forward",
    # group totals, only where a report states the group alone (pre-2019, prose)
    "denied",
    "unavailable",
    "rejected",
)
APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
)
APPLICATION_COLUMNS: tuple[str, ...] = APPLICANT_COLUMNS + ("total",)

# The outcome rows whose sum is （七）总计 (rule 3). （六） counts once: its 2021 sub-rows are checked separately.
DENIED_ROWS = tuple(r for r in APPLICATION_ROWS if r.startswith("denied_"))
UNAVAILABLE_ROWS = tuple(r for r in APPLICATION_ROWS if r.startswith("unavailable_"))
REJECTED_ROWS = tuple(r for r in APPLICATION_ROWS if r.startswith("rejected_"))
OTHER_SUB_ROWS: tuple[str, ...] = ("other_no_correction", "other_unpaid_fee", "other_misc")
OUTCOME_ROWS: tuple[str, ...] = (
    ("granted", "partially_granted") + DENIED_ROWS + UNAVAILABLE_ROWS + REJECTED_ROWS + ("other",)
)

# --- table 四 (review_litigation) ----------------------------------------------------------------------------
REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_MEASURES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

# --- table 二 (proactive) ------------------------------------------------------------------------------------
PROACTIVE_ITEMS: tuple[str, ...] = (
    "rules",
    "normative_documents",
    "licensing",
    "other_admin_services",
    "penalties",
    "coercive_measures",
    "fees",
    "procurement",
)
PROACTIVE_MEASURES: tuple[str, ...] = (
    "new_made",
    "new_published",
    "published_total",
    "issued",
    "repealed",
    "in_force",
    "prev_year_items",
    "change",
    "decisions",
    "fee_amount_10k_yuan",
    "procurement_items",
    "procurement_amount_10k_yuan",
)
# The only measure that may be negative: 本年增/减 is a signed change.
SIGNED_MEASURES: tuple[str, ...] = ("change",)

# --- narrative ----------------------------------------------------------------------------------------------
NARRATIVE_KEYS: tuple[str, ...] = (
    "applications_received",
    "applications_processed",
    "applications_carried_over",
    "applications_carried_forward",
    "granted",
    "partially_granted",
    "granted_incl_partial",
    "denied",
    "unavailable",
    "rejected",
    "other",
    "review_total",
    "litigation_total",
    "proactive_items_published",
    "fees_collected_yuan",
)

ERAS: tuple[str, ...] = ("pre2019", "2019", "2021", "unknown")
SCRIPTS: tuple[str, ...] = ("simplified", "traditional")
SEVERITIES: tuple[str, ...] = ("error", "warning")
FIRST_YEAR = 2008  # the 2008 regulation: no report covers an earlier year


def _from_parsers(name: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
    """The contract's codes plus any that ``parsers.vocabulary`` adds under ``name`` (an iterable of codes or a
    code→label mapping). A union, because the contract allows added codes but no removed ones. Never fails: a
    half-written parsers package must not stop validation."""
    try:
        from parsers import vocabulary as parsers_vocabulary
    except Exception:  # noqa: BLE001 (any import problem means "not there yet")
        return fallback
    value = getattr(parsers_vocabulary, name, None)
    if value is None:
        return fallback
    try:
        # a list of codes, a code→label dict (iterates over codes) or a list of records with a .code
        codes = tuple(str(getattr(item, "code", item)) for item in value)
    except TypeError:
        return fallback
    return fallback + tuple(code for code in codes if code not in fallback)


def codes_by_table() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{table_name: (row codes, column codes)}`` for every table of ``staging.fact``."""
    return {
        "applications": (
            _from_parsers("APPLICATION_ROW_CODES", APPLICATION_ROWS),
            _from_parsers("APPLICANT_COLUMN_CODES", APPLICATION_COLUMNS),
        ),
        "review_litigation": (
            _from_parsers("REVIEW_GROUP_CODES", REVIEW_GROUPS),
            _from_parsers("REVIEW_MEASURE_CODES", REVIEW_MEASURES),
        ),
        "proactive": (
            _from_parsers("PROACTIVE_ITEM_CODES", PROACTIVE_ITEMS),
            _from_parsers("PROACTIVE_MEASURE_CODES", PROACTIVE_MEASURES),
        ),
        "narrative": (_from_parsers("NARRATIVE_KEY_CODES", NARRATIVE_KEYS), ("value",)),
    }


def check_family_labels() -> dict[str, tuple[str, str, str]]:
    """``{family: (severity, zh, en)}`` of the parser's check families (``parsers.vocabulary.CHECK_FAMILIES``),
    so that a finding of GX and a check of the parser explain the same rule in the same words. Empty when the
    parsers do not offer them."""
    try:
        from parsers import vocabulary as parsers_vocabulary
    except Exception:  # noqa: BLE001
        return {}
    out = {}
    for fam in getattr(parsers_vocabulary, "CHECK_FAMILIES", None) or ():
        try:
            out[str(fam.family)] = (str(fam.severity), str(fam.zh), str(fam.en))
        except AttributeError:
            continue
    return out
