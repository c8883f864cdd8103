"""Staging loads: long-form facts, idempotence, supersession by newer parser versions, crash safety."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from reportgen import parsed
from warehouse import staging
from warehouse.raw_store import FetchRecord, RawStore

REPO_ROOT = Path(__file__).resolve().parents[2]


def _one(url, query, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()


def _report_with_everything():
    report = parsed.parsed_report(__import__("random").Random(1), 7)
    report["problems"] = [
        {
            "severity": "warning",
            "code": "derived_value",
            "message": "blank total filled",
            "field": "applications.granted.total",
        },
        {"severity": "warning", "code": "derived_value", "message": "sum", "field": "narrative.review_total"},
        {"severity": "error", "code": "table_missing", "message": "no table 二"},
    ]
    report["applications"]["denied"] = {"total": None}  # printed blank: kept as a NULL fact
    report["narrative"]["fees_collected_yuan"] = "n/a"  # not a number: NULL fact plus a problem
    return report


def test_one_report_flattens_to_long_form(db_url):
    sha = parsed.document_sha256(1, "flatten")
    report = _report_with_everything()
    stats = staging.load_reports([(sha, report)], "1.0", db_url)
    assert stats.reports_loaded == 1
    with psycopg.connect(db_url) as conn:
        rid, year, era, published, current = conn.execute(
            "SELECT report_id, report_year, era, published_on, is_current FROM staging.report"
            " WHERE document_sha256 = %s",
            (sha,),
        ).fetchone()
        assert (year, era, str(published), current) == (report["year"], report["era"], report["publication_date"], True)
        facts = {
            (t, r, c): (v, d, p, txt)
            for t, r, c, v, d, p, txt in conn.execute(
                "SELECT table_name, row_code, col_code, value, is_derived, provenance, printed_text FROM staging.fact"
                " WHERE report_id = %s",
                (rid,),
            )
        }
        expected_cells = sum(
            len(cells) for t in ("applications", "review_litigation", "proactive") for cells in report[t].values()
        ) + len(report["narrative"])
        assert len(facts) == expected_cells == stats.facts
        new = facts[("applications", "new_received", "total")]
        assert new[0] == report["applications"]["new_received"]["total"] and new[1] is False
        assert new[2] == report["provenance"]["applications.new_received.total"]
        assert facts[("applications", "granted", "total")][1] is True  # derived_value with this field
        assert facts[("narrative", "review_total", "value")][1] is True
        assert facts[("applications", "denied", "total")][0] is None
        assert facts[("narrative", "fees_collected_yuan", "value")][0] is None
        amount = facts[("proactive", "procurement", "procurement_amount_10k_yuan")]
        assert amount[3].endswith("万元")
        problems = conn.execute("SELECT code, field FROM staging.problem WHERE report_id = %s", (rid,)).fetchall()
        assert ("table_missing", None) in problems
        assert ("unreadable_value", "narrative.fees_collected_yuan") in problems
        checks = conn.execute(
            "SELECT count(*), count(expected) FROM staging.check_result WHERE report_id = %s", (rid,)
        ).fetchone()
        assert checks == (len(report["checks"]), sum("expected" in c for c in report["checks"]))


def test_load_is_idempotent(db_url):
    items = parsed.parsed_items(30, seed=2, salt="idem")
    first = staging.load_reports(items, "1.0", db_url, batch_size=7)
    counts = _one(db_url, "SELECT (SELECT count(*) FROM staging.report), (SELECT count(*) FROM staging.fact)")
    again = staging.load_reports(items + items[:5], "1.0", db_url, batch_size=7)
    assert first.reports_loaded == 30
    assert again.reports_loaded == 0 and again.reports_skipped == 35
    assert _one(db_url, "SELECT (SELECT count(*) FROM staging.report), (SELECT count(*) FROM staging.fact)") == counts


def test_newer_parser_version_supersedes_and_older_is_kept(db_url):
    items = parsed.parsed_items(4, seed=3, salt="supersede")
    staging.load_reports(items, "1.9", db_url)
    stats = staging.load_reports(items[:2], "1.10", db_url)  # 1.10 is newer than 1.9
    assert stats.reports_superseded == 2
    old = staging.load_reports(items[2:], "1.8", db_url)  # an older version never takes over
    assert old.reports_superseded == 0 and old.reports_loaded == 2
    with psycopg.connect(db_url) as conn:
        rows = {
            (sha, version): current
            for sha, version, current in conn.execute(
                "SELECT document_sha256, parser_version, is_current FROM staging.report WHERE document_sha256 = ANY(%s)",
                ([sha for sha, _ in items],),
            )
        }
    for sha, _ in items[:2]:
        assert rows[(sha, "1.9")] is False and rows[(sha, "1.10")] is True
    for sha, _ in items[2:]:
        assert rows[(sha, "1.9")] is True and rows[(sha, "1.8")] is False


def test_the_summary_counts_the_facts_and_checks_of_current_reports_only(db_url):
    from nianbao.steps import warehouse_summary

    items = parsed.parsed_items(3, seed=4, salt="summary")
    staging.load_reports(items, "2.0", db_url)
    assert staging.load_reports(items[:2], "2.1", db_url).reports_superseded == 2
    current_facts, current_passed, current_failed, superseded_facts = _one(
        db_url,
        "SELECT (SELECT count(*) FROM staging.fact JOIN staging.report USING (report_id) WHERE is_current),"
        " (SELECT count(*) FROM staging.check_result JOIN staging.report USING (report_id) WHERE is_current AND ok),"
        " (SELECT count(*) FROM staging.check_result JOIN staging.report USING (report_id) WHERE is_current AND NOT ok),"
        " (SELECT count(*) FROM staging.fact JOIN staging.report USING (report_id) WHERE NOT is_current)",
    )
    assert superseded_facts > 0  # the superseded reports' facts are there, and not counted
    summary = warehouse_summary(db_url)
    assert summary["facts_loaded"] == current_facts
    assert (summary["rules_passed"], summary["rules_failed"]) == (current_passed, current_failed)
    # the DAG's summary, made beside the run's validation, leaves the validation's outcome to `validate`
    without = warehouse_summary(db_url, validation=False)
    assert "last_validation" not in without and without["facts_loaded"] == current_facts


def test_portal_and_source_url_come_from_raw_and_pending_documents(db_url):
    body = b"<html>report 2020</html>"
    with RawStore(db_url) as store:
        store.record_fetch(
            FetchRecord(
                portal="p",
                url="http://m.p.gov.cn/r_wap.html",
                http_status=200,
                body=body,
                is_report=True,
                year_guess=2020,
            )
        )
        store.record_fetch(
            FetchRecord(
                portal="p", url="https://p.gov.cn/r.html", http_status=200, body=body, is_report=True, year_guess=2020
            )
        )
    pending = list(staging.pending_documents("2.0", db_url, portal="p"))
    assert [d.content for d in pending] == [body]
    report = parsed.parsed_report(__import__("random").Random(0))
    staging.load_reports([(pending[0].sha256, report)], "2.0", db_url)
    assert list(staging.pending_documents("2.0", db_url, portal="p")) == []
    assert len(list(staging.pending_documents("2.1", portal="p"))) == 1  # url=None: $NIANBAO_DATABASE_URL
    assert _one(
        db_url, "SELECT portal, source_url FROM staging.report WHERE document_sha256 = %s", pending[0].sha256
    ) == ("p", "https://p.gov.cn/r.html")


CHILD = textwrap.dedent("""
    import sys
    from reportgen import parsed
    from warehouse import staging
    items = parsed.parsed_items(int(sys.argv[2]), seed=5, salt="crash")
    staging.load_reports(items, "crash-1", sys.argv[1], batch_size=int(sys.argv[3]))
""")


def test_killed_loader_leaves_no_partial_report_and_rerun_completes(db_url):
    reports, batch = 900, 300
    child_url = make_conninfo(db_url, application_name="wh_crash_child")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, child_url, str(reports), str(batch)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        # Kill it while it is inside a batch: after the first batch committed, mid-COPY of a later one.
        deadline = time.monotonic() + 60
        with psycopg.connect(db_url, autocommit=True) as watcher:
            while time.monotonic() < deadline and child.poll() is None:
                committed = watcher.execute(
                    "SELECT count(*) FROM staging.report WHERE parser_version = 'crash-1'"
                ).fetchone()[0]
                copying = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'wh_crash_child'"
                    " AND query LIKE 'COPY staging.%%' AND state = 'active'"
                ).fetchone()[0]
                if committed >= batch and copying:
                    break
                time.sleep(0.005)
        assert child.poll() is None, "the loader finished before it could be killed; make the load bigger"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()

    items = parsed.parsed_items(reports, seed=5, salt="crash")
    facts_of = {sha: len(staging.fact_rows(report)[0]) for sha, report in items}

    def state():
        """(reports loaded, reports whose facts are not all there)."""
        with psycopg.connect(db_url) as conn:
            loaded = conn.execute(
                "SELECT r.document_sha256, count(f.*) FROM staging.report r LEFT JOIN staging.fact f"
                " USING (report_id) WHERE r.parser_version = 'crash-1' GROUP BY r.document_sha256"
            ).fetchall()
        return len(loaded), sum(n != facts_of[sha] for sha, n in loaded)

    # The server rolls back the killed session's transaction once it notices the closed socket.
    deadline = time.monotonic() + 10
    while _one(db_url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'wh_crash_child'")[0]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    loaded, partial = state()
    assert loaded % batch == 0 and 0 < loaded < reports  # whole batches only
    assert partial == 0  # each report has all its facts
    stats = staging.load_reports(items, "crash-1", db_url, batch_size=batch)
    assert stats.reports_skipped == loaded and stats.reports_loaded == reports - loaded
    assert state() == (reports, 0)


@pytest.mark.parametrize(
    "newer,older,expected",
    [
        ("1.10", "1.9", True),
        ("0.2.0", "0.10.0", False),
        ("2024.1", "2023.12", True),
        ("v3-x", "v2-y", True),
    ],
)
def test_is_newer(newer, older, expected):
    assert staging.is_newer(newer, older) is expected


def test_odd_text_and_numbers_do_not_break_a_batch(db_url):
    report = parsed.parsed_report(__import__("random").Random(9))
    report["title"] = "年度\x00报告"  # NUL from a PDF's text layer: not storable in PostgreSQL text
    report["narrative"]["fees_collected_yuan"] = float("nan")
    report["problems"].append({"severity": "warning", "code": "encoding_guessed", "message": "gb\x0018030"})
    sha = parsed.document_sha256(9, "odd")
    assert staging.load_reports([(sha, report)], "1.0", db_url).reports_loaded == 1
    title, fees = _one(
        db_url,
        "SELECT title, report_json -> 'narrative' -> 'fees_collected_yuan' FROM staging.report"
        " WHERE document_sha256 = %s",
        sha,
    )
    assert (title, fees) == ("年度报告", None)
    with pytest.raises(ValueError, match="not a document sha256"):
        staging.load_reports([("not-a-hash", report)], "1.0", db_url)
