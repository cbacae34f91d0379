"""page_generation: the invalidation key of the cached public pages (portal.pagecache);
report_drafts.figures/built_at: a draft's figures built once and stored (issue 20)

Revision ID: 0018_page_cache
Revises: 0017_units
Create Date: 2026-11-29 07:30:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0018_page_cache'
down_revision = '0017_units'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'page_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16), "changed_at": datetime.now(timezone.utc).replace(tzinfo=None)}])

    with op.batch_alter_table('report_drafts') as batch:
        batch.add_column(sa.Column('figures', sa.Text(), nullable=True))
        batch.add_column(sa.Column('built_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('report_drafts') as batch:
        batch.drop_column('built_at')
        batch.drop_column('figures')
    op.drop_table('page_generation')
