"""`flask --app wsgi …` command groups (CONTRACT.md): demo, mail, keys."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Data demo yang realistis dan dapat diulang.")
mail_cli = AppGroup("mail", help="Antrean surel keluar.")
keys_cli = AppGroup("keys", help="Kunci aplikasi untuk data pribadi.")
users_cli = AppGroup("users", help="Akun petugas kantor.")
setup_cli = AppGroup("setup", help="Pemasangan pertama.")
reports_cli = AppGroup("reports", help="Laporan bulanan dan semester (pengaduan, gratifikasi, WBS).")
complaints_cli = AppGroup("complaints", help="Pengaduan masyarakat.")
calendar_cli = AppGroup("calendar", help="Kalender hari kerja (libur nasional, cuti bersama, keputusan).")


@calendar_cli.command("rebuild")
def calendar_rebuild():
    """Rebuild the working-day calendar after a new holiday decree; the admin's overrides stay."""
    from . import workdays

    count = workdays.rebuild_calendar_table()
    first, last = workdays.table_range()
    overrides = len(workdays.calendar().overrides)
    click.echo(f"kalender hari kerja dibangun ulang: {count} hari, {first.isoformat()}–{last.isoformat()}, "
               f"{overrides} penyesuaian admin dipertahankan")


@reports_cli.command("build")
@click.option("--channel", required=True, help="complaints, gratification atau wbs.")
@click.option("--period", required=True, help="Bulan YYYY-MM (2026-10) atau semester YYYY-S1 / YYYY-S2.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def reports_build(channel: str, period: str, fmt: str):
    """Print the report of CHANNEL for PERIOD, computed from the database."""
    from .reports import PeriodError, PeriodNotOffered, ReportError, UnknownChannel, build_report

    try:
        report = build_report(channel, period)
    except UnknownChannel as exc:
        raise click.BadParameter(str(exc), param_hint="'--channel'") from None
    except (PeriodError, PeriodNotOffered) as exc:
        raise click.BadParameter(str(exc), param_hint="'--period'") from None
    except ReportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.to_json() if fmt == "json" else report.to_csv(), nl=fmt == "json")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", required=True, multiple=True,
              type=click.Choice(["admin", "complaints", "gratification", "wbs", "leader", "liaison"]),
              help="Repeat for several roles.")
@click.option("--unit", "unit_code", default=None, metavar="KODE",
              help="The liaison officer's unit (its code, e.g. capil); only with --role liaison.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(email: str, name: str, roles: tuple, unit_code: str | None, password_stdin: bool):
    """Create a back-office account; the last line printed is the TOTP enrolment URI."""
    import sys

    from .auth import services
    from .cases import CaseError
    from .units.services import unit_for_new_account

    try:  # before the password prompt: a refused unit asks for nothing and stores nothing
        unit = unit_for_new_account(set(roles), unit_code)
    except CaseError as exc:
        raise click.ClickException(exc.message) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        user, uri = services.create_user(email, name, set(roles), password, enrolled_secret=True,
                                         unit_id=unit.id if unit else None)
    except services.AuthError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"akun dibuat: {user.email} ({', '.join(sorted(user.roles))})"
               + (f", unit {unit.code}" if unit else ""))
    click.echo("Pindai URI berikut dengan aplikasi autentikator (hanya ditampilkan sekali):")
    click.echo(uri)


@setup_cli.command("link")
def setup_link():
    """Print a one-time link to create the first admin, when no admin exists yet."""
    from flask import current_app

    from .auth import setup

    if setup.admin_exists():
        click.echo("Admin sudah ada. Masuk di /kantor/masuk.")
        return
    token = setup.issue_token()
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    click.echo("Belum ada admin. Buka tautan sekali-pakai ini (berlaku 24 jam) untuk membuat admin pertama:")
    click.echo(f"{base}/kantor/pasang/{token}")


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


@complaints_cli.command("withdraw-stale")
def complaints_withdraw_stale():
    """Cabut pengaduan Tertunda yang tidak dilengkapi dalam 30 hari (UU 25/2009 Ps 45); dijalankan cron harian."""
    from .complaints.services import withdraw_stale

    # A request context for url_for in the citizen's mail; links use PORTAL_BASE_URL.
    with current_app.test_request_context():
        tickets = withdraw_stale()
    click.echo(f"withdrawn: {len(tickets)}")


def init_app(app: Flask) -> None:
    from .audit import audit_cli
    from .backoffice.digest import cases_cli
    from .ops import backup_cli
    for group in (demo_cli, mail_cli, keys_cli, users_cli, setup_cli, audit_cli, reports_cli, cases_cli, backup_cli,
                  calendar_cli, complaints_cli):
        app.cli.add_command(group)
    from .upgrade import LazyDbGroup
    app.cli.add_command(LazyDbGroup())  # Flask-Migrate's `db` group, imported when a `db` command runs
    from .whistle.cli import wbs_cli
    app.cli.add_command(wbs_cli)
    from .zi.cli import zi_cli
    app.cli.add_command(zi_cli)
    from .filestore.cli import files_cli
    app.cli.add_command(files_cli)
    from .hosts import hosts_cli
    app.cli.add_command(hosts_cli)
    from .privacy.cli import privacy_cli
    app.cli.add_command(privacy_cli)
