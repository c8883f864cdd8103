"""audit.parse_failure: documents that broke a parse limit (memory, time, a crashed worker), per parser version.

`nianbao load` parses each document in a sandboxed worker (parsers.sandbox). A document that breaks a limit
is recorded here, and the loader skips it while the parser version is the one that failed on it: a poison
document costs one attempt per parser version, never a stalled pipeline. A new parser version tries again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit.parse_failure (
            document_sha256 text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
            parser_version  text NOT NULL,
            reason          text NOT NULL CHECK (reason IN ('memory', 'timeout', 'crashed')),
            limit_value     text NOT NULL,   -- the limit it broke, as configured: '1024 MB', '120 s'
            message         text NOT NULL,   -- names the document and the limit
            source_url      text,
            attempts        integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
            first_failed_at timestamptz NOT NULL DEFAULT now(),
            last_failed_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (document_sha256, parser_version)
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS audit.parse_failure")
