"""privacy_requests: data subjects' correction and deletion requests (UU PDP 27/2022); privacy_erasures

Revision ID: 0016_pdp
Revises: 0015_standards
Create Date: 2026-11-29 07:05:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0016_pdp'
down_revision = '0015_standards'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'privacy_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('ticket', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=15), nullable=False),
        sa.Column('field', sa.String(length=20), nullable=True),
        sa.Column('new_value', sa.LargeBinary(), nullable=True),
        sa.Column('details', sa.LargeBinary(), nullable=True),
        sa.Column('status', sa.String(length=15), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_privacy_requests_status_due', 'privacy_requests', ['status', 'due_at'])
    op.create_index('ix_privacy_requests_case', 'privacy_requests', ['channel', 'case_id'])
    op.create_table(
        'privacy_erasures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('cause', sa.String(length=15), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel', 'case_id', name='uq_privacy_erasures_case'),
    )


def downgrade():
    op.drop_table('privacy_erasures')
    op.drop_index('ix_privacy_requests_case', table_name='privacy_requests')
    op.drop_index('ix_privacy_requests_status_due', table_name='privacy_requests')
    op.drop_table('privacy_requests')
