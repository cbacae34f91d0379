"""full-text search of complaints for the back office: SQLite FTS5 / PostgreSQL GIN (tsvector);
gratification_reports (status, due_on) for the overdue filter and dashboard counts

Revision ID: 0019_search
Revises: 0018_page_cache
Create Date: 2026-11-29 07:30:00

The complaint queue's word search (portal.casequery) reads the database's own full-text index
instead of `subject LIKE '%x%' OR description LIKE '%x%'` over the whole table (issue 20). It covers
exactly what that search covered: subject and description, nothing of the reporter's identity.

- SQLite: an FTS5 table with external content (the text is not copied, only indexed), tokenizer
  unicode61 without stemming, kept in step with `complaints` by three triggers; existing rows are
  indexed here ('rebuild').
- PostgreSQL: a GIN index on the expression to_tsvector('simple', subject || description): the
  database keeps it in step itself and builds it from the existing rows here. 'simple' lower-cases
  and does not stem, so Indonesian words are not cut by English rules.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_search'
down_revision = '0018_page_cache'
branch_labels = None
depends_on = None

PG_DOCUMENT = "to_tsvector('simple', coalesce(complaints.subject, '') || ' ' || complaints.description)"

SQLITE_UP = [
    "CREATE VIRTUAL TABLE complaints_search USING fts5(subject, description, content='complaints', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER complaints_search_ai AFTER INSERT ON complaints BEGIN "
    "INSERT INTO complaints_search(rowid, subject, description) VALUES (new.id, new.subject, new.description); END",
    "CREATE TRIGGER complaints_search_ad AFTER DELETE ON complaints BEGIN "
    "INSERT INTO complaints_search(complaints_search, rowid, subject, description) "
    "VALUES ('delete', old.id, old.subject, old.description); END",
    "CREATE TRIGGER complaints_search_au AFTER UPDATE OF subject, description ON complaints BEGIN "
    "INSERT INTO complaints_search(complaints_search, rowid, subject, description) "
    "VALUES ('delete', old.id, old.subject, old.description); "
    "INSERT INTO complaints_search(rowid, subject, description) VALUES (new.id, new.subject, new.description); END",
    "INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS complaints_search_au",
    "DROP TRIGGER IF EXISTS complaints_search_ad",
    "DROP TRIGGER IF EXISTS complaints_search_ai",
    "DROP TABLE IF EXISTS complaints_search",
]


def upgrade():
    with op.batch_alter_table('gratification_reports', schema=None) as batch_op:
        batch_op.create_index('ix_gratification_reports_status_due_on', ['status', 'due_on'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_complaints_search ON complaints USING gin (({PG_DOCUMENT}))")
        return
    for statement in SQLITE_UP:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaints_search")
    else:
        for statement in SQLITE_DOWN:
            op.execute(statement)
    with op.batch_alter_table('gratification_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_gratification_reports_status_due_on')
