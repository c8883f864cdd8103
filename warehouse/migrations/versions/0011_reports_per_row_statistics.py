"""staging.fact and staging.check_result: the planner told how many reports their rows belong to, at once.

From now on the loader sets ``report_id``'s n_distinct before it analyzes these tables (``warehouse.statistics``),
because ANALYZE's sample counts about a third of the reports of tables loaded report by report. It does so when a
table's statistics are stale, about every 10 % of growth: a warehouse that already holds its reports would wait
months of monthly runs for it. This sets it now, from the rows already there, and analyzes the tables again so that
the planner reads it; an empty warehouse is left to its first load.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("fact", "check_result")  # warehouse.statistics.REPORT_ROWS as of this revision


def upgrade() -> None:
    for table in TABLES:
        op.execute(
            f"""
            DO $set$
            DECLARE
                reports bigint := (SELECT count(*) FROM staging.report);
                table_rows bigint := (SELECT count(*) FROM staging.{table});
            BEGIN
                IF reports > 0 AND table_rows > 0 THEN
                    EXECUTE format('ALTER TABLE staging.{table} ALTER COLUMN report_id SET (n_distinct = %s)',
                                   round(-least(1.0, reports::numeric / table_rows), 6));
                    ANALYZE staging.{table};
                END IF;
            END
            $set$
            """
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE staging.{table} ALTER COLUMN report_id RESET (n_distinct)")
