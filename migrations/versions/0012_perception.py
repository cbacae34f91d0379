"""skm follow-up plan (RTL) rows

Revision ID: 0012_perception
Revises: 0011_zi
Create Date: 2026-11-29 05:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012_perception'
down_revision = '0011_zi'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skm_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_skm_follow_ups_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skm_follow_ups'))
    )
    with op.batch_alter_table('skm_follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_skm_follow_ups_period', ['period'], unique=False)


def downgrade():
    with op.batch_alter_table('skm_follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_skm_follow_ups_period')
    op.drop_table('skm_follow_ups')
