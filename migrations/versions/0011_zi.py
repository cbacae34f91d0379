"""zona integritas: renja rows, statuses, evidence; conflict-of-interest register

Revision ID: 0011_zi
Revises: 0010_two_way
Create Date: 2026-11-29 04:18:18.124135

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_zi'
down_revision = '0010_two_way'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('zi_conflict_positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=120), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('risk', sa.Text(), nullable=False),
    sa.Column('control', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_conflict_positions'))
    )
    op.create_table('zi_renja_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('component', sa.String(length=200), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('timing', sa.String(length=100), nullable=False),
    sa.Column('folder', sa.String(length=60), nullable=False),
    sa.Column('sources', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_renja_rows')),
    sa.UniqueConstraint('year', 'code', name='uq_zi_renja_rows_year_code')
    )
    op.create_table('zi_conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declarant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('description', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_note', sa.LargeBinary(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_zi_conflict_declarations_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declarant_id'], ['users.id'], name=op.f('fk_zi_conflict_declarations_declarant_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['zi_conflict_positions.id'], name=op.f('fk_zi_conflict_declarations_position_id_zi_conflict_positions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_conflict_declarations'))
    )
    with op.batch_alter_table('zi_conflict_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zi_conflict_declarations_declarant_id'), ['declarant_id'], unique=False)

    op.create_table('zi_renja_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['row_id'], ['zi_renja_rows.id'], name=op.f('fk_zi_renja_evidence_row_id_zi_renja_rows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_zi_renja_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_renja_evidence')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_zi_renja_evidence_storage_name'))
    )
    with op.batch_alter_table('zi_renja_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zi_renja_evidence_row_id'), ['row_id'], unique=False)

    op.create_table('zi_renja_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['row_id'], ['zi_renja_rows.id'], name=op.f('fk_zi_renja_statuses_row_id_zi_renja_rows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_zi_renja_statuses_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_renja_statuses')),
    sa.UniqueConstraint('row_id', 'period', name='uq_zi_renja_statuses_row_period')
    )

    op.create_table('zi_monev_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_zi_monev_entries_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_monev_entries')),
    sa.UniqueConstraint('period', 'area', name='uq_zi_monev_entries_period_area')
    )
    op.create_table('zi_follow_up_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_period', sa.String(length=10), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_zi_follow_up_plans_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zi_follow_up_plans'))
    )
    op.create_table('zi_pages',
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_zi_pages_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_zi_pages'))
    )

def downgrade():
    op.drop_table('zi_pages')
    op.drop_table('zi_follow_up_plans')
    op.drop_table('zi_monev_entries')
    op.drop_table('zi_renja_statuses')
    with op.batch_alter_table('zi_renja_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zi_renja_evidence_row_id'))

    op.drop_table('zi_renja_evidence')
    with op.batch_alter_table('zi_conflict_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zi_conflict_declarations_declarant_id'))

    op.drop_table('zi_conflict_declarations')
    op.drop_table('zi_renja_rows')
    op.drop_table('zi_conflict_positions')
