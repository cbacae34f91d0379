"""The portal as it is really served, for tests: a fresh instance made by `flask db upgrade`,
gunicorn started with the shipped deploy/gunicorn.conf.py (or `make run`), nginx started with the
shipped deploy/nginx site file, and plain requests that can come from another loopback address."""
from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import secrets
import signal
import ssl
import subprocess
import time
from pathlib import Path

from support import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
NGINX = "/usr/sbin/nginx"
NGINX_SITE = ROOT / "deploy" / "nginx" / "portal-integritas.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# Clients in these tests connect from this loopback address, the servers listen on 127.0.0.1:
# any log line holding it names the client, not the server's own listening address.
CLIENT_ADDRESS = "127.0.0.2"
USER_AGENT = "PortalTestBrowser/" + secrets.token_hex(4)

# Variables of the developer's shell that would point the portal somewhere else.
_FOREIGN = ("DATABASE_URL", "PORTAL_BASE_URL", "PORTAL_ENV", "SECRET_KEY", "PORT", "PROXY_FIX_X_FOR",
            "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "PORTAL_INSTANCE_PATH", "GUNICORN_WORKERS",
            "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_CMD_ARGS", "MAKEFLAGS", "MFLAGS")


def fresh_env(instance: Path, **extra: str) -> dict:
    """The environment of a new install: only the instance folder (and what the test adds) is set."""
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
    # Mail goes nowhere fast (nothing listens on port 1); it stays queued, as designed.
    env.update({"PORTAL_INSTANCE_PATH": str(instance), "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "1"})
    env.update(extra)
    return env


def production_env(instance: Path, **extra: str) -> dict:
    return fresh_env(instance, PORTAL_ENV="production", SECRET_KEY=secrets.token_hex(32), **extra)


def flask(env: dict, *args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`.venv/bin/flask --app wsgi ARGS` as an operator types it; fails the test when it fails."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"flask {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 (the browser is told to accept it)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal-test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    return cert_file, key_file


class Server:
    """A server command in its own process group (so stopping it reaches every worker), with all
    it writes (stdout and stderr) captured in one log file."""

    def __init__(self, argv: list[str], env: dict, log: Path, port: int, tls: bool = False):
        self.argv, self.env, self.log, self.port, self.tls = argv, env, log, port, tls
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> "Server":
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.argv[0]} exited early:\n{self.output()[-4000:]}")
            try:
                if request(self.port, "GET", "/healthz", tls=self.tls)[0] == 200:
                    return self
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.argv[0]} did not answer /healthz:\n{self.output()[-4000:]}")

    def pids(self) -> list[int]:
        """Every live process in the server's group (master and workers)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.process.pid and fields[0] != "Z":
                    found.append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return found

    def processes(self) -> list[str]:
        """Command lines of every live process in the server's group."""
        found = []
        for pid in self.pids():
            try:
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Give re-parented workers their last word in the log before it is read.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process is not None and self.pids():
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# Test servers run two workers, not the shipped default of three: still a master and several workers
# (what the tests check), and each worker imports the whole portal (about two seconds of CPU).
TEST_GUNICORN_WORKERS = "2"


def gunicorn(env: dict, log: Path, *extra: str, port: int | None = None, tls: bool = False) -> Server:
    """gunicorn with the shipped settings file, as the systemd unit starts it."""
    port = port or free_port()
    argv = [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), *extra, "wsgi:app"]
    return Server(argv, {"GUNICORN_WORKERS": TEST_GUNICORN_WORKERS, **env, "PORT": str(port)}, log, port, tls=tls)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            tls: bool = False, source: str = "127.0.0.1", timeout: float = 30) -> tuple[int, dict, bytes]:
    """One HTTP request from the given loopback address; TLS without checking the throw-away cert."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context,
                                           source_address=(source, 0))
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- nginx ----------------------------------------------------------------------------------------


def render_nginx_site(site_text: str, *, https_port: int, http_port: int, upstream_port: int,
                      cert: Path, key: Path, logs: Path) -> str:
    """The shipped site file with this machine's ports, certificate and log folder substituted;
    every other line stays exactly as shipped."""
    text = site_text
    text = re.sub(r"^(\s*)listen\s+\[::\]:\d+[^;]*;\n", "", text, flags=re.M)
    text = re.sub(r"^(\s*)listen\s+443\b", rf"\1listen 127.0.0.1:{https_port}", text, flags=re.M)
    text = re.sub(r"^(\s*)listen\s+80\b", rf"\1listen 127.0.0.1:{http_port}", text, flags=re.M)
    text = re.sub(r"^(\s*)ssl_certificate\s+\S+;", rf"\1ssl_certificate {cert};", text, flags=re.M)
    text = re.sub(r"^(\s*)ssl_certificate_key\s+\S+;", rf"\1ssl_certificate_key {key};", text, flags=re.M)
    text = re.sub(r"/var/log/nginx/", f"{logs}/", text)
    text = re.sub(r"proxy_pass\s+http://127\.0\.0\.1:8000", f"proxy_pass http://127.0.0.1:{upstream_port}", text)
    return text


def nginx_main_conf(prefix: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, pointed at the test's own folders."""
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must reach the 0700 tmp dirs
    temp = prefix / "temp"
    return (
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log;\n"  # Debian's default level (error)
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    client_body_temp_path {temp}/client_body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n"
        f"    access_log {prefix}/logs/access.log;\n"  # Debian's default; the site must override it
        f"    include {site};\n"
        "}\n"
    )


def nginx(prefix: Path, *, upstream_port: int, cert: Path, key: Path, site_text: str | None = None,
          https_port: int | None = None) -> Server:
    """nginx in the foreground with the shipped site file (rendered into PREFIX), on HTTPS_PORT if
    given (the port the upstream app was told is its address)."""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    https_port, http_port = https_port or free_port(), free_port()
    site = prefix / "site.conf"
    site.write_text(render_nginx_site(site_text if site_text is not None else NGINX_SITE.read_text(),
                                      https_port=https_port, http_port=http_port, upstream_port=upstream_port,
                                      cert=cert, key=key, logs=prefix / "logs"))
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_main_conf(prefix, site))
    argv = [NGINX, "-p", str(prefix), "-e", str(prefix / "logs" / "startup.log"), "-c", str(conf),
            "-g", "daemon off;"]
    server = Server(argv, dict(os.environ), prefix / "nginx.out", https_port, tls=True)
    server.http_port = http_port
    return server


def cron_commands() -> list[str]:
    """The commands of the shipped cron file (deploy/portal-flask ARGS), each run as a real process by
    test_deploy_files.py."""
    commands = []
    for line in (ROOT / "deploy" / "portal-integritas.cron").read_text().splitlines():
        fields = line.split(None, 6)
        if len(fields) == 7 and not line.startswith("#") and "=" not in fields[0]:
            assert fields[5] == "portal", line  # never as root
            commands.append(fields[6])
    return commands


def localise(command: str, scratch: Path) -> str:
    """An operator's command with its system paths (/var, /etc, /opt/portal-integritas) moved into
    SCRATCH and the portal's own folder, so that it runs on a test machine."""
    command = command.replace("/opt/portal-integritas", str(ROOT))
    return re.sub(r"(?<![\w.])/(var|etc)/", lambda m: f"{scratch}/{m.group(1)}/", command)
