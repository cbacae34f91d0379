"""report_drafts.figures compressed with LZ4 on PostgreSQL (draft preparation, issue 20)

Revision ID: 0022_draft_figures_lz4
Revises: 0021_draft_report_indexes
Create Date: 2026-11-29 13:30:00

A month's figures are 5.7 MB of JSON at a million complaints (T6's 25k rows), stored when a draft is
prepared and read on every view of the draft page. PostgreSQL's default TOAST compression (pglz) takes
46 ms to store them and 18 ms to read them; LZ4 13 ms and 9 ms, for about the same size.

PostgreSQL 14+ built with LZ4 only (elsewhere nothing changes); values already stored keep theirs.
SQLite does not compress.
"""
from alembic import op
from sqlalchemy import text

# revision identifiers, used by Alembic.
revision = '0022_draft_figures_lz4'
down_revision = '0021_draft_report_indexes'
branch_labels = None
depends_on = None


def _lz4_available(bind) -> bool:
    if bind.dialect.name != "postgresql" or bind.dialect.server_version_info < (14,):
        return False
    return bool(bind.execute(text(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")).scalar())


def upgrade():
    if _lz4_available(op.get_bind()):
        op.execute("ALTER TABLE report_drafts ALTER COLUMN figures SET COMPRESSION lz4")


def downgrade():
    if _lz4_available(op.get_bind()):
        op.execute("ALTER TABLE report_drafts ALTER COLUMN figures SET COMPRESSION pglz")
