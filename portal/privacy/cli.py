"""`flask --app wsgi privacy purge [--dry-run]`: retention of complaints and gratification reports."""
from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Data pribadi (UU 27/2022): retensi pengaduan dan gratifikasi.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan yang akan dihapus.")
def privacy_purge(dry_run: bool):
    """Anonymise complaints and gratification reports past their retention (daily, from cron)."""
    from .retention import due, purge

    items = due() if dry_run else purge()
    for item in items:
        click.echo(f"{item.ticket}\t{item.channel.code}\t{item.status}\tditutup {item.closed_on.isoformat()}\t"
                   f"retensi {item.rule.days} hari")
    verb = "akan dihapus" if dry_run else "dihapus"
    click.echo(f"{verb}: {len(items)} kasus (data pribadi dan lampiran; angka laporan tetap)")
