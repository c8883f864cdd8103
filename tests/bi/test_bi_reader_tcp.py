"""A BI client's view of the warehouse after a pipeline run: over TCP as bi_reader, with the marts' zh + en
descriptions as PostgreSQL comments, and nothing but reading the marts allowed."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from warehouse import roles

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bi_client(harvested):
    url = roles.reader_url()
    assert url.startswith("postgresql://bi_reader@127.0.0.1:") and ":" not in url.split("@")[0].split("//")[1]
    with psycopg.connect(url, password=roles.reader_password(), connect_timeout=10) as conn:
        yield conn


def test_connects_over_tcp_on_loopback(bi_client):
    address, user = bi_client.execute("select inet_server_addr()::text, current_user").fetchone()
    assert address.startswith("127.0.0.1") and user == "bi_reader"


def test_reads_every_mart_and_column_description(bi_client):
    rows = bi_client.execute(
        """select c.relname, a.attname, obj_description(c.oid, 'pg_class'), col_description(c.oid, a.attnum)
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           where n.nspname = 'marts' and c.relkind in ('r', 'v')"""
    ).fetchall()
    assert len(rows) > 100
    undescribed = [
        f"{table}.{column}" for table, column, table_doc, column_doc in rows if not (table_doc and column_doc)
    ]
    assert undescribed == []
    comments = {(table, column): doc for table, column, _, doc in rows}
    assert "本年新收申请数" in comments["mart_report_summary", "applications_received"]
    assert "Applications received" in comments["mart_report_summary", "applications_received"]
    received = bi_client.execute(
        "select applications_received from marts.mart_report_summary"
        " where organ_name = '宿迁市人民政府' and report_year = 2020"
    ).fetchone()
    assert received == (1062,)


@pytest.mark.parametrize(
    "statement",
    [
        "select * from raw.fetch limit 1",
        "select * from staging.report limit 1",
        "insert into marts.dim_year (report_year) values (1900)",
        "delete from marts.mart_report_summary",
        "create table marts.mine (x int)",
    ],
)
def test_cannot_read_raw_or_staging_or_write(bi_client, statement):
    with pytest.raises(errors.InsufficientPrivilege), bi_client.transaction():
        bi_client.execute(statement)
