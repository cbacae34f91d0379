"""two-way cases: complaint mail notifications (opt-in), WBS one-time submission key

Revision ID: 0010_two_way
Revises: 0009_skm
Create Date: 2026-11-29 04:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010_two_way'
down_revision = '0009_skm'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by_email', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('wbs_tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_wbs_tips_submission_key_hash'), ['submission_key_hash'])


def downgrade():
    with op.batch_alter_table('wbs_tips', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_wbs_tips_submission_key_hash'), type_='unique')
        batch_op.drop_column('submission_key_hash')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('notify_by_email')
