"""Export every table and view of ``marts`` to files: one CSV (with header) or Parquet file per relation.

Both formats stream: CSV straight from PostgreSQL's ``COPY ... TO STDOUT``, Parquet in row groups read through a
server-side cursor, so a table larger than memory still exports. Parquet column types come from the catalog
(not guessed from the first rows), so every row group has the same schema.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

from warehouse.connection import connect

SCHEMA = "marts"
ROWS_PER_GROUP = 50_000

# PostgreSQL type -> Arrow type. Anything else (json, arrays, intervals...) is exported as its text form.
_ARROW_TYPES = {
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "real": pa.float32(),
    "double precision": pa.float64(),
    "numeric": pa.float64(),  # counts and 万元 amounts: well within float64's 15 significant digits
    "boolean": pa.bool_(),
    "text": pa.string(),
    "character varying": pa.string(),
    "character": pa.string(),
    "date": pa.date32(),
    "timestamp without time zone": pa.timestamp("us"),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
}


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


def _export_csv(conn, relation: str, path: Path) -> None:
    query = sql.SQL("COPY (SELECT * FROM {}.{}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(
        sql.Identifier(SCHEMA), sql.Identifier(relation)
    )
    with path.open("wb") as out, conn.cursor().copy(query) as copy:
        for chunk in copy:
            out.write(chunk)


def _export_parquet(conn, relation: str, path: Path) -> None:
    columns = _columns(conn, relation)
    schema = pa.schema([(name, _ARROW_TYPES.get(type_name, pa.string())) for name, type_name in columns])
    # Types without an Arrow mapping are selected as text; numeric as float8 so values arrive as floats.
    select_list = []
    for name, type_name in columns:
        column = sql.Identifier(name)
        if type_name == "numeric":
            select_list.append(sql.SQL("{}::float8").format(column))
        elif type_name in _ARROW_TYPES:
            select_list.append(column)
        else:
            select_list.append(sql.SQL("{}::text").format(column))
    query = sql.SQL("SELECT {} FROM {}.{}").format(
        sql.SQL(", ").join(select_list), sql.Identifier(SCHEMA), sql.Identifier(relation)
    )
    with conn.transaction(), conn.cursor(name=f"export_{relation}") as cursor:  # server-side: streams
        cursor.itersize = ROWS_PER_GROUP
        cursor.execute(query)
        with pq.ParquetWriter(path, schema) as writer:
            wrote_any = False
            while rows := cursor.fetchmany(ROWS_PER_GROUP):
                arrays = [pa.array([row[i] for row in rows], type=field.type) for i, field in enumerate(schema)]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                wrote_any = True
            if not wrote_any:
                writer.write_table(schema.empty_table())


def export_marts(out_dir: str | Path, fmt: str = "csv", url: str | None = None) -> list[Path]:
    """Write ``<out_dir>/<relation>.<fmt>`` for every relation in ``marts``; return the paths written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(url, autocommit=True) as conn:
        for relation in marts_relations(conn):
            path = out / f"{relation}.{fmt}"
            if fmt == "csv":
                _export_csv(conn, relation, path)
            else:
                _export_parquet(conn, relation, path)
            written.append(path)
    return written
