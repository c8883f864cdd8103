"""staging.check_result and staging.fact: partial indexes on the few rows validation looks for.

Validation (``expectations``) looks for the parser's failed checks (ok = false: the ten staging_balance rules and
marts.breach_listed), the negative facts (staging.fact.non_negative) and the derived ones (the run's summary), and
GX runs each rule's query twice. Without these indexes each such query read a whole table for a few rows: 3.5 M
checks or 12 M facts on the 100,000-report benchmark warehouse, ~6 s of a ~28 s validation (a balance rule
0.2 s a query, 0.03 s with the index; the negative facts 0.5 s, 0.05 s; the derived cells 0.5 s, 0.1 s).

Each index holds only its rows, so a load pays a predicate a row and an entry per failed check, negative or
derived value: 2,000 synthetic reports (412,000 facts, 97,000 checks) loaded in the same time with and without
them (3.7-4.1 s, within the noise).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS check_result_failed_idx ON staging.check_result (report_id) WHERE NOT ok")
    op.execute("CREATE INDEX IF NOT EXISTS fact_negative_idx ON staging.fact (report_id) WHERE value < 0")
    op.execute("CREATE INDEX IF NOT EXISTS fact_derived_idx ON staging.fact (report_id) WHERE is_derived")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS staging.fact_derived_idx")
    op.execute("DROP INDEX IF EXISTS staging.fact_negative_idx")
    op.execute("DROP INDEX IF EXISTS staging.check_result_failed_idx")
