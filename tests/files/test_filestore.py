"""The one file store, on both backends: same interface, ciphertext only, streamed in chunks; WBS
files through it with their own per-tip keys; moving files between backends checks every checksum."""
from __future__ import annotations

import hashlib
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from portal import filestore, uploads
from portal.extensions import db
from portal.filestore import database as dbstore
from portal.filestore.cli import migrate
from portal.models import Complaint, StoredFile, StoredFileChunk
from portal.models.wbs import WbsAttachment, WbsTip
from portal.templating import local_today
from samples import COMPLAINT
from support import dispose_app, make_app
from wbs_helpers import HANDLER_A, form_post, pdf_with_text, submit_api, tip_id_for
from wbs_helpers import team  # noqa: F401  (fixture)


@pytest.fixture
def app(tmp_path, backend):
    """Every test here runs on the database store unless it builds its own app."""
    made = make_app(tmp_path, backend, PORTAL_FILE_STORE="database")
    yield made
    dispose_app(made)


def _chunks(app, name):
    return db.session.scalar(select(func.count()).select_from(StoredFileChunk).where(StoredFileChunk.name == name))


@pytest.mark.parametrize("kind", filestore.KINDS)
def test_both_backends_offer_the_same_interface(app, kind):
    data = os.urandom(3 * dbstore.CHUNK_BYTES + 5)
    with app.app_context():
        store = filestore.make(kind, "uploads")
        stored = filestore.put(store, data)
        assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
        assert store.exists(stored.name) and list(store.names()) == [stored.name]
        assert store.checksum(stored.name) == stored.sha256
        with store.open(stored.name) as handle:  # read in small pieces across chunk borders
            parts = list(iter(lambda: handle.read(100_000), b""))
        assert b"".join(parts) == data and max(map(len, parts)) == 100_000
        if kind == "database":
            assert _chunks(app, stored.name) == 4
            assert not (Path(app.instance_path) / "uploads").exists()
        else:
            assert (Path(app.instance_path) / "uploads" / stored.name[:2] / stored.name).read_bytes() == data
        store.delete(stored.name)
        store.delete(stored.name)  # twice is fine
        assert not store.exists(stored.name) and list(store.names()) == []
        with pytest.raises(FileNotFoundError):
            filestore.read_all(store, stored.name)
        with pytest.raises(ValueError):
            store.exists("../" + "0" * 29)


def test_a_database_write_joined_to_a_transaction_goes_with_its_rollback(app):
    with app.app_context():
        store = filestore.make("database", "wbs")
        session = db.session()
        with session.begin():
            kept = filestore.put(store, b"kept", session=session).name
        try:
            with session.begin():
                gone = filestore.put(store, b"rolled back", session=session).name
                raise RuntimeError("the tip's transaction failed")
        except RuntimeError:
            pass
        assert store.exists(kept) and not store.exists(gone)
        assert _chunks(app, gone) == 0


def _complaint_with_file(app) -> tuple[str, bytes]:
    from test_backup import png_bytes

    form = {k: str(v) for k, v in COMPLAINT.items()}
    form["files"] = [(io.BytesIO(png_bytes()), "bukti.png")]
    response = app.test_client().post("/api/v1/complaints", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(Complaint).where(Complaint.ticket == response.get_json()["ticket"]))
        item = row.attachments[0]
        return item.storage_name, uploads.load(item.storage_name)


def test_attachments_go_to_the_database_encrypted(app):
    name, plain = _complaint_with_file(app)
    with app.app_context():
        token = filestore.read_all(filestore.get("uploads"), name)
        assert plain not in token and plain[:64] not in token  # the application key ring's ciphertext
        assert db.session.get(StoredFile, ("uploads", name)).sha256 == hashlib.sha256(token).hexdigest()
    assert not (Path(app.instance_path) / "uploads").exists()


def test_wbs_files_in_the_database_are_sealed_per_tip_and_purged_with_it(app, team, backend):
    app.config["WBS_RETENTION_DAYS"] = 365
    citizen = app.test_client()
    receipt = submit_api(citizen)
    secret = "BUKTI-RAHASIA-PELAPOR"
    response = form_post(citizen, "/wbs/kotak", "/wbs/kotak/bukti", {
        "receipt": receipt, "files": [(io.BytesIO(pdf_with_text(secret)), "bukti.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code in (200, 303)
    tip_id = tip_id_for(app, receipt)
    with app.app_context():
        name = db.session.scalar(select(WbsAttachment.storage_name).where(WbsAttachment.tip_id == tip_id))
        blob = filestore.read_all(filestore.get("wbs"), name)
        assert secret.encode() not in blob and len(blob) > 100
    assert not (Path(app.instance_path) / "wbs").exists()
    handler = team.login(HANDLER_A)
    page = handler.get(f"/kantor/wbs/{tip_id}")
    assert page.status_code == 200
    attachment_id = page.get_data(as_text=True).split(f"/kantor/wbs/{tip_id}/lampiran/")[1].split('"')[0]
    download = handler.get(f"/kantor/wbs/{tip_id}/lampiran/{attachment_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")

    response = form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/status",
                         {"status": "closed", "reason": "Tidak memenuhi 4W1H"})
    assert response.status_code == 303
    with app.app_context():
        db.session.execute(update(WbsTip).where(WbsTip.id == tip_id).values(closed_on=local_today() - timedelta(days=366)))
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["wbs", "purge"]).exit_code == 0
    with app.app_context():
        assert not filestore.get("wbs").exists(name)
        assert db.session.scalar(select(func.count()).select_from(StoredFileChunk)) == 0
    if backend == "sqlite":  # secure_delete + TRUNCATE checkpoint: the ciphertext left the disk too
        files = [p for p in Path(app.instance_path).rglob("*") if p.is_file()]
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        files += [p for p in database.parent.glob(database.name + "*")]
        assert [p for p in files if blob[200:264] in p.read_bytes()] == []


def test_migrate_moves_every_file_both_ways_and_checks_them(tmp_path, backend):
    local = make_app(tmp_path, backend)  # an existing install: files under instance/
    try:
        name, plain = _complaint_with_file(local)
        with local.app_context():
            wbs_name = filestore.put(filestore.get("wbs"), os.urandom(1000)).name
            result = local.test_cli_runner().invoke(args=["files", "migrate", "--to", "database"])
            assert result.exit_code == 0, result.output
            assert "uploads: copied 1" in result.output and "wbs: copied 1" in result.output
            assert list(filestore.make("local", "uploads").names()) == []
            local.config["PORTAL_FILE_STORE"] = "database"
            assert uploads.load(name) == plain and filestore.get("wbs").exists(wbs_name)
            # A target copy that differs is reported and nothing is removed from the source.
            token = filestore.read_all(filestore.get("uploads"), name)
            filestore.put(filestore.make("local", "uploads"), token[:-1] + b"x", name=name)
            report = migrate("database", "local")
            assert report["uploads"].mismatched == [name] and report["uploads"].removed == 0
            assert filestore.make("database", "uploads").exists(name)
            filestore.make("local", "uploads").delete(name)
            report = migrate("database", "local")
            # The WBS file was copied by the run that stopped: now it is found there and checked.
            assert (report["uploads"].copied, report["wbs"].already, report["uploads"].mismatched) == (1, 1, [])
            local.config["PORTAL_FILE_STORE"] = "local"
            assert uploads.load(name) == plain
            assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    finally:
        dispose_app(local)


def test_a_backup_of_the_database_store_restores_the_files(app, tmp_path):
    from test_backup import database_url, forget_database, restored_app

    name, plain = _complaint_with_file(app)
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(tmp_path / "out"), "--format", "dir"])
    assert result.exit_code == 0, result.output
    backup = next(p for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert not list(backup.glob("instance/uploads/*"))  # the files are in the database snapshot
    url = database_url(app)
    forget_database(app)
    args = ["backup", "restore", str(backup), "--instance", str(tmp_path / "restored")]
    if not url.startswith("sqlite"):
        args += ["--database-url", url]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    again = restored_app(tmp_path / "restored", app)
    again.config["PORTAL_FILE_STORE"] = "database"
    with again.app_context():
        assert uploads.load(name) == plain


def test_the_store_is_chosen_in_the_environment_and_a_typo_refuses_to_start(tmp_path, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PORTAL_FILE_STORE", "Database")
    app = create_app({"PORTAL_ENV": "testing", "instance_path": str(tmp_path / "i"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert filestore.get("uploads").kind == "database" and filestore.get("wbs").kind == "database"
    monkeypatch.setenv("PORTAL_FILE_STORE", "nfs")
    with pytest.raises(RuntimeError, match="PORTAL_FILE_STORE"):
        create_app({"PORTAL_ENV": "testing", "instance_path": str(tmp_path / "j"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
