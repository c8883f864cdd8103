"""audit.parse_claim: which parse batch holds which pending document, until when.

The DAG parses in batches spread over workers (warehouse.claims): a batch claims the documents it will parse, so
two batches never parse the same one. A claim is held until the batch has loaded its reports, or until its lease
runs out (the batch's worker died), after which another batch may claim the document.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit.parse_claim (
            document_sha256 text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
            parser_version  text NOT NULL,
            claimant        text NOT NULL,   -- the batch: dag run, task and map index
            claimed_at      timestamptz NOT NULL DEFAULT now(),
            lease_until     timestamptz NOT NULL,
            PRIMARY KEY (document_sha256, parser_version)
        );
        CREATE INDEX parse_claim_claimant_idx ON audit.parse_claim (claimant);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit.parse_claim")
