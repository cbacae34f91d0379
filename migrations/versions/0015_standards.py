"""standar pelayanan per service as structured components (PermenPANRB 15/2014); Renja row F.1 points to it

Revision ID: 0015_standards
Revises: 0014_perf
Create Date: 2026-11-29 06:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015_standards'
down_revision = '0014_perf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('zi_service_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('component', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_zi_service_standards_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_service_standards')),
    sa.UniqueConstraint('service', 'component', name='uq_zi_service_standards_service_component')
    )
    # Renja rows loaded before this revision: F.1 (Standar Pelayanan) gets the structured standards as its
    # portal evidence, unless the ZI team already chose its sources.
    op.execute("UPDATE zi_renja_rows SET sources = 'standards' WHERE code = 'F.1' AND sources = ''")


def downgrade():
    op.execute("UPDATE zi_renja_rows SET sources = '' WHERE code = 'F.1' AND sources = 'standards'")
    op.drop_table('zi_service_standards')
