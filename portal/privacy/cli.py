"""`flask --app wsgi privacy purge [--dry-run]`: retention of complaints and gratification reports;
`flask --app wsgi privacy breach --from … --to … [--details FILE]`: whom to notify of a breach (docs/breach.md)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

privacy_cli = AppGroup("privacy", help="Data pribadi (UU 27/2022): retensi pengaduan dan gratifikasi, kebocoran data.")


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


def _moment(text: str, end: bool):
    """An office-local date (the whole day) or date and time, as aware UTC."""
    from datetime import datetime, time, timezone

    from ..clock import local_tz

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: YYYY-MM-DD atau YYYY-MM-DDTHH:MM") from None
    if len(text) == 10 and end:
        value = datetime.combine(value.date(), time.max)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_tz())
    return value.astimezone(timezone.utc)


@privacy_cli.command("breach")
@click.option("--from", "start", required=True, help="Awal kebocoran (waktu kantor): YYYY-MM-DD[THH:MM].")
@click.option("--to", "end", required=True, help="Akhir kebocoran (waktu kantor): YYYY-MM-DD[THH:MM].")
@click.option("--details", "details", type=click.Path(dir_okay=False), default=None,
              help="Tulis daftar subjek dan kontaknya ke berkas baru ini (mode 0600, hanya admin).")
def privacy_breach(start: str, end: str, details: str | None):
    """Which subjects to notify for a breach window (UU 27/2022 Ps 46, 3×24 jam): counts; the list only with --details. Audited."""
    from .breach import survey

    begin, finish = _moment(start, end=False), _moment(end, end=True)
    if finish < begin:
        raise click.BadParameter("--to sebelum --from")
    try:
        found = survey(begin, finish, details)
    except FileExistsError:
        raise click.ClickException(f"{details} sudah ada; pilih nama berkas baru") from None
    click.echo(f"jendela: {begin.isoformat()} s.d. {finish.isoformat()} (UTC)")
    for code, tally in found["tallies"].items():
        click.echo(f"{code}\tsubjek {tally.cases}\tsurel {tally.email}\ttelepon saja {tally.phone_only}\t"
                   f"tanpa kontak {tally.no_contact}\tsudah dihapus {tally.erased}")
    click.echo(f"wbs\tlaporan {found['wbs_tips']}\tkontak tersegel {found['wbs_contacts']}"
               "\t(Tim WBS memberi tahu lewat Kotak Pesan WBS)")
    reachable = sum(len(t.rows) for t in found["tallies"].values())
    if details:
        click.echo(f"daftar {reachable} subjek yang dapat dihubungi ditulis ke {details} (mode 0600)")
    else:
        click.echo(f"dapat dihubungi: {reachable} subjek; daftar hanya dengan --details BERKAS")
