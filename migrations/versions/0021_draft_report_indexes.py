"""covering indexes for the monthly complaint report's T2/T3 counts (draft preparation, issue 20)

Revision ID: 0021_draft_report_indexes
Revises: 0020_intake_config_generation
Create Date: 2026-11-29 11:00:00

- ix_complaints_report_received (submitted_on, category, problem, unit_id): the complaints received in
  the period per service × problem (T2) and per unit (T3) in one pass over the index, without reading
  the table rows (was two queries on ix_complaints_submitted_on, each reading every row of the month).
- ix_complaints_status_completed gains unit_id: T3's "completed per unit" is covered like the
  timeliness query that already used it (status, completed_on, submitted_on, rating).

Plain CREATE/DROP INDEX (no batch mode): SQLite's table is not rebuilt, 0019's search triggers stay.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_draft_report_indexes'
down_revision = '0020_intake_config_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_complaints_report_received', 'complaints',
                    ['submitted_on', 'category', 'problem', 'unit_id'], unique=False)
    op.drop_index('ix_complaints_status_completed', table_name='complaints')
    op.create_index('ix_complaints_status_completed', 'complaints',
                    ['status', 'completed_on', 'submitted_on', 'rating', 'unit_id'], unique=False)


def downgrade():
    op.drop_index('ix_complaints_status_completed', table_name='complaints')
    op.create_index('ix_complaints_status_completed', 'complaints',
                    ['status', 'completed_on', 'submitted_on', 'rating'], unique=False)
    op.drop_index('ix_complaints_report_received', table_name='complaints')
