"""audit.dbt_build: one row per successful `dbt build` of the marts, with the dbt project it built.

A monthly run builds incrementally only while the dbt project (models, macros, seeds, tests) and the parser
version are the ones the marts were last built with; otherwise it rebuilds them from scratch
(nianbao.dbt_builds decides, from this table).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit.dbt_build (
            build_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            finished_at         timestamptz NOT NULL DEFAULT now(),
            mode                text NOT NULL CHECK (mode IN ('full', 'incremental')),
            project_fingerprint text NOT NULL,
            parser_version      text NOT NULL
        );
        CREATE INDEX dbt_build_finished_idx ON audit.dbt_build (finished_at DESC);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit.dbt_build")
