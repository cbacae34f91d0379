"""The shipped deploy/ files fit the code: every cron line runs (through deploy/portal-flask, on a
fresh instance), and `make run` and the systemd unit start gunicorn the same way."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from served import ROOT, cron_commands, flask, fresh_env, localise

DEPLOY = ROOT / "deploy"


def test_every_cron_line_runs_on_a_fresh_instance(tmp_path):
    env = fresh_env(tmp_path / "instance", PORTAL_HOME=str(ROOT), PORTAL_ENV_FILE=str(tmp_path / "absent.env"))
    flask(env, "db", "upgrade")
    commands = cron_commands()
    assert {"mail send-pending", "wbs notify", "cases digest", "wbs purge", "audit verify"} <= {
        " ".join(c.split()[1:3]) for c in commands}
    assert any(" backup create " in c for c in commands)
    for command in commands:
        done = subprocess.run(["sh", "-c", localise(command, tmp_path)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert list((tmp_path / "var" / "backups" / "portal").glob("portal-backup-*.tar.gz"))


def test_make_run_and_the_systemd_unit_share_the_gunicorn_settings():
    unit = (DEPLOY / "portal-integritas.service").read_text()
    makefile = (ROOT / "Makefile").read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", unit, flags=re.M).group(1)
    run_recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    assert exec_start.endswith("gunicorn -c deploy/gunicorn.conf.py wsgi:app")
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in run_recipe
    assert re.search(r"^EnvironmentFile=", unit, flags=re.M) and re.search(r"^TimeoutStopSec=", unit, flags=re.M)


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze not installed (Debian package 'systemd')")
    unit = tmp_path / "portal-integritas.service"
    unit.write_text((DEPLOY / "portal-integritas.service").read_text().replace("/opt/portal-integritas", str(ROOT)))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), (done.stdout, done.stderr)
