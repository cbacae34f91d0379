"""`flask --app wsgi zi …`: load the Renja seed and pack the evidence of a period (CONTRACT.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..fsutil import atomic_write

zi_cli = AppGroup("zi", help="Zona Integritas: Renja, eviden dan benturan kepentingan.")


@zi_cli.command("seed-renja")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Tahun Renja (bawaan: tahun berjalan).")
def seed_renja(year: int | None):
    """Load the Renja seed rows that YEAR lacks; rows already there (perhaps edited) stay as they are."""
    from ..clock import local_today
    from . import renja

    result = renja.seed(year or local_today().year)
    click.echo(f"Renja {result.year}: {result.added} baris ditambahkan, {result.kept} baris sudah ada")


@zi_cli.command("evidence")
@click.option("--period", required=True, help="Semester YYYY-S1 / YYYY-S2 atau bulan YYYY-MM.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
def evidence(period: str, output: Path):
    """Pack the Zona Integritas evidence of PERIOD into the zip OUTPUT, with index.html and index.xlsx."""
    from . import evidence as pack
    from . import renja

    try:
        chosen = renja.parse_period(period)
    except renja.RenjaError as exc:
        raise click.BadParameter(exc.message, param_hint="'--period'") from None
    data = pack.export(chosen)
    atomic_write(output, data)
    click.echo(f"paket eviden {chosen.code}: {output} ({len(data)} bita)")
