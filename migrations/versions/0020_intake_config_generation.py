"""config_generation: the invalidation key of the admin's configuration that workers keep in memory
(portal.configcache), changed by triggers on portal_settings, sla_settings and calendar_overrides

Revision ID: 0020_intake_config_generation
Revises: 0019_search
Create Date: 2026-11-29 10:10:00

Every submission computes its deadline from the SLA settings, the admin's working-day overrides and
the cuti bersama setting; reading three tables (and checking that one exists) per request was a fifth
of a complaint's CPU. Workers now keep them and read one row per request instead. Triggers, not the
code that writes, change the row: a setting written by the admin page, the CLI, another host or by
hand invalidates every worker's copy at its commit alike, and a rolled-back write leaves the old key
(the token is random, so a key once seen never comes back for other contents).
"""
import secrets

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0020_intake_config_generation'
down_revision = '0019_search'
branch_labels = None
depends_on = None

TABLES = ("portal_settings", "sla_settings", "calendar_overrides")
SQLITE_NEW_TOKEN = "lower(hex(randomblob(16)))"
PG_FUNCTION = "config_generation_bump"


def upgrade():
    table = op.create_table(
        'config_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_config_generation')),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "UPDATE config_generation SET token = md5(random()::text || clock_timestamp()::text) "
                   "WHERE id = 1; RETURN NULL; END $$")
        for name in TABLES:
            op.execute(f"CREATE TRIGGER {name}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()")
    else:
        for name in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {name}_generation_{event.lower()} AFTER {event} ON {name} BEGIN "
                           f"UPDATE config_generation SET token = {SQLITE_NEW_TOKEN} WHERE id = 1; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_generation ON {name}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    else:
        for name in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_generation_{event}")
    op.drop_table('config_generation')
