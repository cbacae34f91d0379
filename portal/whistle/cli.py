"""`flask --app wsgi wbs …`: appoint by SK, the recovery key, retention purge, notifications."""
from __future__ import annotations

import click
from flask.cli import AppGroup

wbs_cli = AppGroup("wbs", help="Whistleblowing System: SK Tim WBS, kunci pemulihan, retensi, notifikasi.")


@wbs_cli.command("appoint")
@click.option("--sk-number", required=True, help="Nomor SK Tim WBS.")
@click.option("--sk-date", required=True, help="Tanggal SK, YYYY-MM-DD.")
@click.option("--email", "emails", required=True, multiple=True, help="Akun (peran wbs) yang diangkat; boleh diulang.")
def wbs_appoint(sk_number: str, sk_date: str, emails: tuple):
    """Record the SK and appoint accounts that hold the role `wbs`."""
    from ..auth.services import find_user
    from . import keys

    ids = []
    for email in emails:
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"akun tidak ditemukan: {email}")
        ids.append(user.id)
    try:
        users = keys.appoint(sk_number, sk_date, ids)
    except keys.WbsKeyError as exc:
        raise click.ClickException(exc.message) from None
    for user in users:
        click.echo(f"diangkat: {user.email}")
    click.echo("Pasangan kunci dibuat saat akun masuk berikutnya; lalu beri akses ke laporan yang ada "
               "(pengelola lain atau kunci pemulihan) di /kantor/wbs/tim.")


@wbs_cli.command("revoke")
@click.option("--email", required=True)
def wbs_revoke(email: str):
    """End an appointment: the handler's wrapped keys and key pair are destroyed."""
    from ..auth.services import find_user
    from . import keys

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"akun tidak ditemukan: {email}")
    try:
        count = keys.revoke(user.id)
    except keys.WbsKeyError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"dicabut: {user.email}; kunci laporan dimusnahkan: {count}")


@wbs_cli.command("recovery-key")
@click.option("--replace", is_flag=True, help="Ganti kunci pemulihan yang ada (laporan lama tetap terbuka dengan kunci lama).")
def wbs_recovery_key(replace: bool):
    """Create the organisation recovery key pair; print the private half ONCE (store on paper)."""
    from . import keys

    try:
        printable = keys.create_recovery_key(replace=replace)
    except keys.WbsKeyError as exc:
        raise click.ClickException(exc.message) from None
    click.echo("KUNCI PEMULIHAN WBS — hanya ditampilkan sekali, tidak disimpan di server.")
    click.echo("Cetak/tulis, masukkan amplop tersegel, serahkan kepada Kepala Dinas:")
    click.echo("")
    click.echo(printable)
    click.echo("")


@wbs_cli.command("purge")
def wbs_purge():
    """Delete tips closed longer than WBS_RETENTION_DAYS with their keys, messages and files."""
    from .retention import purge, retention_days

    count = purge()
    click.echo(f"dihapus: {count} laporan (retensi {retention_days()} hari)")


@wbs_cli.command("notify")
def wbs_notify():
    """Mail each handler who has something waiting — the mail says only that (run from cron)."""
    from .retention import notify_handlers

    click.echo(f"notifikasi: {notify_handlers()}")
