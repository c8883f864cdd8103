"""What keeps validation cheap on a large warehouse, checked on a small one: GX's sessions run without JIT and
plan listings like counts, the rules that look for a few rows read them through migration 0008's partial
indexes, and the short forms of the catalog's SQL answer as the plain ones they replace."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from gx_fixtures import SEED_000, SEED_003

from expectations import catalog
from expectations.runner import _context, _datasource, _derived_cells, gx_url
from parsers.vocabulary import CHECK_FAMILIES, CheckFamily


def test_gx_sessions_have_the_options_and_keep_the_urls_own(wh, tmp_path):
    datasource = _datasource(_context(tmp_path), gx_url(wh.url))
    # the engine GX computes its metrics with, as a checkpoint gets it
    with datasource.get_execution_engine().engine.connect() as conn:
        settings = {name: conn.execute(sa.text(f"SHOW {name}")).scalar() for name in ("jit", "parallel_tuple_cost")}
        statement_timeout = conn.execute(sa.text("SHOW statement_timeout")).scalar()
    assert settings == {"jit": "off", "parallel_tuple_cost": "0.01"}
    assert statement_timeout != "0", "nianbao's statement timeout (in the URL's options) is kept"
    assert "jit" not in (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8")


def _plan(wh, sql: str) -> str:
    """The plan of ``sql`` when PostgreSQL reads no table whole unless it must (small test tables would be)."""
    with psycopg.connect(wh.url, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")
        return "\n".join(row[0] for row in conn.execute("EXPLAIN " + sql))


def _rule_sql(name: str) -> str:
    rule = next(r for r in catalog.staging_rules() + catalog.marts_rules() if r.name == name).in_scope(None)
    _, schema, table = catalog.SUITES[rule.suite]
    return rule.sql.replace("{batch}", f"(SELECT * FROM {schema}.{table})")


@pytest.mark.parametrize(
    "name, index",
    [(f.family, "check_result_failed_idx") for f in catalog.PARSER_FAMILIES]
    + [("marts.breach_listed", "check_result_failed_idx"), ("staging.fact.non_negative", "fact_negative_idx")],
)
def test_rules_looking_for_few_rows_read_them_through_a_partial_index(wh, name, index):
    wh.load(SEED_003)
    wh.build_marts()
    assert index in _plan(wh, _rule_sql(name))


def test_derived_cells_are_counted_through_a_partial_index(wh):
    wh.load(SEED_000, derived={("applications", "granted", "total")})
    engine = sa.create_engine(gx_url(wh.url), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert _derived_cells(conn) == 1
    engine.dispose()
    sql = (
        "SELECT count(*) FROM staging.fact f JOIN staging.report r ON r.report_id = f.report_id AND r.is_current"
        " WHERE f.is_derived"
    )
    assert "fact_derived_idx" in _plan(wh, sql)


RULE_NAMES = [
    "applications.balance",
    "applications.balance.total",
    "applications.balance_typo.total",
    "applications",
    "applications.",
    "narrative",
    "narrative.other",
    "narrative_other",
    "narratives.other",
    "x.narrative",
    "cross_year",
    "cross_year.carried_over.total",
    "statistics.cumulative.row1",
    "statistics.subitems_sum",
    "",
    ".",
]


def _family_answers(wh, families: tuple[CheckFamily, ...], names: list[str]) -> list[tuple]:
    plain = " OR ".join(f"({catalog._of_family('r', f.family)})" for f in families)
    short = catalog._of_any_family("r", families)
    return wh.query(f"SELECT r, coalesce({plain}, false), {short} FROM unnest(%s::text[]) AS r", (names,))


@pytest.mark.parametrize(
    "families",
    [catalog.PARSER_FAMILIES, catalog.WAREHOUSE_FAMILIES, tuple(CHECK_FAMILIES)] + [(f,) for f in CHECK_FAMILIES[:3]],
    ids=lambda fs: ",".join(f.family for f in fs) if len(fs) < 3 else f"{len(fs)} families",
)
def test_of_any_family_answers_as_the_or_of_of_family(wh, families):
    names = RULE_NAMES + [f.family for f in CHECK_FAMILIES] + [f.family + ".x.y" for f in CHECK_FAMILIES]
    for name, plain, short in _family_answers(wh, families, names):
        assert short is plain, name


def test_of_any_family_gives_a_rule_to_its_longest_family(wh, monkeypatch):
    """Families within families, three deep, some chosen: a rule belongs to the longest family naming it."""
    nested = [CheckFamily(name, "error", "测试", "test") for name in ("a", "a.b", "a.b.c", "b.c")]
    monkeypatch.setattr(catalog, "CHECK_FAMILIES", nested)
    names = ["a", "a.x", "a.b", "a.b.x", "a.b.c", "a.b.c.x", "a.bc", "b", "b.c", "b.c.d", "c"]
    for chosen in ((nested[0], nested[2]), (nested[1],), (nested[0], nested[3]), tuple(nested)):
        for name, plain, short in _family_answers(wh, chosen, names):
            assert short is plain, (name, [f.family for f in chosen])
