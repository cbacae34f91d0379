"""`flask --app wsgi files …`: which store is in use, a checksum check, and moving files between stores."""
from __future__ import annotations

from dataclasses import dataclass, field

import click
from flask.cli import AppGroup

from . import KINDS, NAMESPACES, configured_kind, make, sha256_of

files_cli = AppGroup("files", help="Penyimpanan berkas terenkripsi (lokal atau basis data).")


@dataclass
class Moved:
    copied: int = 0
    already: int = 0
    removed: int = 0
    mismatched: list[str] = field(default_factory=list)


def migrate(source_kind: str, target_kind: str, *, keep_source: bool = False) -> dict[str, Moved]:
    """Copy every file of every namespace from one backend to the other, streamed chunk by chunk;
    each copy's checksum is recomputed from the target and compared with the source's. The source
    copies are removed only when every file of every namespace matched (and not with keep_source)."""
    if source_kind == target_kind:
        raise click.ClickException(f"the files are already in {target_kind}")
    report: dict[str, Moved] = {}
    done: list[tuple] = []
    for namespace in NAMESPACES:
        source, target = make(source_kind, namespace), make(target_kind, namespace)
        moved = report.setdefault(namespace, Moved())
        for name in list(source.names()):
            expected = source.checksum(name)
            if target.exists(name):
                if target.checksum(name) != expected:
                    moved.mismatched.append(name)
                    continue
                moved.already += 1
            else:
                with source.open(name) as src, target.create(name) as out:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        out.write(chunk)
                with target.open(name) as check:
                    if sha256_of(check) != expected:
                        moved.mismatched.append(name)
                        continue
                moved.copied += 1
            done.append((source, name))
    if not keep_source and not any(m.mismatched for m in report.values()):
        for source, name in done:
            source.delete(name)
            report[source.namespace].removed += 1
    return report


@files_cli.command("status")
def status():
    """The store in use and how many files each backend holds."""
    click.echo(f"PORTAL_FILE_STORE={configured_kind()}")
    for kind in KINDS:
        for namespace in NAMESPACES:
            click.echo(f"{kind}/{namespace}: {sum(1 for _ in make(kind, namespace).names())} file(s)")


@files_cli.command("migrate")
@click.option("--to", "target", required=True, type=click.Choice(KINDS), help="The backend that receives the files.")
@click.option("--keep-source", is_flag=True, help="Leave the source copies in place after a successful check.")
def migrate_command(target: str, keep_source: bool):
    """Move every encrypted file to the other backend and verify every checksum.

    Stop the portal first; afterwards set PORTAL_FILE_STORE to the new backend and start it again.
    """
    source = "local" if target == "database" else "database"
    report = migrate(source, target, keep_source=keep_source)
    for namespace, moved in report.items():
        click.echo(f"{namespace}: copied {moved.copied}, already there {moved.already}, "
                   f"removed from {source} {moved.removed}, checksum mismatches {len(moved.mismatched)}")
    bad = [name for moved in report.values() for name in moved.mismatched]
    if bad:
        raise click.ClickException(f"{len(bad)} file(s) differ between the stores (first: {bad[0]}); "
                                   f"nothing was removed from {source}")
    click.echo(f"all checksums match; now set PORTAL_FILE_STORE={target} and start the portal")
