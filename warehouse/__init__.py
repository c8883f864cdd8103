"""The warehouse: where nianbao keeps its data.

Modules, one job each:

- ``settings``   where the data directory is (``$NIANBAO_HOME``).
- ``embedded``   the embedded PostgreSQL (pgserver) used when no external server is configured.
- ``connection`` the database URL, psycopg connections, and the URL/parameter shapes other tools need.
- ``migrate``    alembic migrations: schemas ``raw``, ``staging``, ``marts``, ``audit``.
- ``urls``       canonical URLs: mobile copies and mirrors of a page collapse to one key.
- ``raw_store``  what the crawlers write: fetched bytes (stored once) and one row per fetch.
- ``staging``    what the parsers' Reports become: long-form facts loaded with COPY.
- ``roles``      the read-only ``bi_reader`` role for dashboards.
- ``export``     the marts as CSV or Parquet files.

See README.md in this folder for URL shapes, timings and the columns added beyond docs/interfaces.md.

Submodules are imported on use (``from warehouse import staging``) so that importing the package stays cheap.
"""
