"""Export every table and view of ``marts`` to files a spreadsheet or a data frame opens as they are: one CSV,
Parquet or Excel file per relation, and ``data_dictionary`` beside them (every column, in Chinese and English).

- Whole numbers stay whole. The marts keep counts as ``numeric`` (a count may be missing, never rounded); a numeric
  column whose every value is whole is written as integers (Parquet int64, Excel numbers, CSV ``1062`` not
  ``1062.000``); rates and amounts stay decimal.
- CSV is UTF-8 with a byte-order mark by default: without one, Excel on Windows reads UTF-8 Chinese as mojibake.
- Headers are the column names (what SQL uses), or their Chinese or English labels from dbt's documentation of the
  marts (the models' YAML, through ``dbt/target/manifest.json``): the same text the data dictionary holds.

Every format streams: CSV from PostgreSQL's ``COPY ... TO STDOUT``, Parquet and Excel in batches through a
server-side cursor, so a mart larger than memory still exports. An Excel sheet holds 1,048,576 rows at most: a
larger mart continues on further sheets of the same workbook.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

from warehouse.connection import connect

SCHEMA = "marts"
ROWS_PER_GROUP = 50_000
FORMATS = ("csv", "parquet", "xlsx")
HEADERS = ("name", "zh", "en")
DICTIONARY = "data_dictionary"
UTF8_BOM = b"\xef\xbb\xbf"
EXCEL_MAX_ROWS = 1_048_576

# PostgreSQL type -> Arrow type. Anything else (json, arrays, intervals...) is exported as its text form.
_ARROW_TYPES = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "real": pa.float32(),
    "double precision": pa.float64(),
    "numeric": pa.float64(),  # rates and 万元 amounts; whole-number columns become int64 (Column.arrow_type)
    "boolean": pa.bool_(),
    "text": pa.string(),
    "character varying": pa.string(),
    "character": pa.string(),
    "date": pa.date32(),
    "timestamp without time zone": pa.timestamp("us"),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
}


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str  # without modifiers
    whole: bool = False  # a numeric column whose every value is a whole number (fits in int64)
    zh: str = ""
    en: str = ""

    @property
    def arrow_type(self) -> pa.DataType:
        return pa.int64() if self.whole else _ARROW_TYPES.get(self.pg_type, pa.string())

    def select(self) -> sql.Composable:
        """How the column is read: whole numerics as bigint, types without a file mapping as text."""
        column = sql.Identifier(self.name)
        if self.whole:
            return sql.SQL("{}::bigint").format(column)
        if self.pg_type == "numeric":
            return sql.SQL("{}::float8").format(column)
        if self.pg_type in _ARROW_TYPES:
            return column
        return sql.SQL("{}::text").format(column)

    def header(self, headers: str) -> str:
        return {"zh": self.zh, "en": self.en}.get(headers) or self.name


@dataclass(frozen=True)
class Relation:
    name: str
    columns: list[Column]
    zh: str = ""
    en: str = ""

    def headers(self, headers: str) -> list[str]:
        """One header per column; a label two columns share gets the column's name added, so each is unique."""
        labels = [c.header(headers) for c in self.columns]
        return [
            label if labels.count(label) == 1 or label == c.name else f"{label} ({c.name})"
            for label, c in zip(labels, self.columns)
        ]


# --------------------------------------------------------------------------------------------- what is in marts


def marts_relations(conn) -> list[str]:
    """Names of the tables, views and materialized views in ``marts``, sorted."""
    rows = conn.execute(
        """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        ORDER BY c.relname
        """,
        (SCHEMA,),
    ).fetchall()
    return [row[0] for row in rows]


def _columns(conn, relation: str) -> list[tuple[str, str]]:
    """(column name, type name without modifiers) in table order."""
    return conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a
        WHERE a.attrelid = (quote_ident(%s) || '.' || quote_ident(%s))::regclass AND a.attnum > 0
          AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (SCHEMA, relation),
    ).fetchall()


def _whole_numeric(conn, relation: str, numeric: list[str]) -> set[str]:
    """The numeric columns of ``relation`` whose every value is a whole number within int64 (one pass)."""
    if not numeric:
        return set()
    checks = [
        # an empty column is not known to be whole: it stays decimal
        sql.SQL("coalesce(bool_and({c} = trunc({c}) and abs({c}) < 9223372036854775807), false)").format(
            c=sql.Identifier(name)
        )
        for name in numeric
    ]
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(checks), sql.Identifier(SCHEMA), sql.Identifier(relation)
    )
    row = conn.execute(query).fetchone()
    return {name for name, whole in zip(numeric, row) if whole}


def describe(conn, relation: str, docs: dict | None = None) -> Relation:
    """``relation``'s columns with their file types and their zh / en labels from dbt's docs."""
    docs = docs if docs is not None else documentation()
    doc = docs.get(relation, {})
    columns = _columns(conn, relation)
    whole = _whole_numeric(conn, relation, [name for name, type_name in columns if type_name == "numeric"])
    labelled = []
    for name, type_name in columns:
        zh, en = split_zh_en(doc.get("columns", {}).get(name, ""))
        labelled.append(Column(name, type_name, name in whole, zh, en))
    zh, en = split_zh_en(doc.get("description", ""))
    return Relation(relation, labelled, zh, en)


# --------------------------------------------------------------------------------------------- dbt's docs

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# where a model's Chinese description ends and its English one begins: after a full stop or closing bracket,
# a Latin capital
_SLASH = re.compile(r"\s*/\s+")
_LATIN_PARENTHESES = re.compile(r"\([^()]*\)")
_ENGLISH_SENTENCE = re.compile(r"(?<=[。）)])\s*(?=[A-Z])")


def documentation() -> dict[str, dict]:
    """{model: {"description": …, "columns": {column: description}}} for the marts, from dbt's manifest (the
    models' YAML); empty when the manifest has not been written yet (`nianbao dbt-parse`)."""
    from nianbao.paths import DBT_MANIFEST

    if not DBT_MANIFEST.exists():
        return {}
    manifest = json.loads(DBT_MANIFEST.read_text(encoding="utf-8"))
    return {
        node["name"]: {
            "description": node.get("description") or "",
            "columns": {name: column.get("description") or "" for name, column in node.get("columns", {}).items()},
        }
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and node.get("schema") == SCHEMA
    }


def split_zh_en(description: str) -> tuple[str, str]:
    """A bilingual description as (Chinese, English).

    Columns read ``中文 / English``, where either side may hold `` / `` itself: the English part follows a slash
    and holds no Chinese (but in its own parentheses); of several such slashes the first one followed by a capital
    letter wins (``所属大类：natural_person / legal_person / total / Group``), else the first. Models read
    ``中文。 English.``. Text in neither shape is returned whole on both sides."""
    text = " ".join(description.split())
    if not text:
        return "", ""
    candidates = [
        m
        for m in _SLASH.finditer(text)
        # Chinese in the English part's own (Latin) parentheses is an example quoted, e.g. (e.g. 372718.4969万元)
        if not _CJK.search(_LATIN_PARENTHESES.sub("", text[m.end() :])) and _CJK.search(text[: m.start()])
    ]
    if candidates:
        best = next((m for m in candidates if text[m.end()].isupper()), candidates[0])
        return text[: best.start()].strip(), text[best.end() :].strip()
    match = _ENGLISH_SENTENCE.search(text)
    if match and _CJK.search(text[: match.start()]):
        return text[: match.start()].strip(), text[match.start() :].strip()
    return text, text


# --------------------------------------------------------------------------------------------- writers


def _rows(conn, relation: Relation) -> Iterator[list[tuple]]:
    """The relation's rows in batches, through a server-side cursor (streams)."""
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(c.select() for c in relation.columns), sql.Identifier(SCHEMA), sql.Identifier(relation.name)
    )
    with conn.transaction(), conn.cursor(name=f"export_{relation.name}") as cursor:
        cursor.itersize = ROWS_PER_GROUP
        cursor.execute(query)
        while rows := cursor.fetchmany(ROWS_PER_GROUP):
            yield rows


def _export_csv(conn, relation: Relation, path: Path, headers: str, bom: bool) -> None:
    query = sql.SQL("COPY (SELECT {} FROM {}.{}) TO STDOUT WITH (FORMAT csv)").format(
        sql.SQL(", ").join(c.select() if c.whole else sql.Identifier(c.name) for c in relation.columns),
        sql.Identifier(SCHEMA),
        sql.Identifier(relation.name),
    )
    with path.open("wb") as out:
        if bom:
            out.write(UTF8_BOM)
        out.write(_csv_line(relation.headers(headers)))
        with conn.cursor().copy(query) as copy:
            for chunk in copy:
                out.write(chunk)


def _csv_line(values: list[str]) -> bytes:
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode("utf-8")


def _export_parquet(conn, relation: Relation, path: Path, headers: str) -> None:
    schema = pa.schema([(h, c.arrow_type) for h, c in zip(relation.headers(headers), relation.columns)])
    with pq.ParquetWriter(path, schema) as writer:
        wrote_any = False
        for rows in _rows(conn, relation):
            arrays = [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            wrote_any = True
        if not wrote_any:
            writer.write_table(schema.empty_table())


def _excel_value(value):
    """What an Excel cell can hold: no time zones (timestamps are UTC, written without their offset)."""
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        from datetime import timezone

        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _export_xlsx(conn, relation: Relation, path: Path, headers: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # streams rows to disk
    header = relation.headers(headers)
    sheets = 0
    sheet = None
    rows_in_sheet = EXCEL_MAX_ROWS

    def new_sheet():
        nonlocal sheets, rows_in_sheet
        sheets += 1
        # a sheet name is at most 31 characters
        title = relation.name[:31] if sheets == 1 else f"{relation.name[:26]}_{sheets}"
        created = workbook.create_sheet(title)
        created.append(header)
        rows_in_sheet = 1
        return created

    for rows in _rows(conn, relation):
        for row in rows:
            if sheet is None or rows_in_sheet >= EXCEL_MAX_ROWS:
                sheet = new_sheet()
            sheet.append([_excel_value(v) for v in row])
            rows_in_sheet += 1
    if sheet is None:
        new_sheet()
    workbook.save(path)


def _write_dictionary(relations: list[Relation], out: Path, fmt: str, bom: bool) -> Path:
    """One row per relation (its description, column empty) and one per column: names, type, zh and en."""
    header = ["table", "column", "type", "说明", "description"]
    rows = []
    for relation in relations:
        rows.append([relation.name, "", "", relation.zh, relation.en])
        for c in relation.columns:
            rows.append([relation.name, c.name, "integer" if c.whole else c.pg_type, c.zh, c.en])
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(DICTIONARY)
        for row in (header, *rows):
            sheet.append(row)
        path = out / f"{DICTIONARY}.xlsx"
        workbook.save(path)
        return path
    path = out / f"{DICTIONARY}.csv"
    with path.open("wb") as f:
        if bom:
            f.write(UTF8_BOM)
        for row in (header, *rows):
            f.write(_csv_line(row))
    return path


def export_marts(
    out_dir: str | Path,
    fmt: str = "csv",
    url: str | None = None,
    *,
    headers: str = "name",
    bom: bool = True,
) -> list[Path]:
    """Write ``<out_dir>/<relation>.<fmt>`` for every relation in ``marts`` and the data dictionary beside them
    (``data_dictionary.xlsx`` for Excel, else ``.csv``); return the paths written, the dictionary last."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if headers not in HEADERS:
        raise ValueError(f"unknown headers {headers!r}: choose one of {', '.join(HEADERS)}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} is a file, not a directory: give a directory to export into")
    out.mkdir(parents=True, exist_ok=True)
    docs = documentation()
    written = []
    described = []
    with connect(url, autocommit=True) as conn:
        for name in marts_relations(conn):
            relation = describe(conn, name, docs)
            described.append(relation)
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                _export_csv(conn, relation, path, headers, bom)
            elif fmt == "parquet":
                _export_parquet(conn, relation, path, headers)
            else:
                _export_xlsx(conn, relation, path, headers)
            written.append(path)
    written.append(_write_dictionary(described, out, "xlsx" if fmt == "xlsx" else "csv", bom))
    return written
