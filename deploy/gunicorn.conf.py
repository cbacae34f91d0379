"""gunicorn settings for Portal Integritas: the one place that says how the portal is served.

Used by `make run` and by the systemd unit (deploy/portal-integritas.service):

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

Environment: PORT (default 8000; `make run` passes 5000), GUNICORN_WORKERS (default 3),
GUNICORN_TIMEOUT (seconds, default 60), GUNICORN_MAX_REQUESTS (default 5000; 0 never recycles a
worker) and GUNICORN_MAX_REQUESTS_JITTER (default 500), MALLOC_MMAP_THRESHOLD_ (glibc's own; when
set, this file leaves the allocator alone). Anything else on the command line wins over this file.

Measured with bench/memory.py (2 workers, 10,000 mixed requests, SQLite, recycling off, one
loaded 2-core machine; worker RSS / PSS / USS after, in MB):
- sync workers, not gthread: sync 121 / 96 / 94, gthread (4 threads) 128 / 104 / 101, and under
  the same load gthread answered 7 requests 500 "database is locked" where sync answered 1. The
  portal is CPU-bound (templates, Argon2id receipts, report files); a sync worker owns one core.
- no preload (yet): --preload measured 117 / 79 / 67 (start 76 / 32 / 13): ~18 MB less PSS per
  worker, and a replaced worker would cost no imports. Not switched on here because the master
  then opens the database (hosts.check_agreement) before forking, which needs the engine disposed
  first, and `systemctl reload` (HUP) would no longer load new code (a restart would be needed).
- allocator: large blocks (an Argon2id receipt derivation holds 24 MiB; report downloads, uploads)
  go to their own mappings and back to the system when freed; otherwise glibc raised its
  threshold after the first derivation and kept ~25 MB of freed heap in every worker.
- recycling: a worker reaches its working size within ~1,000 requests and then stays flat; a
  worker is replaced after 5,000 ± 500 requests to bound slow growth (a new worker costs
  ~1 s CPU of imports: 0.2 ms per request).
"""
import ctypes
import ctypes.util
import logging
import os
import re

from gunicorn import glogging

# Loopback only: the public side is nginx (deploy/nginx/portal-integritas.conf), or the
# operator's own browser for `make run`.
bind = [f"127.0.0.1:{int(os.environ.get('PORT') or 8000)}"]
workers = int(os.environ.get("GUNICORN_WORKERS") or 3)
# A worker stuck longer than this (a hung database, a huge PDF) is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 20
# A worker is replaced (after its current request; the others go on serving) once it has served
# this many requests, ± a random jitter so the workers are not all replaced at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 5000)
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER") or 500) if max_requests else 0
worker_class = "sync"
preload_app = False
# The workers' heartbeat files, in memory: a busy disk must not make gunicorn think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs go to stdout/stderr (the journal under systemd, the console under `make run`).
# The access log names the time, the request line, the status, the size and the duration; never
# the client address (%(h)s, %({x-forwarded-for}i)s), the user agent (%(a)s) or the referrer
# (%(f)s). SECURITY.md promise 4.
accesslog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(L)ss'
errorlog = "-"
loglevel = "info"


class _NoClientAddress(logging.Filter):
    """gunicorn names the sender of a request it cannot parse ("Invalid request from ip=…",
    a warning): such lines keep the reason and lose the address."""

    _named = re.compile(r"\bip=.*?(?=: |$)")
    _ipv4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._named.sub("ip=-", message)
        if record.levelno >= logging.WARNING:
            cleaned = self._ipv4.sub("-", cleaned)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class PrivateLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_NoClientAddress())


logger_class = PrivateLogger

# Whether a request came over HTTPS is decided in one place, the app's ProxyFix
# (PROXY_FIX_X_FOR, see docs/security.md), not also by gunicorn's own header trust.
forwarded_allow_ips = ""
secure_scheme_headers = {}

# gunicorn ≥ 25 opens a control socket in $HOME by default; one portal needs none, and two
# portals on one account would fight over it.
control_socket_disable = True


MMAP_THRESHOLD = 1024 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


def return_freed_memory(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold (in the master, so every forked worker inherits it): a block of
    this size or more is mapped on its own and unmapped when freed. glibc otherwise raises the
    threshold to the largest block freed so far (24 MiB after one receipt derivation) and its trim
    threshold to twice that, so a worker kept tens of MB of freed heap. No-op off glibc."""
    if os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))


return_freed_memory()
