"""SKM (PermenPANRB 14/2017): survey responses and the service users per period

Revision ID: 0009_skm
Revises: 0008_rules_ui
Create Date: 2026-11-29 04:18:15.319368

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009_skm'
down_revision = '0008_rules_ui'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('skm_populations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_skm_populations_entered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skm_populations')),
    sa.UniqueConstraint('period', name=op.f('uq_skm_populations_period'))
    )
    op.create_table('skm_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=30), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submission_key_hash', sa.String(length=64), nullable=True),
    sa.Column('u1', sa.SmallInteger(), nullable=False),
    sa.Column('u2', sa.SmallInteger(), nullable=False),
    sa.Column('u3', sa.SmallInteger(), nullable=False),
    sa.Column('u4', sa.SmallInteger(), nullable=False),
    sa.Column('u5', sa.SmallInteger(), nullable=False),
    sa.Column('u6', sa.SmallInteger(), nullable=False),
    sa.Column('u7', sa.SmallInteger(), nullable=False),
    sa.Column('u8', sa.SmallInteger(), nullable=False),
    sa.Column('u9', sa.SmallInteger(), nullable=False),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('age', sa.String(length=20), nullable=True),
    sa.Column('education', sa.String(length=20), nullable=True),
    sa.Column('occupation', sa.String(length=20), nullable=True),
    sa.Column('suggestion', sa.LargeBinary(), nullable=True),
    sa.Column('suggestion_status', sa.String(length=10), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('moderated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_skm_responses_moderated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skm_responses')),
    sa.UniqueConstraint('submission_key_hash', name=op.f('uq_skm_responses_submission_key_hash'))
    )
    with op.batch_alter_table('skm_responses', schema=None) as batch_op:
        batch_op.create_index('ix_skm_responses_submitted_on', ['submitted_on'], unique=False)
        batch_op.create_index('ix_skm_responses_suggestion_status', ['suggestion_status'], unique=False)



def downgrade():
    with op.batch_alter_table('skm_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_skm_responses_suggestion_status')
        batch_op.drop_index('ix_skm_responses_submitted_on')

    op.drop_table('skm_responses')
    op.drop_table('skm_populations')
