"""`flask db upgrade` = Alembic's migrations, then whatever a fresh instance needs (the calendar).

Why a step after the migrations and not a data migration: a migration is frozen history, but
the calendar is built by today's code (portal.workdays, over today's models and the installed
`holidays` package). A migration importing that code would break the day the code or the
models move on; this step always runs the current code against the current (head) schema, on
SQLite and PostgreSQL alike, and is idempotent, so every later upgrade runs it again for free.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db


def database_at_head() -> bool:
    """Whether the database carries every migration (so today's models match its schema)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads


def prepare_database() -> list[str]:
    """Fill what a migrated database needs before first use; returns what was done (for the log).

    Skipped below head (`db upgrade 0001`): the models may not match that older schema.
    """
    from . import workdays

    done = []
    if not database_at_head():
        return done
    if workdays.ensure_calendar_table():
        first, last = workdays.table_range()
        done.append(f"kalender hari kerja dibangun: {first.isoformat()}–{last.isoformat()}")
    db.session.remove()
    return done


def db_group_with_prepare(migrate_group: click.Group) -> click.Group:
    """Flask-Migrate's `db` group with `upgrade` followed by prepare_database().

    A copy: Flask-Migrate's group object is shared by every app in the process, so it is left
    untouched; every other `db` subcommand is Flask-Migrate's own.
    """
    group = click.Group(name="db", callback=migrate_group.callback, params=list(migrate_group.params),
                        help=migrate_group.help, commands=dict(migrate_group.commands))
    migrate_upgrade = migrate_group.commands["upgrade"]

    @click.pass_context
    @with_appcontext
    def upgrade(ctx: click.Context, **kwargs):
        ctx.invoke(migrate_upgrade, **kwargs)
        if kwargs.get("sql"):  # offline: SQL printed, no database touched
            return
        for line in prepare_database():
            click.echo(line)

    group.add_command(click.Command("upgrade", callback=upgrade, params=list(migrate_upgrade.params),
                                    help=migrate_upgrade.help))
    return group
