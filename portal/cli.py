"""`flask --app wsgi …` command groups (CONTRACT.md): demo, mail, keys."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Data demo yang realistis dan dapat diulang.")
mail_cli = AppGroup("mail", help="Antrean surel keluar.")
keys_cli = AppGroup("keys", help="Kunci aplikasi untuk data pribadi.")


@demo_cli.command("seed")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 120))
@click.option("--per-month", default=30, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
def demo_seed(months: int, per_month: int, seed: int):
    """Fill the database with reproducible demo cases spread over the last M months."""
    from . import demo

    counts = demo.seed(months=months, per_month=per_month, seed=seed)
    for channel, count in counts.items():
        click.echo(f"{channel}: {count}")


@mail_cli.command("send-pending")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10_000))
def mail_send_pending(limit: int):
    """Deliver queued mail whose retry time has come (run from cron every few minutes)."""
    from .notify import deliver_pending

    sent, failed = deliver_pending(limit)
    click.echo(f"sent={sent} failed={failed}")


@keys_cli.command("rotate")
@click.option("--drop-old", is_flag=True, help="After re-encryption, remove the old keys from the ring.")
def keys_rotate(drop_old: bool):
    """Add a new application key, re-encrypt every personal-data column with it."""
    from .keyrotation import rotate

    count = rotate(drop_old=drop_old)
    click.echo(f"re-encrypted values: {count}")


def init_app(app: Flask) -> None:
    for group in (demo_cli, mail_cli, keys_cli):
        app.cli.add_command(group)
