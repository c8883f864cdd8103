"""audit.dbt_build: when each build was planned (before dbt read anything).

A monthly build's data tests check only the reports parsed since the last successful build was planned
(dbt/macros/tests_scope.sql): those are the reports that build may not have seen. The plan is made before dbt
starts, so every report parsed after it is tested by the next build at the latest. Older rows have none: the next
build then tests every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE audit.dbt_build ADD COLUMN IF NOT EXISTS planned_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE audit.dbt_build DROP COLUMN IF EXISTS planned_at")
