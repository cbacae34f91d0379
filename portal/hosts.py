"""Several hosts, one portal: the secrets every host must share, from one place, and a start-up check.

Every host of one portal needs the same application key ring (attachments and personal data), the
same pepper (access codes, receipts), the same pinned WBS recovery key and the same session secret.
With ``PORTAL_SHARED_SECRETS=/etc/portal-integritas/shared`` they are read from that directory,
which the operator fills once (``flask --app wsgi hosts export-secrets --to DIR`` on the first
host) and copies to every host, instead of from each host's own instance/:

    app-keyring.json   the application key ring          (required)
    pepper             the server-side pepper            (required)
    secret_key         the session secret, unless SECRET_KEY is set in the environment
    wbs-recovery-key.json   the pinned WBS recovery public key (written by `wbs init-recovery`)

At start (gunicorn loading wsgi.py) the host compares a digest of each with the one recorded in
the database by the first host; a host whose secrets differ refuses to serve, so one host can never
encrypt what the others cannot read. After changing them on purpose (a key rotation, a new
recovery key) copy the directory to every host and run ``flask --app wsgi hosts record`` once.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from .fsutil import atomic_write

KEYRING = "app-keyring.json"
PEPPER = "pepper"
SECRET_KEY = "secret_key"
RECOVERY_PIN = "wbs-recovery-key.json"
REQUIRED = (KEYRING, PEPPER)
# Where each lives in a host's own instance/ (and in a backup's instance/).
INSTANCE_PLACES = {KEYRING: Path("keys") / "app-keyring.json", PEPPER: Path("keys") / "pepper",
                   SECRET_KEY: Path("secret_key"), RECOVERY_PIN: Path("wbs-recovery-key.json")}
_DOMAIN = b"portal-integritas/host-agreement/v1/"


class HostsDisagree(RuntimeError):
    """This host's shared secrets are not the ones the portal's database was recorded with."""


def shared_dir(app=None) -> Path | None:
    value = (app or current_app).config.get("PORTAL_SHARED_SECRETS")
    return Path(value) if value else None


def shared_file(name: str, app=None) -> Path | None:
    """The shared copy of secret `name`, or None when each host keeps its own (instance/)."""
    folder = shared_dir(app)
    return folder / name if folder else None


def init_app(app) -> None:
    """Read the shared secrets (when configured) before anything uses them."""
    folder = shared_dir(app)
    if folder is None:
        return
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise HostsDisagree(f"PORTAL_SHARED_SECRETS={folder} lacks {', '.join(missing)}: fill it once with "
                            "`flask --app wsgi hosts export-secrets --to DIR` and copy it to every host")
    from .crypto.appkey import KeyRing

    app.extensions["portal_keyring"] = KeyRing(folder / KEYRING)
    app.extensions["portal_pepper"] = (folder / PEPPER).read_bytes()
    if (folder / SECRET_KEY).is_file() and not os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = (folder / SECRET_KEY).read_text().strip()


def fingerprints(app=None) -> dict[str, str]:
    """A digest per shared secret as this host sees it (one-way: the secrets are 256-bit random)."""
    app = app or current_app._get_current_object()
    ring = app.extensions["portal_keyring"]
    values = {
        "app-keyring": b"\n".join(ring.keys),
        "pepper": app.extensions.get("portal_pepper") or b"",
        "secret-key": str(app.config.get("SECRET_KEY") or "").encode(),
    }
    pin = shared_file(RECOVERY_PIN, app)
    values["recovery-pin"] = pin.read_bytes() if pin is not None and pin.is_file() else b""
    return {name: hashlib.sha256(_DOMAIN + name.encode() + b"\0" + raw).hexdigest() for name, raw in values.items()}


def check_agreement(app) -> None:
    """Record this host's fingerprints if none are recorded yet, else refuse to serve on a difference.

    Runs only with PORTAL_SHARED_SECRETS (one host alone has nothing to disagree with) and only once
    the database has the table (before `db upgrade` there is nothing to protect)."""
    if shared_dir(app) is None:
        return
    from .extensions import db
    from .models.hosts import SecretFingerprint

    with app.app_context():
        if not inspect(db.engine).has_table(SecretFingerprint.__tablename__):
            return
        if app.extensions.get("portal_pepper") is None:
            from .crypto.hashing import pepper

            pepper()
        mine = fingerprints(app)
        recorded = dict(db.session.execute(select(SecretFingerprint.name, SecretFingerprint.fingerprint)).all())
        if not recorded:
            try:
                db.session.add_all(SecretFingerprint(name=k, fingerprint=v) for k, v in mine.items())
                db.session.commit()
                return
            except IntegrityError:  # another host recorded at the same moment: compare with theirs
                db.session.rollback()
                recorded = dict(db.session.execute(select(SecretFingerprint.name, SecretFingerprint.fingerprint)).all())
        db.session.remove()
    differ = sorted(name for name in mine if recorded.get(name) != mine[name])
    if differ:
        raise HostsDisagree(
            f"this host's {', '.join(differ)} differ from the ones recorded in the database by the other hosts: "
            f"copy the same PORTAL_SHARED_SECRETS directory to every host (or, after changing them on purpose, "
            f"run `flask --app wsgi hosts record` once). Refusing to serve.")


def record(app) -> dict[str, str]:
    from .database import write_transaction
    from .extensions import db
    from .models.hosts import SecretFingerprint

    mine = fingerprints(app)
    with write_transaction() as session:
        for name, value in mine.items():
            session.merge(SecretFingerprint(name=name, fingerprint=value))
    db.session.remove()
    return mine


def export_secrets(target: Path) -> list[str]:
    """Copy this host's secrets (its instance/, or its shared directory) into `target` for the others."""
    app = current_app._get_current_object()
    from .crypto.hashing import pepper

    pepper()  # created on first use: make sure it exists before it is copied
    written = []
    for name, place in INSTANCE_PLACES.items():
        source = shared_file(name, app) if shared_dir(app) else Path(app.instance_path) / place
        if source is None or not source.is_file():
            continue
        atomic_write(Path(target) / name, source.read_bytes(), 0o644 if name == RECOVERY_PIN else 0o600)
        written.append(name)
    return written


def backup_sources(app) -> dict[Path, Path]:
    """Shared secret files -> their place in a backup's instance/ (a restore then runs as one host)."""
    folder = shared_dir(app)
    if folder is None:
        return {}
    return {folder / name: place for name, place in INSTANCE_PLACES.items() if (folder / name).is_file()}


hosts_cli = AppGroup("hosts", help="Beberapa host untuk satu portal: rahasia bersama dan pemeriksaannya.")


@hosts_cli.command("export-secrets")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to fill; copy it to every host and set PORTAL_SHARED_SECRETS to it.")
def export_command(target: Path):
    """Write the key ring, pepper, session secret and recovery pin of this host into one directory."""
    names = export_secrets(target)
    click.echo(f"written to {target}: {', '.join(names)}")
    click.echo("Copy this directory (mode 0700, owned by the portal's user) to every host; it opens all personal data.")


@hosts_cli.command("record")
def record_command():
    """Record this host's secret fingerprints as the ones every host must have."""
    if shared_dir(current_app) is None:
        raise click.ClickException("PORTAL_SHARED_SECRETS is not set: a single host has nothing to record")
    record(current_app._get_current_object())
    click.echo("recorded; hosts with other secrets now refuse to start")


@hosts_cli.command("check")
def check_command():
    """Exit non-zero when this host's secrets differ from the recorded ones."""
    try:
        check_agreement(current_app._get_current_object())
    except HostsDisagree as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("this host agrees with the recorded secrets")
