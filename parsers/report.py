"""From a Document to the Report dict of the contract (plus the keys of docs/interfaces.md).

Order of work: tables (三, 四, 二, pre-2019 统计表) from the token stream, prose figures, era from the labels,
metadata, figures from prose where the tables are missing, then the checks.
"""

from __future__ import annotations

import re

from .checks import application_checks, narrative_checks, review_checks
from .document import Document
from .metadata import read_metadata, strip_markup
from .narrative import read_narrative
from .report_types import Problem, Report, Source
from .tables.applications import COLUMNS, read_applications
from .tables.flat import fewest_nulls, is_flattened, read_flat_applications, read_flat_proactive, read_flat_review
from .tables.pipe import read_pipe_applications, read_pipe_review
from .tables.proactive import read_proactive
from .tables.review import prove_review_blanks, read_review
from .tables.statistics import merged, read_flat_statistics, read_statistics
from .version import PARSER_VERSION
from .vocabulary import (
    ERA_RECORDS,
    ERA_UNKNOWN,
    REVIEW_GROUP_CODES,
    REVIEW_MEASURE_CODES,
    application_rows_of,
    era,
    era_pattern,
    first_printed_in,
)


def empty_report(source: Source, problems: list[Problem] | None = None) -> Report:
    return {
        "source": source,
        "organ": None,
        "region": None,
        "year": None,
        "era": ERA_UNKNOWN,
        "script": "simplified",
        "applications": None,
        "review_litigation": None,
        "proactive": None,
        "narrative": {},
        "checks": [],
        "problems": list(problems or []),
        "parser_version": PARSER_VERSION,
        "title": None,
        "publication_date": None,
        "organ_original": None,
        "title_original": None,
        "provenance": {},
        "proactive_text": {},
    }


def detect_era(text: str, apps, proactive, stats, year: int | None) -> str:
    """The format era from the labels the content prints, newest format first (a 2021 report may keep the
    2019 （一）项 headers): a table row or column no older format prints, or a label or letter number only that
    format prints (vocabulary.Era.markers). Labels are searched in the whole text with whitespace removed, as
    well as in the tables read: a one-line export glues labels to digits (`…现行有效件数规章 000…`) and breaks
    them with stray spaces (`三、本年度办 理结果`), and its tables may not be read at all."""
    compact = "".join(text.split())  # whitespace removed (str.split's whitespace is \s: faster than re.sub on a page)
    read = set(apps.rows if apps else ()) | set(proactive.measures_seen if proactive else ())
    with_tables = [e for e in ERA_RECORDS if "applications" in e.tables]  # oldest first
    for fmt in reversed(with_tables):
        if read & first_printed_in(fmt.code) or era_pattern(fmt.code).search(compact):
            return fmt.code
    if apps:
        return with_tables[0].code
    statistics = [e for e in ERA_RECORDS if "statistics" in e.tables]
    if stats or any(era_pattern(e.code).search(compact) for e in statistics):
        return statistics[-1].code
    if proactive:
        return with_tables[0].code
    if year is not None and year < with_tables[0].first_year:
        return ERA_RECORDS[0].code  # prose only, no label of any format
    return ERA_UNKNOWN


def _unsure(part) -> bool:
    """A table not found, or with cells that could not be read or split."""
    return part is None or any(p["code"] in ("unreadable_value", "ambiguous_split") for p in part.problems)


def analyze(doc: Document, source: Source) -> Report:
    report = empty_report(source, doc.problems)
    problems = report["problems"]
    provenance = report["provenance"]
    report["script"] = "traditional" if doc.traditional else "simplified"

    flattened = is_flattened(doc.text)  # cells glued to their labels: spaces are no separators
    apps = read_flat_applications(doc.text) if flattened else None
    review = read_flat_review(doc.text) if flattened else None
    if apps is None or review is None:
        apps = apps or read_applications(doc.tokens)
        review = review or read_review(doc.tokens, apps.end_index if apps and not flattened else 0)
    if not flattened and (_unsure(apps) or _unsure(review)):
        if "|" in doc.text:
            apps = fewest_nulls(apps, read_pipe_applications(doc.text))
            review = review or read_pipe_review(doc.text)
        apps = fewest_nulls(apps, read_flat_applications(doc.text))
        review = fewest_nulls(review, read_flat_review(doc.text))
    proactive = (read_flat_proactive(doc.text) if flattened else None) or read_proactive(doc.tokens)
    stats = None
    if apps is None:
        stats = merged(read_statistics(doc.tokens), read_flat_statistics(doc.text))
    narrative = read_narrative(doc.text)
    meta = read_metadata(doc.text, doc.meta)
    report["era"] = detect_era(doc.text, apps, proactive, stats, meta.year)

    for part in (apps, review, proactive, stats):
        if part is None:
            continue
        provenance.update(part.provenance)
        problems.extend(part.problems)

    if apps is not None:
        report["applications"] = apps.rows
    if review is not None:
        report["review_litigation"] = review.groups
    if proactive is not None:
        report["proactive"] = proactive.items
        report["proactive_text"] = proactive.texts

    report["narrative"] = dict(narrative.values)
    if review is not None:
        known = len(review.problems)
        prove_review_blanks(review, narrative.values.get("litigation_total"))
        problems.extend(review.problems[known:])
    provenance.update(narrative.provenance)

    stat_figures: dict = {}
    if stats is not None:
        stat_figures = _apply_statistics(report, stats)

    printed = era(report["era"]).tables if report["era"] != ERA_UNKNOWN else ()
    if "applications" in printed:
        for name, part in (("applications", apps), ("review_litigation", review), ("proactive", proactive)):
            if part is None:
                problems.append(
                    {
                        "severity": "warning",
                        "code": "table_missing",
                        "message": f"table {name} not found; figures only from prose where stated",
                    }
                )
        if apps is not None and apps.rows:
            for code in application_rows_of(report["era"]):
                if code not in apps.rows:  # a label lost or not recognised: its row is not in the Report
                    problems.append(
                        {
                            "severity": "warning",
                            "code": "row_not_found",
                            "field": f"applications.{code}",
                            "message": f"table 三: the row {code} was not found",
                        }
                    )

    report["title"] = strip_markup(_printed(doc, meta.title_span, doc.traditional) if meta.title_span else meta.title)
    report["year"] = meta.year
    report["organ"] = strip_markup(meta.organ)
    report["region"] = meta.region
    report["publication_date"] = meta.publication_date
    if doc.traditional:
        if meta.title_span:
            report["title_original"] = strip_markup(_printed(doc, meta.title_span, False))
        report["organ_original"] = strip_markup(meta.organ_as_printed(doc.original))
    if meta.organ is None:
        problems.append(
            {"severity": "warning", "code": "organ_not_found", "message": meta.organ_note or "no organ named"}
        )
    if meta.year is None:
        problems.append(
            {"severity": "warning", "code": "year_not_found", "message": "no title or 统计期限 gives the year covered"}
        )

    derived = {p["field"] for p in problems if p.get("code") == "derived_value" and p.get("field")}
    checks = application_checks(report["applications"], derived)
    checks += review_checks(report["review_litigation"], derived)
    printed_tables = apps is not None or review is not None or stats is not None
    checks += narrative_checks(
        report["narrative"], report["applications"], report["review_litigation"], printed_tables, stat_figures
    )
    if stats is not None:
        checks += stats.checks
    report["checks"] = checks
    return report


def _printed(doc: Document, span: tuple[int, int], simplify: bool) -> str:
    """The title as printed (lines joined), from the original text; simplified when asked."""
    from .normalize import to_simplified

    text = re.sub(r"\s*\n\s*", "", doc.original[span[0] : span[1]]).strip()
    return to_simplified(text) if simplify else text


def _apply_statistics(report: Report, stats) -> dict:
    """Put the 统计表's figures in place; returns those by narrative key, for the prose checks. A figure
    with no table cell (行政诉讼数 …) fills the narrative key only when the prose does not state it: prose
    that says otherwise is kept and checked against the table, never overwritten."""
    figures: dict = {}
    for target, value in stats.values.items():
        where = stats.provenance[target]
        if target.startswith("applications."):
            _, row, col = target.split(".")
            apps = report["applications"] or {}
            apps.setdefault(row, {c: None for c in COLUMNS})[col] = value
            report["applications"] = apps
            report["provenance"][target] = where
        elif target == "review.total":
            rl = report["review_litigation"] or {g: {m: None for m in REVIEW_MEASURE_CODES} for g in REVIEW_GROUP_CODES}
            rl["review"]["total"] = value
            report["review_litigation"] = rl
            report["provenance"]["review_litigation.review.total"] = where
        elif target.startswith("narrative."):
            key = target.split(".", 1)[1]
            figures[key] = value
            if key not in report["narrative"]:
                report["narrative"][key] = value
                report["provenance"][target] = where
    return figures
