"""Load parsed Reports into ``staging`` as long-form facts, with COPY.

A Report (``../shared/contract/report-json.md`` plus the keys of ``docs/interfaces.md``) becomes:

- one ``staging.report`` row (the whole Report kept as ``report_json``),
- one ``staging.fact`` row per table cell and narrative figure (``applications`` ROW x COL,
  ``review_litigation`` GROUP x MEASURE, ``proactive`` ITEM x MEASURE, ``narrative`` KEY x 'value'),
  with the cell's provenance and whether the parser derived it,
- one ``staging.check_result`` row per check and one ``staging.problem`` row per problem.

Guarantees:

- one transaction per batch: a loader killed mid-way leaves no partial report, and the next run completes it;
- idempotent: a (document, parser version) already in staging is skipped;
- a newer parser version supersedes older rows of the same document: they stay, with ``is_current = false``.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from psycopg.types.json import Jsonb

from parsers import vocabulary
from parsers.report_types import Report
from warehouse.connection import connect
from warehouse.raw_store import RawDocument, RawStore
from warehouse.statistics import STAGING_TABLES, analyze_stale
from warehouse.urls import is_canonical_address_sql

# What the row builders read: a Report, read defensively (a file or an older parser may give any shape; what the
# vocabulary does not know becomes a loader problem, not an error)
ReportLike = Mapping[str, Any]

TABLES = ("applications", "review_litigation", "proactive")  # the Report's nested {ROW: {COL: VALUE}} tables
# What the vocabulary allows: anything else is loaded as printed (an era or script: NULL) with an
# `unknown_code` problem that names it, never dropped or nulled in silence.
ERAS = frozenset(vocabulary.REPORT_ERAS)
SCRIPTS = frozenset(vocabulary.SCRIPT_CODES)
CODES = {  # {table: (row codes, column codes)}
    "applications": (frozenset(vocabulary.APPLICATION_ROW_CODES), frozenset(vocabulary.APPLICANT_COLUMN_CODES)),
    "review_litigation": (frozenset(vocabulary.REVIEW_GROUP_CODES), frozenset(vocabulary.REVIEW_MEASURE_CODES)),
    "proactive": (frozenset(vocabulary.PROACTIVE_ITEM_CODES), frozenset(vocabulary.PROACTIVE_MEASURE_CODES)),
    "narrative": (frozenset(vocabulary.NARRATIVE_KEY_CODES), frozenset({"value"})),
}
# The vocabulary tables staging.report references (migration 0005): {table: its code column}.
VOCABULARY_TABLES = {"staging.era": "era", "staging.script": "script"}
# Loaders serialize on this lock so two of them cannot both make a different version "current".
_LOAD_LOCK_KEY = 727_101_2020
_SHA256 = re.compile(r"[0-9a-f]{64}")

REPORT_COLUMNS = (
    "report_id",
    "document_sha256",
    "parser_version",
    "is_current",
    "source_url",
    "portal",
    "organ",
    "report_year",
    "era",
    "script",
    "published_on",
    "title",
    "report_json",
)
FACT_COLUMNS = ("report_id", "table_name", "row_code", "col_code", "value", "is_derived", "provenance", "printed_text")
CHECK_COLUMNS = ("report_id", "rule", "ok", "severity", "detail", "field", "expected", "actual")
PROBLEM_COLUMNS = ("report_id", "severity", "code", "message", "field")


@dataclass
class LoadStats:
    reports_loaded: int = 0
    reports_skipped: int = 0  # already in staging for this parser version
    reports_superseded: int = 0  # older versions marked is_current = false
    facts: int = 0
    checks: int = 0
    problems: int = 0
    seconds: float = 0.0

    def add(self, other: LoadStats) -> None:
        for name in ("reports_loaded", "reports_skipped", "reports_superseded", "facts", "checks", "problems"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- turning one Report into rows (pure functions, no database) -------------------------------------------------


def _number(value) -> tuple[int | float | Decimal | None, bool]:
    """(numeric value, ok). None stays None; anything that is not a finite number gives (None, False)."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):  # the common case, kept cheap: COPY writes ints and floats as they are
        return value, True
    if isinstance(value, float):
        return (value, True) if math.isfinite(value) else (None, False)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None, False
    return (number, True) if number.is_finite() else (None, False)


def _text(value) -> str | None:
    """Text for a text column: PostgreSQL text cannot hold NUL characters, which PDF extraction can produce."""
    if value is None:
        return None
    value = value if isinstance(value, str) else str(value)
    return value.replace("\x00", "") if "\x00" in value else value


def _json(report: ReportLike) -> Jsonb:
    """The Report as jsonb; NaN/Infinity (not JSON) become null and NUL characters are dropped, as in _text."""

    def clean(value):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    def dumps(obj) -> str:
        try:
            text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
        except ValueError:  # NaN or Infinity somewhere
            text = json.dumps(clean(obj), ensure_ascii=False, default=str)
        return text.replace("\\u0000", "")

    return Jsonb(report, dumps=dumps)


def _severity(value) -> str | None:
    return value if value in ("error", "warning") else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _year(value) -> int | None:
    number, _ = _number(value)
    if number is None or number != int(number) or not 1900 <= number <= 2200:
        return None
    return int(number)


def fact_rows(report: ReportLike) -> tuple[list[tuple], list[tuple]]:
    """The report's facts as (table_name, row_code, col_code, value, is_derived, provenance, printed_text), and
    loader problems (severity, code, message, field) for values that are not numbers and for row or column codes
    the vocabulary does not know (their facts are kept: GX's integrity suite reports them too)."""
    provenance = report.get("provenance") or {}
    printed = report.get("proactive_text") or {}
    derived = {
        p.get("field") for p in report.get("problems") or [] if p.get("code") == "derived_value" and p.get("field")
    }
    facts: list[tuple] = []
    bad: list[tuple] = []
    unknown: set[str] = set()

    def unknown_code(table: str, code: str, where: str) -> None:
        if where not in unknown:  # once per row or column, not per cell
            unknown.add(where)
            bad.append(("error", "unknown_code", f"loader: {code!r} is not a {table} code of the vocabulary", where))

    def add(table: str, row: str, col: str, raw_value, field: str, text: str | None = None) -> None:
        rows, cols = CODES[table]
        if row not in rows:
            unknown_code(table, row, f"{table}.{row}")
        if col not in cols:
            unknown_code(table, col, f"{table}.*.{col}")
        value, ok = _number(raw_value)
        if not ok:
            bad.append(("warning", "unreadable_value", f"loader: {field} is not a number: {raw_value!r}", field))
        # A narrative figure's field is "narrative.<key>"; accept "narrative.<key>.value" in problems as well.
        is_derived = field in derived or f"{field}.value" in derived
        facts.append((table, row, col, value, is_derived, _text(provenance.get(field)), _text(text)))

    for table in TABLES:
        for row, cells in (report.get(table) or {}).items():
            for col, raw_value in (cells or {}).items():
                field = f"{table}.{row}.{col}"
                add(table, row, col, raw_value, field, printed.get(f"{row}.{col}") if table == "proactive" else None)
    for key, raw_value in (report.get("narrative") or {}).items():
        add("narrative", key, "value", raw_value, f"narrative.{key}")
    return facts, bad


def report_values(report: ReportLike) -> tuple[str | None, str | None, list[tuple]]:
    """(era, script, problems): the report's era and script when the vocabulary knows them, else NULL with an
    `unknown_code` problem (severity, code, message, field) that says what was given."""
    values, problems = [], []
    for key, known in (("era", ERAS), ("script", SCRIPTS)):
        value = report.get(key)
        if value in known:
            values.append(value)
            continue
        values.append(None)
        if value is not None:
            problems.append(("error", "unknown_code", f"loader: {key} {value!r} is not in the vocabulary", key))
    return values[0], values[1], problems


def vocabulary_codes() -> dict[str, tuple[str, ...]]:
    """{vocabulary table: the codes it must hold}, from parsers.vocabulary."""
    return {"staging.era": vocabulary.REPORT_ERAS, "staging.script": vocabulary.SCRIPT_CODES}


def _sync_vocabulary(conn) -> None:
    """Add the vocabulary's codes the tables lack (a new era needs no migration); never removes one."""
    for table, codes in vocabulary_codes().items():
        column = VOCABULARY_TABLES[table]
        conn.execute(f"INSERT INTO {table} ({column}) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", (list(codes),))


def check_rows(report: ReportLike) -> list[tuple]:
    rows = []
    for check in report.get("checks") or []:
        ok = check.get("ok")
        rows.append(
            (
                _text(check.get("rule")),
                ok if isinstance(ok, bool) else None,
                _severity(check.get("severity")),
                _text(check.get("detail")),
                _text(check.get("field")),
                _number(check.get("expected"))[0],
                _number(check.get("actual"))[0],
            )
        )
    return rows


def problem_rows(report: ReportLike) -> list[tuple]:
    return [
        (
            _severity(p.get("severity")),
            _text(p.get("code") or "unknown"),
            _text(p.get("message")),
            _text(p.get("field")),
        )
        for p in report.get("problems") or []
    ]


# -- parser versions ------------------------------------------------------------------------------------------


def is_newer(version: str, than: str) -> bool:
    """Whether parser version ``version`` is newer than ``than`` (PEP 440 if both parse, else numeric parts)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version) > Version(than)
    except InvalidVersion:

        def key(v: str) -> tuple:
            return tuple(int(n) for n in re.findall(r"\d+", v)), v

        return key(version) > key(than)


# -- loading --------------------------------------------------------------------------------------------------


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def load_reports(
    items: Iterable[tuple[str, Report]], parser_version: str, url: str | None = None, *, batch_size: int = 500
) -> LoadStats:
    """Load ``(document_sha256, report)`` items; one transaction per ``batch_size`` reports."""
    started = time.perf_counter()
    stats = LoadStats()
    with connect(url, autocommit=True) as conn:
        for batch in _batches(items, batch_size):
            with conn.transaction():
                stats.add(_load_batch(conn, batch, parser_version))
        if stats.reports_loaded:
            # the next query's plans (the next batch's, dbt's) depend on them: never wait for autovacuum
            analyze_stale(conn, STAGING_TABLES)
    stats.seconds = time.perf_counter() - started
    return stats


def _load_batch(conn, batch: list[tuple[str, Report]], parser_version: str) -> LoadStats:
    stats = LoadStats()
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOAD_LOCK_KEY,))
    _sync_vocabulary(conn)

    reports: dict[str, Report] = {}
    for sha256, report in batch:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256.lower()):
            raise ValueError(f"not a document sha256: {sha256!r}")
        reports.setdefault(sha256.lower(), report)  # a document twice in one batch loads once
    shas = list(reports)
    already = {
        row[0]
        for row in conn.execute(
            "SELECT document_sha256 FROM staging.report WHERE parser_version = %s AND document_sha256 = ANY(%s)",
            (parser_version, shas),
        )
    }
    stats.reports_skipped = len(batch) - len(shas) + len(already)
    shas = [sha for sha in shas if sha not in already]
    if not shas:
        return stats

    current = dict(
        conn.execute(
            "SELECT document_sha256, parser_version FROM staging.report WHERE is_current AND document_sha256 = ANY(%s)",
            (shas,),
        ).fetchall()
    )
    superseded = [sha for sha in shas if sha in current and is_newer(parser_version, current[sha])]
    becomes_current = {sha for sha in shas if sha not in current} | set(superseded)
    if superseded:
        conn.execute(
            "UPDATE staging.report SET is_current = false WHERE is_current AND document_sha256 = ANY(%s)",
            (superseded,),
        )
    stats.reports_superseded = len(superseded)

    sources = {
        sha: (portal, source_url)
        for sha, portal, source_url in conn.execute(
            # Where each document was found: prefer its canonical address, then the latest report fetch.
            f"""
            SELECT DISTINCT ON (sha256) sha256, portal, coalesce(final_url, url)
            FROM raw.fetch WHERE sha256 = ANY(%s)
            ORDER BY sha256, is_report DESC,
                     {is_canonical_address_sql("coalesce(final_url, url)", "canonical_url")} DESC,
                     fetched_at DESC
            """,
            (shas,),
        )
    }
    report_ids = [
        row[0]
        for row in conn.execute(
            "SELECT nextval(pg_get_serial_sequence('staging.report', 'report_id')) FROM generate_series(1, %s)",
            (len(shas),),
        )
    ]

    problems_by_report: dict[int, list[tuple]] = {}
    cursor = conn.cursor()
    with cursor.copy(f"COPY staging.report ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
        for report_id, sha in zip(report_ids, shas):
            report = reports[sha]
            portal, source_url = sources.get(sha, (None, None))
            era, script, problems_by_report[report_id] = report_values(report)
            copy.write_row(
                (
                    report_id,
                    sha,
                    parser_version,
                    sha in becomes_current,
                    source_url,
                    portal,
                    _text(report.get("organ")),
                    _year(report.get("year")),
                    era,
                    script,
                    _date(report.get("publication_date")),
                    _text(report.get("title")),
                    _json(report),
                )
            )
    with cursor.copy(f"COPY staging.fact ({', '.join(FACT_COLUMNS)}) FROM STDIN") as copy:
        for report_id, sha in zip(report_ids, shas):
            facts, bad_values = fact_rows(reports[sha])
            problems_by_report[report_id] = problem_rows(reports[sha]) + problems_by_report[report_id] + bad_values
            for fact in facts:
                copy.write_row((report_id, *fact))
            stats.facts += len(facts)
    with cursor.copy(f"COPY staging.check_result ({', '.join(CHECK_COLUMNS)}) FROM STDIN") as copy:
        for report_id, sha in zip(report_ids, shas):
            for check in check_rows(reports[sha]):
                copy.write_row((report_id, *check))
                stats.checks += 1
    with cursor.copy(f"COPY staging.problem ({', '.join(PROBLEM_COLUMNS)}) FROM STDIN") as copy:
        for report_id, problems in problems_by_report.items():
            for problem in problems:
                copy.write_row((report_id, *problem))
                stats.problems += 1
    stats.reports_loaded = len(shas)
    return stats


def pending_documents(
    parser_version: str,
    url: str | None = None,
    *,
    portal: str | None = None,
    years: Iterable[int] | None = None,
    max_bytes: int | None = None,
) -> Iterator[RawDocument]:
    """Raw report documents that have no staging report from ``parser_version`` yet and did not break a parse
    limit under it (``record_parse_failure``). A body over ``max_bytes`` comes unread (``content=None``)."""
    with RawStore(url) as store:
        yield from store.documents(portal=portal, years=years, not_parsed_by=parser_version, max_bytes=max_bytes)


def record_parse_failure(
    document_sha256: str,
    parser_version: str,
    *,
    reason: str,
    limit: str,
    message: str,
    source_url: str | None = None,
    url: str | None = None,
) -> int:
    """Record that ``parser_version`` broke a limit (memory, timeout, crashed) on a document, so that loads skip
    it until the parser changes; returns how many times it has failed so (1 unless it was tried again anyway)."""
    if not _SHA256.fullmatch(document_sha256 or ""):
        raise ValueError(f"not a document sha256: {document_sha256!r}")
    with connect(url, autocommit=True) as conn:
        row = conn.execute(
            """
            INSERT INTO audit.parse_failure AS pf
                (document_sha256, parser_version, reason, limit_value, message, source_url)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (document_sha256, parser_version) DO UPDATE
            SET reason = excluded.reason, limit_value = excluded.limit_value, message = excluded.message,
                source_url = coalesce(excluded.source_url, pf.source_url),
                attempts = pf.attempts + 1, last_failed_at = now()
            RETURNING attempts
            """,
            (document_sha256, parser_version, reason, limit, _text(message), _text(source_url)),
        ).fetchone()
    assert row is not None  # an upsert … RETURNING returns its row
    return row[0]
