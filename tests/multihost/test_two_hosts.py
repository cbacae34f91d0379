"""Two portal hosts, proven: two gunicorn processes with separate instance folders over one PostgreSQL
database and one Redis (README "Several hosts"). An attachment uploaded through one is downloaded
through the other; a WBS tip with a file sent through one is read and answered by a handler signed
in on the other; a backup taken from one restores everything; a host with another key ring refuses
to start."""
from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from support import PG_URL, REDIS_URL

sys.path.insert(0, str(Path(__file__).parent))  # cluster.py, shared with bench/two_hosts.py

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL),
                                reason="two hosts need one PostgreSQL and one Redis: set TEST_DATABASE_URL and "
                                       "TEST_REDIS_URL")


def _admin_app(cluster, root: Path):
    """The office's own shell on one more machine (same database and secrets): accounts, the WBS team."""
    from portal import create_app

    return create_app({"PORTAL_ENV": "testing", "instance_path": str(root / "office" / "instance"),
                       "SQLALCHEMY_DATABASE_URI": cluster.schema.url, "SECRET_KEY": cluster.secret_key,
                       "PORTAL_SHARED_SECRETS": str(cluster.shared), "PORTAL_FILE_STORE": "database",
                       "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1})


def test_two_hosts_serve_one_portal(tmp_path):
    from cluster import Cluster, HttpClient, flask_cli, start_should_fail
    from samples import COMPLAINT
    from support import dispose_app
    from test_backup import png_bytes
    from wbs_helpers import HANDLER_A, TIP, build_team, form_post, pdf_with_text

    cluster = Cluster(tmp_path)
    office = None
    try:
        cluster.prepare()
        office = _admin_app(cluster, tmp_path)
        team = build_team(office)
        cluster.start()
        a, b = HttpClient(cluster.url(0)), HttpClient(cluster.url(1))

        # 1. A complaint attachment uploaded through host A is downloaded through host B.
        photo = png_bytes()
        form = {k: str(v) for k, v in COMPLAINT.items()}
        form["files"] = [(io.BytesIO(photo), "bukti.png")]
        sent = a.post("/api/v1/complaints", data=form)
        assert sent.status_code == 201, sent.get_data(as_text=True)[:500]
        ticket, code = sent.get_json()["ticket"], sent.get_json()["access_code"]
        page = form_post(b, "/pengaduan/status", "/pengaduan/status", {"ticket": ticket, "access_code": code})
        assert page.status_code == 200, page.get_data(as_text=True)[:300]
        attachment_id = re.search(r'name="attachment" value="(\d+)"', page.get_data(as_text=True)).group(1)
        download = form_post(b, "/pengaduan/status", "/pengaduan/status/lampiran",
                             {"ticket": ticket, "access_code": code, "attachment": str(attachment_id)})
        assert download.status_code == 200 and download.data.startswith(b"\x89PNG")
        assert not list((tmp_path / "host0" / "instance").glob("uploads/*"))  # nothing on A's own disk

        # 2. A WBS tip with a file, sent through A, read and answered by a handler signed in on B.
        citizen = HttpClient(cluster.url(0))
        tip = citizen.post("/api/v1/wbs/tips", json=TIP)
        assert tip.status_code == 201, tip.get_data(as_text=True)[:500]
        receipt = tip.get_json()["receipt"]
        added = form_post(citizen, "/wbs/kotak", "/wbs/kotak/bukti", {
            "receipt": receipt, "files": [(io.BytesIO(pdf_with_text("BUKTI-DUA-HOST")), "bukti.pdf")]})
        assert added.status_code in (200, 303), added.get_data(as_text=True)[:500]
        handler = team.login(HANDLER_A, client=b)
        queue = handler.get("/kantor/wbs").get_data(as_text=True)
        tip_id = int(re.search(r"/kantor/wbs/(\d+)", queue).group(1))
        case = handler.get(f"/kantor/wbs/{tip_id}")
        assert case.status_code == 200 and TIP["what"][:40] in case.get_data(as_text=True)
        link = re.search(rf"/kantor/wbs/{tip_id}/lampiran/(\d+)", case.get_data(as_text=True)).group(0)
        evidence = handler.get(link)
        assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF")
        answer = form_post(handler, f"/kantor/wbs/{tip_id}", f"/kantor/wbs/{tip_id}/pesan",
                           {"body": "Terima kasih, laporan Anda kami tindak lanjuti."})
        assert answer.status_code in (302, 303)
        mailbox = citizen.get("/api/v1/wbs/tips/me", headers={"X-Receipt": receipt}).get_json()
        assert [m["body"] for m in mailbox["messages"] if m["from"] == "handler"] == [
            "Terima kasih, laporan Anda kami tindak lanjuti."]
        assert len(mailbox["attachments"]) == 1 and mailbox["attachments"][0]["intact"]

        # 3. A host with another key ring refuses to start (its own shared directory).
        stranger_keys = tmp_path / "stranger"
        flask_cli({**cluster.env(2), "PORTAL_SHARED_SECRETS": "",
                   "PORTAL_INSTANCE_PATH": str(tmp_path / "lone" / "instance")},
                  "hosts", "export-secrets", "--to", str(stranger_keys))
        for name in ("pepper", "wbs-recovery-key.json"):
            shutil.copy(cluster.shared / name, stranger_keys / name)  # only the key ring differs
        code_, output = start_should_fail(cluster.env(2, shared=stranger_keys), tmp_path / "stranger.log")
        assert code_ not in (None, 0) and "HostsDisagree" in output and "app-keyring" in output

        # 4. A backup taken from host B restores everything (database with its files, and the keys).
        cluster.stop()
        out = tmp_path / "backups"
        flask_cli(cluster.envs[1], "backup", "create", "--output", str(out), "--format", "tar")
        backup = next(out.glob("portal-backup-*.tar.gz"))
        dispose_app(office)
        office = None
        from sqlalchemy import text

        with cluster.schema.engine.connect() as conn:  # the disaster: the database is gone
            conn.execute(text(f'DROP SCHEMA "{cluster.schema.name}" CASCADE'))
        restored = tmp_path / "restored" / "instance"
        flask_cli({**cluster.envs[1], "PORTAL_SHARED_SECRETS": ""}, "backup", "restore", str(backup),
                  "--instance", str(restored), "--database-url", cluster.schema.url)
        from portal import create_app, uploads
        from portal.extensions import db
        from portal.models import Complaint
        from portal.whistle import services
        from sqlalchemy import select

        alone = create_app({"PORTAL_ENV": "testing", "instance_path": str(restored), "PORTAL_FILE_STORE": "database",
                            "SQLALCHEMY_DATABASE_URI": cluster.schema.url, "SECRET_KEY": cluster.secret_key})
        try:
            with alone.test_request_context():
                row = db.session.scalar(select(Complaint).where(Complaint.ticket == ticket))
                assert uploads.load(row.attachments[0].storage_name).startswith(b"\x89PNG")
                opened = services.lookup(receipt)  # the shared pepper came back with the backup
                assert opened is not None
                data, kind, _name = services.attachment(opened.tip, opened.data_key, opened.tip.attachments[0].id)
                assert data.startswith(b"%PDF") and kind == "application/pdf"
        finally:
            dispose_app(alone)
    finally:
        if office is not None:
            dispose_app(office)
        cluster.close()
