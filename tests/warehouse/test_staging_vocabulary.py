"""The loader and the database know the vocabulary's codes: an unknown one is loud, never a silent NULL."""

import random

import psycopg
import pytest

from parsers import vocabulary
from reportgen import parsed
from warehouse import staging


def _rows(url, query, *params):
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def test_an_unknown_era_script_or_code_is_loaded_with_a_problem_that_names_it(db_url):
    report = parsed.parsed_report(random.Random(3), 3)
    report["era"] = "2031"
    report["script"] = "cursive"
    report["applications"]["invented_row"] = {"natural_person": 1, "total": 1}
    report["review_litigation"]["review"]["invented_measure"] = 2
    sha = parsed.document_sha256(3, "unknown-codes")
    staging.load_reports([(sha, report)], "1.0", db_url)

    (rid, era, script), *_ = _rows(
        db_url, "SELECT report_id, era, script FROM staging.report WHERE document_sha256 = %s", sha
    )
    assert (era, script) == (None, None)
    problems = {
        (field, severity): message
        for severity, code, message, field in _rows(
            db_url, "SELECT severity, code, message, field FROM staging.problem WHERE report_id = %s", rid
        )
        if code == "unknown_code"
    }
    assert set(problems) == {
        ("era", "error"),
        ("script", "error"),
        ("applications.invented_row", "error"),
        ("review_litigation.*.invented_measure", "error"),
    }
    assert "'2031'" in problems[("era", "error")]
    # the facts are kept as printed, so that GX's integrity suite reports them as well
    assert _rows(
        db_url,
        "SELECT value FROM staging.fact WHERE report_id = %s AND row_code = 'invented_row' AND col_code = 'total'",
        rid,
    ) == [(1,)]


def test_the_database_refuses_an_era_outside_its_vocabulary_table(db_url):
    assert {era for (era,) in _rows(db_url, "SELECT era FROM staging.era")} == set(vocabulary.REPORT_ERAS)
    assert {s for (s,) in _rows(db_url, "SELECT script FROM staging.script")} == set(vocabulary.SCRIPT_CODES)
    with psycopg.connect(db_url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(
            "INSERT INTO staging.report (document_sha256, parser_version, era, report_json)"
            " VALUES (repeat('a', 64), 'x', '2031', '{}')"
        )


def test_a_new_era_in_the_vocabulary_needs_no_migration(db_url, monkeypatch):
    monkeypatch.setattr(vocabulary, "REPORT_ERAS", (*vocabulary.REPORT_ERAS, "2027"))
    monkeypatch.setattr(staging, "ERAS", frozenset(vocabulary.REPORT_ERAS))
    report = parsed.parsed_report(random.Random(4), 4)
    report["era"] = "2027"
    sha = parsed.document_sha256(4, "new-era")
    staging.load_reports([(sha, report)], "1.0", db_url)
    assert _rows(db_url, "SELECT era FROM staging.report WHERE document_sha256 = %s", sha) == [("2027",)]
    assert ("2027",) in _rows(db_url, "SELECT era FROM staging.era")
