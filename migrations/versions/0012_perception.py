"""skm follow-up plan (RTL) rows; IPAK and IPKP perception surveys with their starting question sets

Revision ID: 0012_perception
Revises: 0011_zi
Create Date: 2026-11-29 05:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012_perception'
down_revision = '0011_zi'
branch_labels = None
depends_on = None


# The starting questionnaires (statements answered on the 1–4 agreement scale); the admin edits them
# in the back office when the national questionnaire changes.
IPAK = (
    "Petugas memberikan pelayanan yang sama kepada semua pengguna layanan, tanpa membeda-bedakan.",
    "Pelayanan diberikan sesuai prosedur; tidak ada jalan pintas atau pelayanan di luar prosedur.",
    "Petugas tidak meminta atau menerima imbalan uang, barang atau fasilitas di luar ketentuan.",
    "Tidak ada pungutan liar (pungli) dalam pelayanan.",
    "Tidak ada calo atau perantara tidak resmi dalam pelayanan.",
    "Tersedia saluran pengaduan dan pelaporan pelanggaran yang mudah digunakan.",
)
IPKP = (
    "Informasi tentang pelayanan mudah diperoleh, baik secara daring maupun di kantor.",
    "Persyaratan pelayanan yang diinformasikan sesuai dengan yang diminta petugas.",
    "Prosedur dan alur pelayanan mudah diikuti.",
    "Jangka waktu penyelesaian pelayanan sesuai dengan yang ditetapkan.",
    "Biaya pelayanan sesuai dengan yang ditetapkan (termasuk bila gratis).",
    "Sarana dan prasarana pelayanan nyaman dan memadai.",
    "Petugas melayani dengan cepat, ramah dan sopan.",
    "Layanan konsultasi dan pengaduan mudah diakses.",
)


def upgrade():
    op.create_table('skm_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_skm_follow_ups_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skm_follow_ups'))
    )
    with op.batch_alter_table('skm_follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_skm_follow_ups_period', ['period'], unique=False)

    questions = op.create_table('perception_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_perception_questions_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perception_questions'))
    )
    with op.batch_alter_table('perception_questions', schema=None) as batch_op:
        batch_op.create_index('ix_perception_questions_survey', ['survey'], unique=False)
    op.create_table('perception_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey', sa.String(length=10), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submission_key_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perception_responses')),
    sa.UniqueConstraint('submission_key_hash', name=op.f('uq_perception_responses_submission_key_hash'))
    )
    with op.batch_alter_table('perception_responses', schema=None) as batch_op:
        batch_op.create_index('ix_perception_responses_survey_day', ['survey', 'submitted_on'], unique=False)
    op.create_table('perception_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['perception_questions.id'], name=op.f('fk_perception_answers_question_id_perception_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['perception_responses.id'], name=op.f('fk_perception_answers_response_id_perception_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_perception_answers'))
    )
    with op.batch_alter_table('perception_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_perception_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_perception_answers_response_id'), ['response_id'], unique=False)
    op.bulk_insert(questions, [{"survey": survey, "position": i, "text": text, "active": True}
                               for survey, texts in (("ipak", IPAK), ("ipkp", IPKP))
                               for i, text in enumerate(texts, 1)])


def downgrade():
    op.drop_table('perception_answers')
    op.drop_table('perception_responses')
    op.drop_table('perception_questions')
    with op.batch_alter_table('skm_follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_skm_follow_ups_period')
    op.drop_table('skm_follow_ups')
