"""complaints: channel reference, its date and the recording officer (staff intake), forwarding (to/on/origin); units (bidang/UPT)
seeded from catalog.COMPLAINT_UNITS, complaints.unit_id (disposition), users.unit_id (liaison officers)

Revision ID: 0017_units
Revises: 0016_pdp
Create Date: 2026-11-29 07:25:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017_units'
down_revision = '0016_pdp'
branch_labels = None
depends_on = None

LAPOR_ONLY = sa.text("channel = 'lapor'")
# portal.catalog.COMPLAINT_UNITS when this revision was written (a migration keeps its own data).
SEED_UNITS = [
    ("sekretariat", "Sekretariat"),
    ("dafduk", "Bidang Pelayanan Pendaftaran Penduduk"),
    ("capil", "Bidang Pelayanan Pencatatan Sipil"),
    ("piak", "Bidang Pengelolaan Informasi Administrasi Kependudukan"),
    ("pdip", "Bidang Pemanfaatan Data dan Inovasi Pelayanan"),
    ("upt", "UPT Disdukcapil Kecamatan"),
]


def upgrade():
    units = op.create_table(
        'units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=150), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.bulk_insert(units, [{"code": code, "name": name, "active": True} for code, name in SEED_UNITS])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_users_unit', 'units', ['unit_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('complaints') as batch:
        batch.add_column(sa.Column('channel_ref', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('channel_ref_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('forwarded_to', sa.String(length=150), nullable=True))
        batch.add_column(sa.Column('forwarded_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('origin', sa.String(length=150), nullable=True))
        batch.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_complaints_unit', 'units', ['unit_id'], ['id'], ondelete='SET NULL')
        batch.create_foreign_key('fk_complaints_recorded_by', 'users', ['recorded_by_id'], ['id'],
                                 ondelete='SET NULL')
    op.create_index('uq_complaints_lapor_ref', 'complaints', ['channel_ref'], unique=True,
                    sqlite_where=LAPOR_ONLY, postgresql_where=LAPOR_ONLY)
    op.create_index('ix_complaints_channel_ref', 'complaints', ['channel', 'channel_ref'])
    op.create_index('ix_complaints_unit_id', 'complaints', ['unit_id'])


def downgrade():
    op.drop_index('ix_complaints_unit_id', table_name='complaints')
    op.drop_index('ix_complaints_channel_ref', table_name='complaints')
    op.drop_index('uq_complaints_lapor_ref', table_name='complaints')
    with op.batch_alter_table('complaints') as batch:
        batch.drop_constraint('fk_complaints_unit', type_='foreignkey')
        batch.drop_constraint('fk_complaints_recorded_by', type_='foreignkey')
        batch.drop_column('unit_id')
        batch.drop_column('origin')
        batch.drop_column('forwarded_on')
        batch.drop_column('forwarded_to')
        batch.drop_column('recorded_by_id')
        batch.drop_column('channel_ref_date')
        batch.drop_column('channel_ref')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('fk_users_unit', type_='foreignkey')
        batch.drop_column('unit_id')
    op.drop_table('units')
