"""Every table and view of marts exports to CSV, Parquet and Excel that a spreadsheet opens as they are, with a
data dictionary beside them."""

import csv
import json

import openpyxl
import pandas as pd
import psycopg
import pyarrow.parquet as pq
import pytest

from nianbao.paths import DBT_MANIFEST
from warehouse import export
from warehouse.export import export_marts, split_zh_en

DOCS = {
    "fct_cell": {
        "description": "单元格。粒度：报告 × 单元格。 Cells. Grain: report × cell.",
        "columns": {
            "report_id": "报告编号 / Report id",
            "received": "本年新收申请数 / Applications received",
            "value": "数值 / Value",
            "organ": "发布机关 / Issuing organ",
        },
    }
}


@pytest.fixture(scope="module")
def marts(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        # counts as the marts keep them: numeric, whole, some missing; a decimal rate beside them
        conn.execute("""
            CREATE TABLE marts.fct_cell AS
            SELECT g AS report_id, 'applications'::text AS table_name,
                   (case when g % 10 = 0 then null else g * 1000 end)::numeric AS received,
                   (g * 1.5)::numeric AS value, null::numeric AS never_filled,
                   (g % 2 = 0) AS is_derived, date '2021-01-01' + g AS published_on,
                   now() AS parsed_at, jsonb_build_object('g', g) AS extra, '宿迁市'::text AS organ
            FROM generate_series(1, 1000) g""")
        conn.execute("CREATE VIEW marts.v_even AS SELECT * FROM marts.fct_cell WHERE is_derived")
        conn.execute("CREATE TABLE marts.empty_table (a int, b text)")
    return db_url


@pytest.fixture
def documented(monkeypatch):
    monkeypatch.setattr(export, "documentation", lambda: DOCS)


def test_csv_utf8_with_bom_and_whole_numbers(marts, tmp_path, documented):
    paths = export_marts(tmp_path, "csv", marts)
    assert [p.name for p in paths] == [
        "empty_table.csv",
        "fct_cell.csv",
        "v_even.csv",
        "data_dictionary.csv",
    ]
    raw = (tmp_path / "fct_cell.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads UTF-8 only with it
    cells = pd.read_csv(tmp_path / "fct_cell.csv", encoding="utf-8-sig")
    assert len(cells) == 1000 and cells["organ"].iloc[0] == "宿迁市" and cells["value"].iloc[1] == 3.0
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1].split(",")[:3] == ["1", "applications", "1000"]  # not 1000.0
    assert len(pd.read_csv(tmp_path / "v_even.csv", encoding="utf-8-sig")) == 500
    assert list(pd.read_csv(tmp_path / "empty_table.csv", encoding="utf-8-sig").columns) == ["a", "b"]


def test_csv_without_bom(marts, tmp_path, documented):
    export_marts(tmp_path, "csv", marts, bom=False)
    for path in tmp_path.glob("*.csv"):
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf"), path


@pytest.mark.parametrize(("headers", "expected"), [("zh", "本年新收申请数"), ("en", "Applications received")])
def test_headers_in_chinese_or_english(marts, tmp_path, documented, headers, expected):
    export_marts(tmp_path, "csv", marts, headers=headers)
    with (tmp_path / "fct_cell.csv").open(encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[2] == expected
    assert header[1] == "table_name"  # an undocumented column keeps its name


def test_parquet_keeps_integers(marts, tmp_path, monkeypatch, documented):
    monkeypatch.setattr("warehouse.export.ROWS_PER_GROUP", 300)  # several row groups
    paths = export_marts(tmp_path, "parquet")  # url=None: $NIANBAO_DATABASE_URL
    assert [p.name for p in paths][-1] == "data_dictionary.csv"
    cells = pq.read_table(tmp_path / "fct_cell.parquet")
    assert cells.num_rows == 1000
    schema = {f.name: str(f.type) for f in cells.schema}
    assert schema["received"] == "int64"  # whole numerics are integers, nulls and all
    assert schema["value"] == "double"
    assert schema["never_filled"] == "double"  # nothing says it is whole
    assert schema["published_on"] == "date32[day]"
    assert cells.column("extra")[0].as_py() == '{"g": 1}'
    frame = cells.to_pandas(types_mapper=pd.ArrowDtype)
    assert frame["received"].dtype == pd.ArrowDtype(cells.schema.field("received").type)
    assert pq.read_table(tmp_path / "empty_table.parquet").num_rows == 0


def test_xlsx(marts, tmp_path, documented):
    paths = export_marts(tmp_path, "xlsx", marts, headers="zh")
    assert [p.name for p in paths][-1] == "data_dictionary.xlsx"
    sheet = openpyxl.load_workbook(tmp_path / "fct_cell.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("报告编号", "table_name", "本年新收申请数")
    assert len(rows) == 1001
    assert rows[1][2] == 1000 and isinstance(rows[1][2], int)
    assert rows[10][2] is None  # missing stays missing
    assert rows[1][3] == 1.5


def test_xlsx_continues_on_a_second_sheet(marts, tmp_path, monkeypatch, documented):
    monkeypatch.setattr("warehouse.export.EXCEL_MAX_ROWS", 600)
    export_marts(tmp_path, "xlsx", marts)
    book = openpyxl.load_workbook(tmp_path / "fct_cell.xlsx", read_only=True)
    assert book.sheetnames == ["fct_cell", "fct_cell_2"]
    assert sum(len(list(sheet.iter_rows())) - 1 for sheet in book.worksheets) == 1000


def test_data_dictionary(marts, tmp_path, documented):
    export_marts(tmp_path, "csv", marts)
    with (tmp_path / "data_dictionary.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    cell = {r["column"]: r for r in rows if r["table"] == "fct_cell"}
    assert cell[""]["说明"] == "单元格。粒度：报告 × 单元格。" and cell[""]["description"].startswith("Cells.")
    assert cell["received"]["说明"] == "本年新收申请数"
    assert cell["received"]["description"] == "Applications received"
    assert cell["received"]["type"] == "integer"
    assert {r["table"] for r in rows} == {"empty_table", "fct_cell", "v_even"}


def test_bad_arguments(tmp_path, db_url):
    with pytest.raises(ValueError, match="unknown export format 'docx'"):
        export_marts(tmp_path, "docx", db_url)
    with pytest.raises(ValueError, match="unknown headers"):
        export_marts(tmp_path, "csv", db_url, headers="fr")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        export_marts(a_file, "csv", db_url)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            "报告代理键（机关 × 年度）/ Report key (organ × year)",
            "报告代理键（机关 × 年度）",
            "Report key (organ × year)",
        ),
        (
            "所属大类：natural_person / legal_person / total / Group",
            "所属大类：natural_person / legal_person / total",
            "Group",
        ),
        (
            "机关层级 / Organ level (province / prefecture / county)",
            "机关层级",
            "Organ level (province / prefecture / county)",
        ),
        ("事项.指标 / item_code.measure_code", "事项.指标", "item_code.measure_code"),
        ("金额原文 / Money as printed (e.g. 372718.4969万元)", "金额原文", "Money as printed (e.g. 372718.4969万元)"),
        (
            "申请人类型。 Applicant types: the columns of table 三.",
            "申请人类型。",
            "Applicant types: the columns of table 三.",
        ),
        ("plain", "plain", "plain"),
    ],
)
def test_split_zh_en(text, zh, en):
    assert split_zh_en(text) == (zh, en)


@pytest.mark.skipif(not DBT_MANIFEST.exists(), reason="dbt/target/manifest.json not written (nianbao dbt-parse)")
def test_every_mart_column_has_chinese_and_english():
    """The dictionary the real marts get: every column of every mart, in both languages, from the models' YAML."""
    manifest = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))
    models = {
        n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"
    }
    docs = export.documentation()
    assert set(docs) == set(models)
    for model, doc in docs.items():
        assert set(doc["columns"]) == set(models[model]["columns"]), model
        for column, description in doc["columns"].items():
            zh, en = split_zh_en(description)
            assert zh and en and zh != en, (model, column, description)
