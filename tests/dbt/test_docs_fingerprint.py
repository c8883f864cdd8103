"""The dbt docs page is made again only when what it shows changed (`nianbao.dbt_builds.docs_fingerprint`).

The fingerprint is read from a real migrated warehouse: new rows leave it as it is (a monthly build), a new column,
relation or comment changes it, as do the build's vars and the warehouse itself.
"""

from __future__ import annotations

from nianbao import dbt_builds, steps

VARS = dbt_builds.BUILD_VARS


def test_rows_leave_the_docs_as_they_are_and_the_shape_of_the_warehouse_does_not(warehouse):
    before = dbt_builds.docs_fingerprint(warehouse.url, VARS)
    assert dbt_builds.docs_fingerprint(warehouse.url, VARS) == before
    warehouse.execute("insert into staging.era (era) values ('docs-fingerprint-test') on conflict do nothing")
    assert dbt_builds.docs_fingerprint(warehouse.url, VARS) == before  # rows: the page shows none
    assert dbt_builds.docs_fingerprint(warehouse.url, "{}") != before  # other vars, another page

    warehouse.execute("comment on table staging.era is 'the eras (docs fingerprint test)'")
    commented = dbt_builds.docs_fingerprint(warehouse.url, VARS)
    assert commented != before
    warehouse.execute("alter table staging.era add column docs_test text")
    widened = dbt_builds.docs_fingerprint(warehouse.url, VARS)
    assert widened != commented
    warehouse.execute("create schema docs_test; create table docs_test.t (a int)")
    assert dbt_builds.docs_fingerprint(warehouse.url, VARS) != widened
    warehouse.execute("drop schema docs_test cascade; alter table staging.era drop column docs_test")
    assert dbt_builds.docs_fingerprint(warehouse.url, VARS) == commented


def test_the_page_is_made_when_its_fingerprint_changed_and_not_otherwise(warehouse, tmp_path, monkeypatch):
    """`steps.dbt_docs` decides; dbt itself stands aside here (tests/e2e/test_airflow_ui.py opens the real page)."""
    from nianbao import paths

    page, stamp = tmp_path / "static_index.html", tmp_path / "static_index.fingerprint"
    monkeypatch.setattr(paths, "DBT_DOCS_PAGE", page)
    monkeypatch.setattr(paths, "DBT_DOCS_STAMP", stamp)
    made = []

    def dbt(*args, url=None):
        made.append(args)
        page.write_text("<html>docs</html>")

    monkeypatch.setattr(steps, "dbt", dbt)
    assert steps.dbt_docs(url=warehouse.url, build_vars=VARS) == page
    assert len(made) == 1 and made[0][:2] == ("docs", "generate") and "--vars" in made[0]
    steps.dbt_docs(url=warehouse.url, build_vars=VARS)  # nothing changed: the page stays
    assert len(made) == 1
    page.unlink()  # the page gone: made again
    steps.dbt_docs(url=warehouse.url, build_vars=VARS)
    assert len(made) == 2
    warehouse.execute("comment on table staging.era is 'changed again (docs fingerprint test)'")
    steps.dbt_docs(url=warehouse.url, build_vars=VARS)
    assert len(made) == 3
    assert stamp.read_text() == dbt_builds.docs_fingerprint(warehouse.url, VARS)
