"""staging.report: an index on parsed_at, where a validation starts reading.

A validation checks the row-level integrity rules on the reports loaded since the last one that passed
(``expectations.runner.scope_for``), and records the newest ``parsed_at`` it saw: both read staging.report by
``parsed_at``, which without this index is a scan of every report (~33 MB at 100,000 reports) several times a run.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS report_parsed_at_idx ON staging.report (parsed_at)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS staging.report_parsed_at_idx")
