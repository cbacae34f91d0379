"""the database file store (encrypted files as numbered chunks, PORTAL_FILE_STORE=database); secret fingerprints

Revision ID: 0013_files
Revises: 0012_perception
Create Date: 2026-11-29 06:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0013_files'
down_revision = '0012_perception'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_file',
        sa.Column('namespace', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('chunks', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('namespace', 'name', name=op.f('pk_stored_file')),
    )
    op.create_table(
        'stored_file_chunk',
        sa.Column('namespace', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('namespace', 'name', 'seq', name=op.f('pk_stored_file_chunk')),
    )
    # Several hosts, one database: the first host records what its secrets hash to; a host whose
    # key ring, pepper or recovery pin differ refuses to start (portal/hosts.py).
    op.create_table(
        'secret_fingerprint',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_secret_fingerprint')),
    )


def downgrade():
    op.drop_table('secret_fingerprint')
    op.drop_table('stored_file_chunk')
    op.drop_table('stored_file')
