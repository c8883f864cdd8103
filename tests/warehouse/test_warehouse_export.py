"""Every table and view of marts exports to CSV and Parquet."""

import pandas as pd
import psycopg
import pyarrow.parquet as pq
import pytest

from warehouse.export import export_marts


@pytest.fixture(scope="module")
def marts(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("""
            CREATE TABLE marts.fct_cell AS
            SELECT g AS report_id, 'applications'::text AS table_name, (g * 1.5)::numeric AS value,
                   (g % 2 = 0) AS is_derived, date '2021-01-01' + g AS published_on,
                   jsonb_build_object('g', g) AS extra, '宿迁市'::text AS organ
            FROM generate_series(1, 1000) g""")
        conn.execute("CREATE VIEW marts.v_even AS SELECT * FROM marts.fct_cell WHERE is_derived")
        conn.execute("CREATE TABLE marts.empty_table (a int, b text)")
    return db_url


def test_csv(marts, tmp_path):
    paths = export_marts(tmp_path, "csv", marts)
    assert sorted(p.name for p in paths) == ["empty_table.csv", "fct_cell.csv", "v_even.csv"]
    cells = pd.read_csv(tmp_path / "fct_cell.csv")
    assert len(cells) == 1000 and cells["organ"].iloc[0] == "宿迁市" and cells["value"].iloc[1] == 3.0
    assert len(pd.read_csv(tmp_path / "v_even.csv")) == 500
    assert list(pd.read_csv(tmp_path / "empty_table.csv").columns) == ["a", "b"]


def test_parquet(marts, tmp_path, monkeypatch):
    monkeypatch.setattr("warehouse.export.ROWS_PER_GROUP", 300)  # several row groups
    paths = export_marts(tmp_path, "parquet")  # url=None: $NIANBAO_DATABASE_URL
    assert sorted(p.name for p in paths) == ["empty_table.parquet", "fct_cell.parquet", "v_even.parquet"]
    cells = pq.read_table(tmp_path / "fct_cell.parquet")
    assert cells.num_rows == 1000
    assert str(cells.schema.field("value").type) == "double"
    assert str(cells.schema.field("published_on").type) == "date32[day]"
    assert cells.column("extra")[0].as_py() == '{"g": 1}'
    assert pq.read_table(tmp_path / "empty_table.parquet").num_rows == 0


def test_unknown_format(tmp_path, db_url):
    with pytest.raises(ValueError):
        export_marts(tmp_path, "xlsx", db_url)
