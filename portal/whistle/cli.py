"""`flask --app wsgi wbs …`: appoint by SK, the recovery key, retention purge, notifications."""
from __future__ import annotations

from contextlib import contextmanager

import click
from flask.cli import AppGroup

wbs_cli = AppGroup("wbs", help="Whistleblowing System: SK Tim WBS, kunci pemulihan, retensi, notifikasi.")


@contextmanager
def _refused():
    """A refusal of portal.whistle.keys becomes the command's error message (exit status 1)."""
    from . import keys

    try:
        yield
    except keys.WbsKeyError as exc:
        raise click.ClickException(exc.message) from None


def _user(email: str):
    from ..auth.services import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"akun tidak ditemukan: {email}")
    return user


@wbs_cli.command("appoint")
@click.option("--sk-number", required=True, help="Nomor SK Tim WBS.")
@click.option("--sk-date", required=True, help="Tanggal SK, YYYY-MM-DD.")
@click.option("--email", "emails", required=True, multiple=True, help="Akun (peran wbs) yang diangkat; boleh diulang.")
def wbs_appoint(sk_number: str, sk_date: str, emails: tuple):
    """Record the SK and appoint accounts that hold the role `wbs`."""
    from . import keys

    ids = [_user(email).id for email in emails]
    with _refused():
        users = keys.appoint(sk_number, sk_date, ids)
    for user in users:
        click.echo(f"diangkat: {user.email}")
    click.echo("Pengangkatan tidak memberi kunci. Pasangan kunci dibuat saat pengelola, sesudah masuk lengkap, "
               "mengganti kata sandinya sendiri; lalu Kepala Dinas mengesahkannya: "
               "flask --app wsgi wbs endorse --email E --recovery-key-stdin "
               "(atau pengelola yang sudah disahkan, di /kantor/wbs/tim).")


@wbs_cli.command("revoke")
@click.option("--email", required=True)
def wbs_revoke(email: str):
    """End an appointment: the handler's wrapped keys and key pair are destroyed."""
    from . import keys

    user = _user(email)
    with _refused():
        count = keys.revoke(user.id)
    click.echo(f"dicabut: {user.email}; kunci laporan dimusnahkan: {count}")


@wbs_cli.command("recovery-key")
@click.option("--replace", is_flag=True, help="Ganti kunci pemulihan yang ada (laporan lama tetap terbuka dengan kunci lama).")
def wbs_recovery_key(replace: bool):
    """Create the organisation recovery key pair; print the private half ONCE (store on paper)."""
    from . import keys

    with _refused():
        printable = keys.create_recovery_key(replace=replace)
    click.echo("KUNCI PEMULIHAN WBS — hanya ditampilkan sekali, tidak disimpan di server.")
    click.echo("Cetak/tulis, masukkan amplop tersegel, serahkan kepada Kepala Dinas:")
    click.echo("")
    click.echo(printable)
    click.echo("")
    from . import trust

    root = trust.active_root()
    click.echo(f"Kunci publiknya dipasang di {trust.pin_path()} (di luar basis data).")
    click.echo(f"Sidik jari kunci pemulihan: {root.fingerprint}")
    click.echo("Catat sidik jari ini bersama kunci; bandingkan dengan halaman Tim WBS bila ragu.")
    if replace:
        click.echo("Kunci pengelola yang disahkan dengan kunci lama harus disahkan lagi dengan kunci ini "
                   "(wbs endorse).")


def _read_recovery_key() -> str:
    import sys

    if sys.stdin.isatty():  # typed by the head of office: ask, without echo
        text = click.prompt("Kunci pemulihan (tidak ditampilkan)", hide_input=True)
    else:
        text = sys.stdin.read()
    if not text.strip():
        raise click.ClickException("kunci pemulihan tidak terbaca dari stdin")
    return text


# The recovery key never comes as an argument (shell history, process list): the flag only says it is on stdin.
RECOVERY_KEY_STDIN = click.option("--recovery-key-stdin", is_flag=True, required=True,
                                  help="Baca kunci pemulihan dari stdin (tidak pernah disimpan).")


def _with_recovery_key(email: str, action):
    """`action(recovery key, user id)` for the account `email`; a refusal becomes the command's error."""
    user_id = _user(email).id
    printable = _read_recovery_key()
    with _refused():
        return action(printable, user_id)


@wbs_cli.command("endorse")
@click.option("--email", required=True, help="Akun pengelola WBS yang kuncinya disahkan.")
@RECOVERY_KEY_STDIN
@click.option("--fingerprint", default=None,
              help="Sidik jari yang tampil di layar pengelola (halaman Tim WBS); bila diisi harus cocok.")
def wbs_endorse(email: str, recovery_key_stdin: bool, fingerprint: str | None):
    """Endorse a handler's key pair with the recovery key; then open tips are re-sealed for it."""
    from . import keys
    from ..extensions import db
    from ..models import User

    def endorse(printable: str, user_id: int):
        count = keys.endorse_with_recovery(printable, user_id, fingerprint)
        return count, keys.own_fingerprint(db.session.get(User, user_id))

    count, own = _with_recovery_key(email, endorse)
    click.echo(f"disahkan: {email}; sidik jari kunci: {own}")
    click.echo(f"akses diberikan untuk {count} laporan terbuka")


@wbs_cli.command("exclude")
@click.option("--tip", "tip_id", type=int, required=True, help="Nomor laporan.")
@click.option("--email", required=True, help="Petugas yang dikecualikan (benturan kepentingan).")
@RECOVERY_KEY_STDIN
def wbs_exclude(tip_id: int, email: str, recovery_key_stdin: bool):
    """Exclude a handler from one tip on the head of office's authority (in place of a second handler)."""
    from . import keys

    _with_recovery_key(email, lambda printable, user_id: keys.exclude_with_recovery(printable, tip_id, user_id))
    click.echo(f"dikecualikan dari WBS-{tip_id}: {email}")


@wbs_cli.command("restore")
@click.option("--tip", "tips", type=int, multiple=True, required=True, help="Nomor laporan; boleh diulang.")
@click.option("--email", required=True, help="Pengelola (kunci sudah disahkan) yang menerima laporan.")
@RECOVERY_KEY_STDIN
def wbs_restore(tips: tuple, email: str, recovery_key_stdin: bool):
    """Give tips back to an endorsed handler with the recovery key — closed or excluded ones too."""
    from . import keys

    done = _with_recovery_key(email, lambda printable, user_id: keys.restore(printable, list(tips), user_id))
    click.echo(f"dipulihkan untuk {email}: " + ", ".join(f"WBS-{t}" for t in done))


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
