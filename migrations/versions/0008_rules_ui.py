"""operator settings; gratification: reporter NIK, giver address, conflict of interest

Revision ID: 0008_rules_ui
Revises: 0007_rules
Create Date: 2026-11-29 03:45:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008_rules_ui'
down_revision = '0007_rules'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_portal_settings'))
    )
    with op.batch_alter_table('gratification_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_nik', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('giver_address', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('conflict_of_interest', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('gratification_reports', schema=None) as batch_op:
        batch_op.drop_column('conflict_of_interest')
        batch_op.drop_column('giver_address')
        batch_op.drop_column('reporter_nik')
    op.drop_table('portal_settings')
