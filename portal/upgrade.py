"""`flask db upgrade` = Alembic's migrations, then whatever a fresh instance needs (the calendar).

Why a step after the migrations and not a data migration: a migration is frozen history, but
the calendar is built by today's code (portal.workdays, over today's models and the installed
`holidays` package). A migration importing that code would break the day the code or the
models move on; this step always runs the current code against the current (head) schema, on
SQLite and PostgreSQL alike, and is idempotent, so every later upgrade runs it again for free.
"""
from __future__ import annotations

from functools import cached_property

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db


class MigrateConfig:
    """What Flask-Migrate keeps in `app.extensions["migrate"]` (the `db`, the migrations
    directory, the arguments env.py passes to Alembic's context), without importing Flask-Migrate.

    Flask-Migrate pulls in Alembic, Mako and Pygments (~11 MB and ~80 ms per process); a gunicorn
    worker and every `flask` command other than `db …` never use them. `.migrate` builds the real
    `flask_migrate.Migrate` the first time a migration needs it (`flask db …`, `flask_migrate.upgrade()`).
    """

    def __init__(self, database, directory: str, **configure_args):
        self.db = database
        self.directory = directory
        self.configure_args = configure_args

    @property
    def metadata(self):
        return self.db.metadata

    @cached_property
    def migrate(self):
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)


class LazyDbGroup(click.Group):
    """`flask db …`: Flask-Migrate's group (with upgrade + prepare_database) is imported only when
    a `db` command runs; `flask --help` lists it from this stand-in's own help line."""

    def __init__(self):
        super().__init__(name="db", help="Perform database migrations.")

    @cached_property
    def real(self) -> click.Group:
        from flask_migrate.cli import db as migrate_group

        return db_group_with_prepare(migrate_group)

    def make_context(self, info_name, args, parent=None, **extra):
        return self.real.make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self.real.list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self.real.get_command(ctx, cmd_name)


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
