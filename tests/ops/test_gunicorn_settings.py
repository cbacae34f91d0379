"""What deploy/gunicorn.conf.py's memory settings do for a running portal: a worker is replaced
after GUNICORN_MAX_REQUESTS requests without any request failing meanwhile, and a worker gives
the memory of large blocks (an Argon2id receipt derivation holds 24 MiB) back when it frees them."""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from served import GUNICORN_CONF, ROOT, flask, fresh_env, gunicorn, request


def worker_pids(master: int) -> set[int]:
    try:
        return {int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()}
    except OSError:
        return set()


def test_a_worker_is_replaced_after_max_requests_and_no_request_fails(tmp_path):
    env = fresh_env(tmp_path / "instance", GUNICORN_MAX_REQUESTS="20", GUNICORN_MAX_REQUESTS_JITTER="0")
    flask(env, "db", "upgrade")
    server = gunicorn(env, tmp_path / "gunicorn.log").start()
    try:
        master = server.process.pid
        deadline = time.monotonic() + 60
        while len(worker_pids(master)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        first = worker_pids(master)
        statuses = [request(server.port, "GET", path)[0]
                    for _ in range(40) for path in ("/", "/pengaduan/baru", "/laporan")]
        deadline = time.monotonic() + 60
        while len(worker_pids(master)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        later = worker_pids(master)
    finally:
        server.stop()
    assert statuses == [200] * 120
    assert len(first) == 2 and len(later) == 2
    assert first - later, "120 requests and no worker was replaced after its 20"
    assert re.search(r"Autorestarting worker after current request", server.output())


def test_the_shipped_setting_recycles_workers_and_zero_turns_it_off(tmp_path):
    def settings(**env) -> dict:
        code = ("import json, runpy; c = runpy.run_path(%r); "
                "print(json.dumps({k: c[k] for k in ('max_requests', 'max_requests_jitter')}))") % str(GUNICORN_CONF)
        done = subprocess.run([sys.executable, "-c", code], env=fresh_env(tmp_path, **env),
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    shipped = settings()
    assert shipped["max_requests"] >= 1000 and 0 < shipped["max_requests_jitter"] < shipped["max_requests"]
    assert settings(GUNICORN_MAX_REQUESTS="0") == {"max_requests": 0, "max_requests_jitter": 0}


ALLOCATE = """
import runpy, sys
if sys.argv[1] == "shipped":
    runpy.run_path(sys.argv[2])
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
block = bytearray(24 * 1024 * 1024)  # what one Argon2id receipt derivation holds
del block
before = rss_mb()
blocks = [bytearray(2 * 1024 * 1024) for _ in range(16)]  # report downloads, uploads
del blocks
print(rss_mb() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_freed_large_blocks_go_back_to_the_system(tmp_path):
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt  # noqa: B018
    except (OSError, AttributeError):
        pytest.skip("not glibc: the setting does nothing here")

    def kept_mb(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", ALLOCATE, mode, str(GUNICORN_CONF)], cwd=ROOT,
                              env=fresh_env(tmp_path), capture_output=True, text=True, check=True)
        return int(done.stdout.strip().splitlines()[-1])

    assert kept_mb("shipped") <= 4
    assert kept_mb("glibc-default") >= 16  # without the setting the freed 32 MB stay with the process
