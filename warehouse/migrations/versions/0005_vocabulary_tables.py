"""staging.era and staging.script: the vocabulary's codes as tables, referenced by staging.report.

Migration 0001 wrote the eras and scripts into CHECK constraints, a copy of parsers/vocabulary.py that a new
format would have had to edit. Here they become foreign keys to tables filled from the vocabulary: by this
migration, and again by every load (warehouse.staging), so that a new era in the vocabulary needs no
migration. Rows are only ever added: a report of an era since renamed keeps a valid reference.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from warehouse.staging import VOCABULARY_TABLES, vocabulary_codes

    op.execute(
        """
        CREATE TABLE staging.era (era text PRIMARY KEY);        -- parsers.vocabulary.REPORT_ERAS
        CREATE TABLE staging.script (script text PRIMARY KEY);  -- parsers.vocabulary.SCRIPT_CODES
        """
    )
    for table, codes in vocabulary_codes().items():
        column = VOCABULARY_TABLES[table]
        op.execute(
            sa.text(
                f"INSERT INTO {table} ({column}) SELECT unnest(CAST(:codes AS text[])) ON CONFLICT DO NOTHING"
            ).bindparams(codes=list(codes))
        )
    op.execute(
        """
        ALTER TABLE staging.report
            DROP CONSTRAINT report_era_check,
            DROP CONSTRAINT report_script_check,
            ADD CONSTRAINT report_era_fkey FOREIGN KEY (era) REFERENCES staging.era (era),
            ADD CONSTRAINT report_script_fkey FOREIGN KEY (script) REFERENCES staging.script (script);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        ALTER TABLE staging.report
            DROP CONSTRAINT report_era_fkey,
            DROP CONSTRAINT report_script_fkey,
            ADD CONSTRAINT report_era_check CHECK (era IN ('pre2019', '2019', '2021', 'unknown')),
            ADD CONSTRAINT report_script_check CHECK (script IN ('simplified', 'traditional'));
        DROP TABLE staging.era, staging.script;
        """
    )
