"""Rebuild argon2-cffi-bindings for this machine's CPU; keep the wheel where that fails or differs.

    .venv/bin/python deploy/argon2_native.py      (the Makefile runs it after every install)

Why: the receipt derivation (Argon2id t=3, m=24 MiB, p=1: portal/crypto/kdf.py) is most of a WBS
tip's CPU, and the argon2-cffi-bindings wheel from PyPI is compiled for SSE2 only. The same release
built from its sdist with CFLAGS=-march=native compiles the AVX2 / AVX-512 code of Argon2's opt.c:
on the 2-core target machine 17 ms per derivation instead of 38, with identical output. The
parameters, and so an attacker's cost (who would use the fastest code anyway), do not change.

The build is kept only if the new library derives kdf.REFERENCE_OUTPUT, checked in a fresh
interpreter (a library built for another CPU dies there with SIGILL, not here). Anything else keeps
or puts back the wheel and exits 0, so an install never fails for want of this: not Linux x86-64,
no C compiler, no network for the sdist, a build error, a wrong result. Compiling takes ~10 s.
A marker in the venv (.argon2-native: version and digest of the library) makes a second run a no-op.

ARGON2_NATIVE=0 skips it (a venv to be copied to other machines: -march=native code runs only on
CPUs with this one's instruction set); ARGON2_CFLAGS replaces -march=native (e.g. -mavx2 for a
fleet of AVX2 machines).
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

DIST = "argon2-cffi-bindings"
MARKER = Path(sys.prefix) / ".argon2-native"
CHECK = "from portal.crypto.kdf import matches_reference; raise SystemExit(0 if matches_reference() else 3)"


def say(message: str) -> None:
    print(f"argon2-native: {message}", flush=True)


def library() -> Path | None:
    """The compiled module of the installed bindings (found without importing it)."""
    dist = metadata.distribution(DIST)
    for file in dist.files or ():
        if file.name.startswith("_ffi") and file.suffix in (".so", ".pyd"):
            return Path(dist.locate_file(file))
    return None


def digest(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path and path.exists() else "-"


def derives_reference() -> bool:
    return subprocess.run([sys.executable, "-c", CHECK], stdout=subprocess.DEVNULL).returncode == 0


def pip_install(version: str, *options: str, env: dict | None = None) -> bool:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", "--no-cache-dir",
               *options, f"{DIST}=={version}"]
    return subprocess.run(command, env=env).returncode == 0


def main() -> int:
    if os.environ.get("ARGON2_NATIVE") == "0":
        say("ARGON2_NATIVE=0: keeping the installed build")
        return 0
    if not sys.platform.startswith("linux") or platform.machine().lower() not in ("x86_64", "amd64"):
        say(f"{sys.platform}/{platform.machine()}: keeping the wheel (the SIMD code is for x86-64)")
        return 0
    version = metadata.version(DIST)
    if MARKER.exists() and MARKER.read_text().split() == [version, digest(library())] and derives_reference():
        say(f"{DIST} {version} already built for this CPU")
        return 0
    compiler = os.environ.get("CC", "cc")
    if shutil.which(compiler) is None:
        say(f"no C compiler ({compiler}): keeping the wheel")
        return 0
    flags = os.environ.get("ARGON2_CFLAGS", "-march=native")
    env = {**os.environ, "CFLAGS": f"{os.environ.get('CFLAGS', '')} {flags}".strip()}
    began = time.monotonic()
    if not pip_install(version, "--no-binary", DIST, env=env):
        say(f"could not build {DIST} {version} from source: keeping the wheel")
        return 0
    if derives_reference():
        MARKER.write_text(f"{version} {digest(library())}\n")
        say(f"{DIST} {version} built with {flags} in {time.monotonic() - began:.0f} s; derivation checked")
        return 0
    MARKER.unlink(missing_ok=True)
    say(f"the {flags} build does not derive the reference output: putting the wheel back")
    if pip_install(version, "--only-binary", DIST) and derives_reference():
        return 0
    say("the wheel does not derive the reference output either: receipts would not find their tips")
    return 1


if __name__ == "__main__":
    sys.exit(main())
