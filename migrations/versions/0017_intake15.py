"""complaints: channel reference, its date and the recording officer (staff intake, issue 15)

Revision ID: 0017_intake15
Revises: 0016_pdp
Create Date: 2026-11-29 07:25:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017_intake15'
down_revision = '0016_pdp'
branch_labels = None
depends_on = None

LAPOR_ONLY = sa.text("channel = 'lapor'")


def upgrade():
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('channel_ref', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('channel_ref_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_complaints_recorded_by', 'users', ['recorded_by_id'], ['id'],
                                 ondelete='SET NULL')
    op.create_index('uq_complaints_lapor_ref', 'complaints', ['channel_ref'], unique=True,
                    sqlite_where=LAPOR_ONLY, postgresql_where=LAPOR_ONLY)
    op.create_index('ix_complaints_channel_ref', 'complaints', ['channel', 'channel_ref'])


def downgrade():
    op.drop_index('ix_complaints_channel_ref', table_name='complaints')
    op.drop_index('uq_complaints_lapor_ref', table_name='complaints')
    with op.batch_alter_table('complaints') as batch:
        batch.drop_constraint('fk_complaints_recorded_by', type_='foreignkey')
        batch.drop_column('recorded_by_id')
        batch.drop_column('channel_ref_date')
        batch.drop_column('channel_ref')
