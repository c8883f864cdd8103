"""Acceptance (issue 12): a new report format is a change to parsers/vocabulary.py alone.

A copy of the product packages (parsers, warehouse, expectations, dbt) gets a fictional 2027 format — one Era
and one table 三 row with its label pattern — added to the copy's vocabulary and nowhere else. The copy's
generators then refresh what is generated from the vocabulary (the JSON Schema, dbt's seeds and `eras` var),
as a developer would. A 2027 report that prints the new row is parsed by the copy's parser, loaded into a real
PostgreSQL by its loader (migrated by its migrations), built by real dbt from its project and validated by
real GX with its suites; the row arrives everywhere: the Report (era 2027, schema-valid, every check holding),
staging, dim_outcome, fct_applications, dim_year and the GX code lists.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
ADMIN_URL = os.environ.get("NIANBAO_TEST_EXTERNAL_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PACKAGES = ("parsers", "warehouse", "expectations", "dbt", "reportgen")
NEW_ROW = "rejected_ai_generated"

# The whole change: appended to the copy's vocabulary, before its derived lookups.
FORMAT_2027 = """
ERA_RECORDS.append(
    Era(
        "2027",
        2027,
        "2027年格式（虚构）",
        "2027 format (fictional)",
        "国办公开办函〔2027〕1号",
        "State Council General Office letter [2027] No. 1 (fictional)",
        ("applications", "review_litigation", "proactive"),
        "要求提供人工智能生成内容",
    )
)
APPLICATION_ROWS.append(
    ApplicationRow(
        "rejected_ai_generated",
        "（五）6.要求提供人工智能生成内容",
        "Not processed: asks for AI-generated content",
        "rejected",
        76,
        "2027",
        pattern=r"人工智能生成",
    )
)


"""

# Run inside the copy: parse a 2027 report (rendered by reportgen as a 2021 one, plus the new row), migrate a
# database and load the report.
PARSE_AND_LOAD = textwrap.dedent(
    """
    import json, random, sys
    from datetime import date
    from pathlib import Path

    import jsonschema
    import parsers
    from parsers import parse_bytes, schema
    from reportgen import render_html
    from reportgen.random_report import random_report
    from warehouse import migrate, staging

    copy, url, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    assert Path(parsers.__file__).is_relative_to(copy), parsers.__file__  # the copy's parser, not the repo's

    # dated this year at the latest: a report from the future is rightly a finding of the year rule
    truth = random_report("2021", random.Random(2027), year=min(2027, date.today().year))
    apps = truth["applications"]
    # the new row takes over the counts of 5.确认或重新出具 (printed as zeros), so every sum still holds
    new_row = apps["rejected_confirmation"]
    apps["rejected_confirmation"] = dict.fromkeys(new_row, 0)
    html = render_html(truth)
    anchor = html.index("确认或重新出具已获取信息")
    end = html.index("</tr>", anchor) + len("</tr>")
    cells = "".join(f'<td align="center">{new_row[c]}</td>' for c in parsers.vocabulary.APPLICANT_COLUMN_CODES)
    html = html[:end] + f"\\n<tr><td>6.要求提供人工智能生成内容</td>{cells}</tr>" + html[end:]
    html = html.replace('rowspan="5">（五）不予处理', 'rowspan="6">（五）不予处理')

    report = parse_bytes(html.encode("utf-8"), filename="2027.html")
    jsonschema.validate(report, schema())
    migrate.upgrade(url)
    staging.load_reports([("a" * 64, report)], report["parser_version"], url)
    out.write_text(json.dumps({"report": report, "printed": new_row}, ensure_ascii=False), encoding="utf-8")
    """
)

VALIDATE = textwrap.dedent(
    """
    import json, sys
    from expectations import validate, vocabulary

    url, home = sys.argv[1], sys.argv[2]
    rows, _ = vocabulary.codes_by_table()["applications"]
    summary = validate(
        url, suites="staging", home=home, build_docs=False, raise_on_integrity=False, log_results=False
    )
    results = [(r.rule, r.success, r.error) for s in summary.suites for r in s.rules]
    print(json.dumps({"rows": rows, "eras": vocabulary.ERAS, "outcome_rows": vocabulary.OUTCOME_ROWS,
                      "results": results}))
    """
)


def _run(args: list[str], *, cwd: Path, env: dict, timeout: int = 600) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args[:3])} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture
def database():
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL at {ADMIN_URL} unreachable: {error}")
    from warehouse.connection import with_database

    name = f"nianbao_format2027_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(ADMIN_URL, name)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def copy_with_2027(tmp_path) -> Path:
    """The product packages, with the 2027 format in the vocabulary and the generated files regenerated."""
    copy = tmp_path / "repo"
    for package in PACKAGES:
        shutil.copytree(
            REPO / package,
            copy / package,
            ignore=shutil.ignore_patterns("__pycache__", "target", "logs", "dbt_packages", ".user.yml"),
        )
    vocabulary = copy / "parsers" / "vocabulary.py"
    text = vocabulary.read_text(encoding="utf-8")
    marker = "# -- derived lookups"
    assert text.count(marker) == 1
    vocabulary.write_text(text.replace(marker, FORMAT_2027 + marker), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    _run([sys.executable, "-m", "parsers.report_schema"], cwd=copy, env=env)
    _run([sys.executable, "dbt/scripts/export_vocabulary_seeds.py", "--project-dir", "dbt"], cwd=copy, env=env)
    return copy


def test_a_2027_row_added_to_the_vocabulary_alone_flows_to_the_marts_and_gx(copy_with_2027, database, tmp_path):
    copy = copy_with_2027
    env = {**os.environ, "PYTHONPATH": str(copy), "NIANBAO_HOME": str(tmp_path / "home")}
    env.pop("NIANBAO_DATABASE_URL", None)

    # what is generated from the vocabulary changed with it, and only there
    assert NEW_ROW in (copy / "parsers" / "report.schema.json").read_text(encoding="utf-8")
    assert f"{NEW_ROW},2027" in (copy / "dbt" / "seeds" / "outcome_eras.csv").read_text(encoding="utf-8")
    assert '"2027", "unknown"]' in (copy / "dbt" / "dbt_project.yml").read_text(encoding="utf-8")

    # parse → staging
    out = tmp_path / "parsed.json"
    script = tmp_path / "parse_and_load.py"
    script.write_text(PARSE_AND_LOAD, encoding="utf-8")
    _run([sys.executable, str(script), str(copy), database, str(out)], cwd=copy, env=env)
    parsed = json.loads(out.read_text(encoding="utf-8"))
    report, printed = parsed["report"], parsed["printed"]
    assert report["era"] == "2027"
    assert report["applications"][NEW_ROW] == printed
    failed = [c for c in report["checks"] if c["ok"] is not True]
    assert not failed, failed  # the outcome sums include the new row: they hold
    assert not [p for p in report["problems"] if p["code"] in ("row_not_found", "unknown_code")]
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT era FROM staging.report").fetchall() == [("2027",)]
        assert conn.execute(
            "SELECT value FROM staging.fact WHERE row_code = %s AND col_code = 'total'", (NEW_ROW,)
        ).fetchall() == [(printed["total"],)]
        assert conn.execute("SELECT count(*) FROM staging.problem WHERE code = 'unknown_code'").fetchone() == (0,)

    # staging → dbt's marts (the copy's project: its seeds and var are the regenerated ones)
    from warehouse.connection import libpq_params

    params = libpq_params(database)
    dbt_env = {
        **env,
        "NIANBAO_DB_HOST": str(params["host"]),
        "NIANBAO_DB_PORT": str(params["port"]),
        "NIANBAO_DB_USER": str(params["user"]),
        "NIANBAO_DB_PASSWORD": str(params["password"] or ""),
        "NIANBAO_DB_NAME": str(params["dbname"]),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    project = ["--project-dir", str(copy / "dbt"), "--profiles-dir", str(copy / "dbt")]
    select = ["--select", "+dim_outcome +dim_year +fct_applications", "--indirect-selection", "cautious"]
    _run([dbt, "build", *project, *select, "--threads", "2"], cwd=copy / "dbt", env=dbt_env, timeout=900)
    with psycopg.connect(database) as conn:
        outcome = conn.execute(
            "SELECT category_code, outcome_level, eras FROM marts.dim_outcome WHERE outcome_code = %s", (NEW_ROW,)
        ).fetchone()
        assert outcome == ("rejected", "reason", ["2027"])
        assert conn.execute("SELECT eras FROM marts.dim_outcome WHERE outcome_code = 'granted'").fetchone() == (
            ["pre2019", "2019", "2021", "2027"],
        )
        if date.today().year >= 2026:  # dim_year runs to next year
            assert conn.execute(
                "SELECT expected_era, format_document_zh FROM marts.dim_year WHERE report_year = 2027"
            ).fetchone() == ("2027", "国办公开办函〔2027〕1号")
        assert conn.execute("SELECT expected_era FROM marts.dim_year WHERE report_year = 2026").fetchone() == ("2021",)
        figures = dict(
            conn.execute(
                "SELECT applicant_type_code, value FROM marts.fct_applications WHERE outcome_code = %s", (NEW_ROW,)
            ).fetchall()
        )
        assert figures == {code: value for code, value in printed.items()}

    # staging → GX: the code lists hold the new row, and the staging suites pass with it
    script = tmp_path / "validate.py"
    script.write_text(VALIDATE, encoding="utf-8")
    gx = json.loads(_run([sys.executable, str(script), database, str(tmp_path / "home")], cwd=copy, env=env))
    assert NEW_ROW in gx["rows"] and NEW_ROW in gx["outcome_rows"]
    assert "2027" in gx["eras"]
    results = {rule: (ok, error) for rule, ok, error in gx["results"]}
    assert results["staging.fact.codes_in_vocabulary"] == (True, None)
    assert all(ok for ok, _ in results.values()), {rule: r for rule, r in results.items() if not r[0]}
