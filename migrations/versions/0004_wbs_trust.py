"""WBS trust: endorsement chains of handler keys, the recovery signing key, two-handler exclusions,
encrypted message order

Revision ID: 0004_wbs_trust
Revises: 0002
Create Date: 2026-11-29 04:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004_wbs_trust'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('wbs_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_ct', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('wbs_handlers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_public', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('endorsement', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('endorsed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('wbs_recovery_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_public', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('wbs_exclusions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_wbs_exclusions_confirmed_by_id_users', 'users', ['confirmed_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('wbs_exclusions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_wbs_exclusions_confirmed_by_id_users', type_='foreignkey')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('pending')
    with op.batch_alter_table('wbs_recovery_keys', schema=None) as batch_op:
        batch_op.drop_column('signing_public')
    with op.batch_alter_table('wbs_handlers', schema=None) as batch_op:
        batch_op.drop_column('endorsed_on')
        batch_op.drop_column('endorsement')
        batch_op.drop_column('signing_public')
    with op.batch_alter_table('wbs_messages', schema=None) as batch_op:
        batch_op.drop_column('order_ct')
