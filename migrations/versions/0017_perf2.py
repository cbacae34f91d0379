"""page_generation: the invalidation key of the cached public pages (portal.pagecache)

Revision ID: 0017_perf2
Revises: 0016_pdp
Create Date: 2026-11-29 07:30:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017_perf2'
down_revision = '0016_pdp'
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


def downgrade():
    op.drop_table('page_generation')
