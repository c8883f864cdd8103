"""Alembic environment: run the migrations on the connection that ``warehouse.migrate`` hands over.

Only "online" mode: the migrations are plain SQL, so an offline script would be the same SQL files anyway.
"""

from alembic import context
from sqlalchemy import create_engine, pool, text

# Two processes may migrate at once (the CLI and a DAG task); this lock makes the second one wait and then
# find nothing to do. Any constant works as long as it is the same everywhere.
MIGRATION_LOCK_KEY = 727_101_2019


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:  # alembic's command line (warehouse/alembic.ini)
        from warehouse.connection import database_url, sqlalchemy_url

        url = config.get_main_option("sqlalchemy.url") or sqlalchemy_url(database_url())
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _migrate(connection) -> None:
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    try:
        # alembic's bookkeeping table lives with the other audit data rather than in `public`.
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS audit"))
        connection.commit()
        context.configure(connection=connection, version_table_schema="audit", transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


run_migrations_online()
