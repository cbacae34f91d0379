"""`flask --app wsgi backup create|restore`: a consistent snapshot of the database and instance/,
restored into an empty directory, gives back every complaint, its personal data and attachments."""
from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import tarfile
import threading
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select, text

from portal import create_app, uploads
from portal.extensions import db
from portal.models import Complaint
from samples import COMPLAINT

PEOPLE = [
    {"name": "Siti Aminah", "nik": "3604015203900001", "email": "siti@example.org", "phone": "0812 3456 7890"},
    {"name": "Budi Santoso", "nik": "3604010101850002", "email": "budi@example.org", "phone": "0813 1111 2222"},
    {"name": "Dewi Lestari", "nik": "3604014512920003", "email": None, "phone": "+62 877 0000 1234"},
]


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def submit_cases(app) -> list[dict]:
    """Complaints with personal data; the last one with a photo and a PDF attached."""
    client = app.test_client()
    cases = []
    for i, person in enumerate(PEOPLE):
        body = {**COMPLAINT, **person, "subject": f"Kasus cadangan {i}"}
        body = {k: v for k, v in body.items() if v is not None}
        if i == len(PEOPLE) - 1:
            form = {k: str(v) for k, v in body.items()}
            form["files"] = [(io.BytesIO(png_bytes()), "bukti.png"), (io.BytesIO(pdf_bytes()), "surat.pdf")]
            response = client.post("/api/v1/complaints", data=form, content_type="multipart/form-data")
        else:
            response = client.post("/api/v1/complaints", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        cases.append({**response.get_json(), "person": person})
    with app.app_context():
        for case in cases:
            complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == case["ticket"]))
            case["attachments"] = [(a.original_name, a.content_type, uploads.load(a.storage_name))
                                   for a in complaint.attachments]
    assert sum(len(c["attachments"]) for c in cases) == 2
    return cases


def database_url(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


def forget_database(app) -> None:
    """The disaster: the original database is gone (PostgreSQL: its schema is dropped)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    schema = app.extensions.get("test_pg_schema")
    if schema is not None:
        with schema.engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema.name}" CASCADE'))


def restored_app(instance: Path, app):
    """A new process's app on the restored instance: no SECRET_KEY given, so it reads instance/secret_key."""
    url = "sqlite:///" + str(instance / "portal.db") if database_url(app).startswith("sqlite") else database_url(app)
    return create_app({"PORTAL_ENV": "testing", "instance_path": str(instance), "SQLALCHEMY_DATABASE_URI": url,
                       "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1})


def the_backup(output: Path) -> Path:
    made = [p for p in output.iterdir() if not p.name.startswith(".")]
    assert len(made) == 1, made
    return made[0]


def backup_and_restore(app, tmp_path, *create_args) -> tuple[Path, Path]:
    output = tmp_path / "backups"
    result = invoke(app, "backup", "create", "--output", str(output), *create_args)
    assert result.exit_code == 0, (result.output, result.exception)
    backup = the_backup(output)
    assert str(backup) in result.output
    forget_database(app)
    target = tmp_path / "restored-instance"
    args = ["backup", "restore", str(backup), "--instance", str(target)]
    if not database_url(app).startswith("sqlite"):
        args += ["--database-url", database_url(app)]
    result = invoke(app, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return backup, target


@pytest.mark.parametrize("fmt", ["tar", "dir"])
def test_restore_into_an_empty_directory_gives_back_every_complaint(app_factory, tmp_path, fmt):
    app = app_factory(SECRET_KEY=None)  # the secret key is generated into instance/ and must come back
    cases = submit_cases(app)
    secret_key = app.config["SECRET_KEY"]
    _backup, target = backup_and_restore(app, tmp_path, "--format", fmt)

    new = restored_app(target, app)
    try:
        assert new.config["SECRET_KEY"] == secret_key
        client = new.test_client()
        with new.app_context():
            assert db.session.scalar(select(func.count()).select_from(Complaint)) == len(cases)
        for case in cases:
            # The public look-up needs the pepper from instance/keys: the access code still opens it.
            response = client.get(f"/api/v1/complaints/{case['ticket']}", headers={"X-Access-Code": case["access_code"]})
            assert response.status_code == 200, case["ticket"]
            assert response.get_json()["ticket"] == case["ticket"]
            assert client.get(f"/api/v1/complaints/{case['ticket']}",
                              headers={"X-Access-Code": "AAAA-AAAA-AAAA"}).status_code == 404
            with new.app_context():
                complaint = db.session.scalar(select(Complaint).where(Complaint.ticket == case["ticket"]))
                # Personal data decrypts with the restored key ring.
                for field, value in case["person"].items():
                    assert getattr(complaint, field) == value, field
                loaded = [(a.original_name, a.content_type, uploads.load(a.storage_name)) for a in complaint.attachments]
                assert loaded == case["attachments"]
        # The restored portal keeps working: a new complaint gets the next ticket.
        response = client.post("/api/v1/complaints", json=COMPLAINT)
        assert response.status_code == 201
        assert response.get_json()["ticket"] not in {c["ticket"] for c in cases}
    finally:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


def test_backup_holds_instance_files_with_checksums_but_not_the_live_database_or_caches(app_factory, tmp_path):
    app = app_factory(SECRET_KEY=None)
    submit_cases(app)
    instance = Path(app.instance_path)
    (instance / "wbs").mkdir()
    (instance / "wbs" / "blob.bin").write_bytes(secrets.token_bytes(64))  # another channel's store
    output = tmp_path / "backups"
    result = invoke(app, "backup", "create", "--output", str(output), "--format", "dir")
    assert result.exit_code == 0, result.output
    backup = the_backup(output)
    assert re.fullmatch(r"portal-backup-\d{8}T\d{6}Z", backup.name)
    manifest = json.loads((backup / "manifest.json").read_text())
    files = set(manifest["files"])
    on_disk = {p.relative_to(backup).as_posix() for p in backup.rglob("*") if p.is_file()} - {"manifest.json"}
    assert files == on_disk
    for rel, meta in manifest["files"].items():
        assert hashlib.sha256((backup / rel).read_bytes()).hexdigest() == meta["sha256"]
    assert {"instance/keys/app-keyring.json", "instance/keys/pepper", "instance/secret_key",
            "instance/wbs/blob.bin"} <= files
    assert sum(1 for f in files if f.startswith("instance/uploads/")) == 2
    assert not [f for f in files if f.startswith("instance/translations/")]
    if database_url(app).startswith("sqlite"):
        assert manifest["database"]["kind"] == "sqlite"
        assert "database/portal.db" in files
        # The live file and its WAL are not copied raw next to the snapshot.
        assert not [f for f in files if f.startswith("instance/portal.db")]
    else:
        assert manifest["database"]["kind"] == "postgresql"
        assert (backup / "database" / "portal.pgdump").read_bytes().startswith(b"PGDMP")
    assert manifest["database"]["counts"]["complaints"] == len(PEOPLE)
    # Nothing secret in the manifest itself (no database password, no key).
    assert (instance / "keys" / "pepper").read_bytes().hex() not in (backup / "manifest.json").read_text()


def test_restore_refuses_a_directory_that_is_not_empty(app_factory, tmp_path):
    app = app_factory()
    submit_cases(app)
    output = tmp_path / "backups"
    assert invoke(app, "backup", "create", "--output", str(output)).exit_code == 0
    target = tmp_path / "busy"
    target.mkdir()
    (target / "portal.db").write_bytes(b"the live database of a running portal")
    result = invoke(app, "backup", "restore", str(the_backup(output)), "--instance", str(target))
    assert result.exit_code != 0
    assert "not an empty directory" in result.output
    assert [p.name for p in target.iterdir()] == ["portal.db"]
    assert (target / "portal.db").read_bytes() == b"the live database of a running portal"


def test_restore_refuses_an_altered_backup_and_writes_nothing(app_factory, tmp_path):
    app = app_factory()
    submit_cases(app)
    output = tmp_path / "backups"
    assert invoke(app, "backup", "create", "--output", str(output), "--format", "dir").exit_code == 0
    backup = the_backup(output)
    pepper = backup / "instance" / "keys" / "pepper"
    pepper.write_bytes(bytes([pepper.read_bytes()[0] ^ 1]) + pepper.read_bytes()[1:])
    target = tmp_path / "restored"
    result = invoke(app, "backup", "restore", str(backup), "--instance", str(target))
    assert result.exit_code != 0
    assert "checksum mismatch for instance/keys/pepper" in result.output
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restore-")]


def test_restore_refuses_an_archive_with_a_path_outside_the_backup(app_factory, tmp_path):
    app = app_factory()
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        manifest = json.dumps({"format": "portal-integritas-backup", "version": 1, "database": {"kind": "sqlite"},
                               "files": {"../escape": {"sha256": "0" * 64}}}).encode()
        for name, data in (("b/manifest.json", manifest), ("b/../escape", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = invoke(app, "backup", "restore", str(evil), "--instance", str(tmp_path / "r"))
    assert result.exit_code != 0
    assert not (tmp_path / "escape").exists() and not (tmp_path / "r").exists()


def test_backup_taken_while_complaints_arrive_is_consistent(app_factory, tmp_path):
    """Online backup: the snapshot is one point in time; every attachment it references is in it."""
    app = app_factory()
    stop = threading.Event()
    sent = []

    def keep_submitting():
        client = app.test_client()
        while not stop.is_set():
            form = {k: str(v) for k, v in COMPLAINT.items()}
            form["files"] = [(io.BytesIO(png_bytes()), "bukti.png")]
            sent.append(client.post("/api/v1/complaints", data=form, content_type="multipart/form-data").status_code)

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        while len(sent) < 3:
            threading.Event().wait(0.01)
        output = tmp_path / "backups"
        result = invoke(app, "backup", "create", "--output", str(output))
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        writer.join()
    assert set(sent) == {201}
    _backup = the_backup(output)
    forget_database(app)
    target = tmp_path / "restored"
    args = ["backup", "restore", str(_backup), "--instance", str(target)]
    if not database_url(app).startswith("sqlite"):
        args += ["--database-url", database_url(app)]
    result = invoke(app, *args)
    assert result.exit_code == 0, result.output
    new = restored_app(target, app)
    try:
        with new.app_context():
            complaints = db.session.scalars(select(Complaint)).all()
            assert len(complaints) >= 3
            for complaint in complaints:
                assert complaint.name == COMPLAINT["name"]
                assert len(complaint.attachments) == 1
                assert uploads.load(complaint.attachments[0].storage_name) == png_bytes_cleaned(new)
    finally:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


def png_bytes_cleaned(app) -> bytes:
    """What the portal stores for png_bytes(): the re-encoded, metadata-free copy."""
    with app.app_context():
        return uploads.inspect_upload("bukti.png", io.BytesIO(png_bytes()), 1 << 20).data


# --- the WBS channel ----------------------------------------------------------------------------

WBS_PARTS = {"portal.whistle.keys": ("appoint", "handler_row", "handler_data_key"),
             "portal.whistle.services": ("view", "attachment"),
             "portal.crypto.envelope": ("unwrap_private_key",)}


def wbs_functions():
    """The WBS services' own functions this check reads the tip with."""
    import importlib

    found = {}
    for module_name, names in WBS_PARTS.items():
        module = importlib.import_module(module_name)
        for name in names:
            found[name] = getattr(module, name)
    return found


def test_wbs_tip_is_still_decryptable_by_its_handler_after_restore(app_factory, tmp_path):
    wbs = wbs_functions()
    from portal.models.wbs import WbsTip
    from portal.templating import local_today
    from staff import Accounts
    from wbs_helpers import HANDLER_PASSWORD, Team

    app = app_factory()
    accounts = Accounts(app)
    email = "wbs@serangkab.go.id"
    handler_id = accounts.create(email, {"wbs"})
    with app.test_request_context():
        from portal.whistle import keys

        team = Team(app, accounts, keys.create_recovery_key())
        wbs["appoint"]("800/12/SK-WBS/2026", local_today().isoformat(), [handler_id])
    app.config["RATELIMIT_LOGIN"] = "10000 per minute"
    team.choose_password(email)  # the handler's own password: the key pair is born
    team.endorse(email)  # the head of office vouches for it (the pinned recovery key is in instance/)
    with app.app_context():
        assert wbs["handler_row"](handler_id).public_key is not None
    what = "Oknum petugas loket KTP-el meminta uang Rp50.000 agar berkas didahulukan, setiap pagi."
    form = {"what": what, "who": "petugas loket 3", "category": "suap-pungli",
            "files": [(io.BytesIO(png_bytes()), "bukti.png")]}
    response = app.test_client().post("/api/v1/wbs/tips", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    receipt = response.get_json()["receipt"]

    _backup, target = backup_and_restore(app, tmp_path)
    new = restored_app(target, app)
    try:
        # The whistleblower's receipt still opens the mailbox (pepper restored from instance/keys).
        mailbox = new.test_client().get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt})
        assert mailbox.status_code == 200, mailbox.get_data(as_text=True)
        with new.app_context():
            tip = db.session.scalar(select(WbsTip))
            row = wbs["handler_row"](handler_id)
            private = wbs["unwrap_private_key"](bytes(row.wrapped_private_key), HANDLER_PASSWORD)
            data_key = wbs["handler_data_key"](tip.id, handler_id, private)
            case = wbs["view"](tip, data_key)
            assert case.intact
            assert case.fields["what"].value == what
            assert case.fields["who"].value == "petugas loket 3"
            # The attachment comes back from the restored encrypted store (instance/).
            data, content_type, _name = wbs["attachment"](tip, data_key, case.files[0].id)
            assert content_type == "image/png"
            assert data == png_bytes_cleaned(new)
    finally:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


def test_default_output_is_inside_the_instance_and_left_out_of_later_backups(app_factory):
    app = app_factory()
    submit_cases(app)
    for _ in range(2):
        result = invoke(app, "backup", "create", "--format", "dir")
        assert result.exit_code == 0, result.output
    made = sorted((Path(app.instance_path) / "backups").iterdir())
    assert len(made) == 2
    second = json.loads((made[1] / "manifest.json").read_text())
    assert not [f for f in second["files"] if f.startswith("instance/backups/")]
