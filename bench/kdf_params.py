"""Measure Argon2id cost on this machine to choose RECEIPT_KDF and PASSWORD_KDF."""
from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Run from anywhere: make the project importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2.low_level import Type, hash_secret_raw  # noqa: E402

from portal.crypto.envelope import PASSWORD_KDF, RECEIPT_KDF, KdfParams  # noqa: E402

REPEATS = 7
RECEIPT_SPACE = 10**16
# Throughput budget from the product requirement: 18 submissions/s on 2 cores
# (gunicorn -w 2) leaves ~111 ms CPU per submission in total; the receipt
# derivation may take about a third of it.
RECEIPT_BUDGET_MS = 40.0

CANDIDATES = [
    KdfParams(1, 8 * 1024, 1),
    KdfParams(1, 16 * 1024, 1),
    KdfParams(2, 16 * 1024, 1),
    KdfParams(3, 16 * 1024, 1),
    KdfParams(2, 19 * 1024, 1),  # OWASP password minimum
    KdfParams(2, 24 * 1024, 1),
    KdfParams(3, 24 * 1024, 1),
    KdfParams(1, 32 * 1024, 1),
    KdfParams(1, 46 * 1024, 1),  # OWASP t=1 equivalent
    KdfParams(2, 32 * 1024, 1),
    KdfParams(1, 64 * 1024, 1),
    KdfParams(3, 64 * 1024, 1),
    KdfParams(3, 64 * 1024, 2),
]


def measure(params: KdfParams) -> tuple[float, float]:
    """Median wall ms and median CPU ms (all threads of this process) per derivation."""
    secret, salt = b"1234567890123456", os.urandom(16)
    hash_secret_raw(secret, salt, params.time_cost, params.memory_kib, params.parallelism, 32, Type.ID)  # warm-up
    walls, cpus = [], []
    for _ in range(REPEATS):
        w0, c0 = time.perf_counter(), time.process_time()
        hash_secret_raw(secret, salt, params.time_cost, params.memory_kib, params.parallelism, 32, Type.ID)
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _worker_cpu_ms(params: KdfParams) -> list[float]:
    # CPU time, not wall time: other load on the host would inflate wall time, while memory
    # bandwidth contention between the two workers (the effect we want to see) shows in both.
    secret, salt = b"1234567890123456", os.urandom(16)
    out = []
    for _ in range(REPEATS):
        c0 = time.process_time()
        hash_secret_raw(secret, salt, params.time_cost, params.memory_kib, params.parallelism, 32, Type.ID)
        out.append((time.process_time() - c0) * 1000)
    return out


def measure_concurrent(pool: ProcessPoolExecutor, params: KdfParams, workers: int = 2) -> float:
    """Median CPU ms per derivation while `workers` processes derive at once (gunicorn -w 2 under load:
    both cores busy, memory bandwidth shared)."""
    results = list(pool.map(_worker_cpu_ms, [params] * workers))
    return statistics.median(ms for worker in results for ms in worker)


def attacker_years(cpu_ms: float) -> float:
    """Core-years to try the whole receipt space (half of it on average) at our speed."""
    return RECEIPT_SPACE * cpu_ms / 1000 / (365.25 * 24 * 3600)


def main() -> None:
    print(f"cpus={os.cpu_count()} repeats={REPEATS} (median); receipt space 10^16")
    print(
        f"{'t':>2} {'m MiB':>6} {'p':>2} {'wall ms':>8} {'cpu ms':>7} {'2-proc cpu':>10} "
        f"{'core-years for 10^16':>21}  note"
    )
    pool = ProcessPoolExecutor(max_workers=2)
    pool.map(_worker_cpu_ms, [KdfParams(1, 8, 1)] * 2)  # start both workers before timing
    for params in CANDIDATES:
        wall, cpu = measure(params)
        busy = measure_concurrent(pool, params)
        notes = []
        if params == RECEIPT_KDF:
            notes.append("RECEIPT_KDF")
        if params == PASSWORD_KDF:
            notes.append("PASSWORD_KDF")
        if max(cpu, busy) <= RECEIPT_BUDGET_MS:
            notes.append("fits receipt budget")
        print(
            f"{params.time_cost:>2} {params.memory_kib // 1024:>6} {params.parallelism:>2} "
            f"{wall:>8.1f} {cpu:>7.1f} {busy:>10.1f} {attacker_years(cpu):>21.2e}  {', '.join(notes)}"
        )
    _, cpu = measure(RECEIPT_KDF)
    busy = measure_concurrent(pool, RECEIPT_KDF)
    pool.shutdown()
    years = attacker_years(cpu)
    print()
    print(
        f"RECEIPT_KDF {RECEIPT_KDF}: {cpu:.1f} ms CPU per derivation ({busy:.1f} ms with both cores busy) -> "
        f"{2 * 1000 / busy:.0f} derivations/s max on 2 cores if they did nothing else; "
        f"at 18 submissions/s it uses {18 * busy / 2 / 10:.0f}% of the machine."
    )
    print(
        f"An attacker holding the database AND the pepper must run one derivation per candidate: "
        f"10^16 x {cpu:.1f} ms = {years:.1e} core-years ({years / 2:.1e} on average per receipt); "
        f"even a 10^6-core (or GPU-equivalent) farm needs ~{years / 2 / 1e6:.0f} years, and each guess "
        f"needs {RECEIPT_KDF.memory_kib // 1024} MiB of memory, which limits GPU parallelism."
    )


if __name__ == "__main__":
    main()
