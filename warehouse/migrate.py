"""Bring the database schema up to date with alembic (``warehouse/migrations``).

``upgrade()`` is idempotent: on an up-to-date database it does nothing. To add a change, write a new file in
``warehouse/migrations/versions`` (plain SQL through ``op.execute``) whose ``down_revision`` is the current head.
"""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool

from warehouse.connection import database_url, sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_ALEMBIC_IN_USE = threading.Lock()


def alembic_config(url: str | None = None) -> Config:
    """An alembic Config pointing at our migrations and database (no alembic.ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' is alembic's interpolation character; a password may contain it.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Migrate to ``revision``. Safe to call from several processes at once (they wait on an advisory lock in
    migrations/env.py) and from several threads (alembic's context is process-global, so threads take turns)."""
    config = alembic_config(url)
    sqlalchemy_url_ = config.get_main_option("sqlalchemy.url")
    assert sqlalchemy_url_ is not None  # alembic_config sets it
    engine = create_engine(sqlalchemy_url_, poolclass=pool.NullPool)
    with _ALEMBIC_IN_USE, engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(sqlalchemy_url(url or database_url()), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table_schema": "audit"})
        revision = context.get_current_revision()
    engine.dispose()
    return revision
