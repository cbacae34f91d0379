"""gunicorn settings for Portal Integritas: the one place that says how the portal is served.

Used by `make run` and by the systemd unit (deploy/portal-integritas.service):

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

Environment: PORT (default 8000; `make run` passes 5000), GUNICORN_WORKERS (default 3),
GUNICORN_TIMEOUT (seconds, default 60). Anything else on the command line wins over this file.
"""
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
