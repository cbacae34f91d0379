"""Crash safety: what was acknowledged survives SIGKILL.

The fast test kills a process right after it committed complaints through the service layer;
the long one (PORTAL_LONG_TESTS=1) runs bench/crash_safety.py: gunicorn -w 2 under load,
SIGKILLed mid-load, restarted, every 201 checked."""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select

from support import PG_URL, long_tests_enabled
from portal import PROJECT_ROOT
from portal.complaints import services
from portal.extensions import db
from portal.models import Complaint

CHILD = r"""
import json, sys
from portal import create_app
from portal.complaints import services
from portal.complaints.validation import validate_complaint
from portal.templating import local_today

config = json.loads(sys.argv[1])
app = create_app(config)
sample = json.loads(sys.argv[2])
with app.test_request_context():
    i = 0
    while True:
        marker = f"KILL-{i:05d}"
        data = dict(sample, description=f"{marker}: " + sample["description"], name=f"Warga {marker}")
        clean, errors = validate_complaint(data, today=local_today())
        assert not errors, errors
        receipt = services.submit(clean, [])
        # Only now, after the commit returned, is the submission acknowledged to the "client".
        print(json.dumps({"ticket": receipt.ticket, "access_code": receipt.access_code, "marker": marker}), flush=True)
        i += 1
"""


def test_complaints_committed_just_before_a_sigkill_are_all_readable(app):
    from samples import COMPLAINT

    sample = {k: v for k, v in COMPLAINT.items() if k != "email"}  # no mail: nothing but the commit
    config = {"PORTAL_ENV": "testing", "instance_path": app.instance_path, "SECRET_KEY": app.config["SECRET_KEY"],
              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_PORT": 1}
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(config), json.dumps(sample)],
                             cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged = []
    try:
        for line in child.stdout:
            acknowledged.append(json.loads(line))
            if len(acknowledged) == 25:
                break
    finally:
        # Mid-way through the next submission (it loops without pause): no chance to clean up.
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
        stderr = child.stderr.read()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert len(acknowledged) == 25, stderr[-2000:]

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    client = app.test_client()
    with app.app_context():
        for item in acknowledged:
            complaint = services.lookup(item["ticket"], item["access_code"])
            assert complaint is not None, item
            assert complaint.description.startswith(item["marker"] + ": ")
            assert complaint.name == f"Warga {item['marker']}"  # personal data decrypts
        db.session.remove()
        stored = db.session.scalars(select(Complaint.ticket)).all()
    assert {i["ticket"] for i in acknowledged} <= set(stored)
    # At most the one submission in flight may have landed beyond what was acknowledged.
    assert len(stored) - len(acknowledged) in (0, 1)
    for item in acknowledged[::5]:
        response = client.get(f"/api/v1/complaints/{item['ticket']}", headers={"X-Access-Code": item["access_code"]})
        assert response.status_code == 200


BENCH_BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.mark.slow
@pytest.mark.skipif(not long_tests_enabled(),
                    reason="long run (gunicorn under load, SIGKILL, restart): set PORTAL_LONG_TESTS=1")
@pytest.mark.parametrize("bench_backend", BENCH_BACKENDS)
def test_gunicorn_sigkilled_mid_load_loses_no_acknowledged_complaint(bench_backend):
    args = [sys.executable, str(PROJECT_ROOT / "bench" / "crash_safety.py"), "--seconds", "5", "--kills", "1"]
    if bench_backend == "postgresql":
        args += ["--database-url", PG_URL]
    if os.environ.get("PORTAL_BENCH_INIT"):  # "create-all" while the migrations lag the models
        args += ["--init", os.environ["PORTAL_BENCH_INIT"]]
    done = subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    counts = re.search(r"acknowledged=(\d+) present=(\d+) missing=(\d+) corrupted=(\d+) server_errors=(\d+)", output)
    assert counts, output[-3000:]
    acknowledged, present, missing, corrupted, errors = map(int, counts.groups())
    assert acknowledged > 0 and present == acknowledged, output[-3000:]
    assert missing == corrupted == errors == 0, output[-3000:]
    assert done.returncode == 0, output[-3000:]
