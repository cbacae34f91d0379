"""rules as the law writes them: SLA unit, staff-written public summary of a complaint

Revision ID: 0007_rules
Revises: 0004_wbs_trust
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_rules'
down_revision = '0004_wbs_trust'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sla_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=10), nullable=True))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_summary', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('public_summary')
    with op.batch_alter_table('sla_settings', schema=None) as batch_op:
        batch_op.drop_column('unit')
