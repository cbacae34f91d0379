"""Demo WBS tips (DOMAIN.md §6), stored through the real service so they are really encrypted."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import update

from ..database import write_transaction
from ..models.wbs import WbsEvent, WbsTip
from ..clock import local_today
from . import services

SAMPLES = [
    ("suap-pungli", "Operator SIAK mencetak KTP-el di luar jam dinas untuk calo dengan imbalan Rp300.000 per keping.",
     "Operator SIAK bagian pencetakan", "Ruang cetak lantai 2", "Setiap Sabtu sejak Maret",
     "Calo mengirim daftar NIK lewat pesan singkat; ada tangkapan layar percakapan."),
    ("manipulasi-data", "Kabid menyetujui perubahan tanggal lahir tanpa dokumen pendukung untuk keperluan pendaftaran CPNS.",
     "Kepala bidang pelayanan", "Kantor Disdukcapil", "Januari", "Perubahan diproses tanpa akta dan tanpa penetapan."),
    ("penyalahgunaan-wewenang", "Perjalanan dinas fiktif ke Jakarta pada Mei dan Juni; SPPD ditandatangani, pegawai tetap di kantor.",
     "Dua pegawai sekretariat", "Jakarta / kantor", "Mei–Juni", "Daftar hadir kantor menunjukkan mereka hadir."),
    ("pbj", "Pengadaan tinta dan blangko di-mark-up melalui rekanan milik saudara pejabat pengadaan.",
     "Pejabat pengadaan", "Bagian umum", "Tahun anggaran berjalan", "Harga satuan dua kali harga pasar."),
    ("suap-pungli", "Honorer memungut biaya legalisir Rp10.000 per lembar tanpa dasar peraturan daerah.",
     "Honorer loket legalisir", "Loket 3", "Setiap hari kerja", "Uang diterima tanpa kuitansi."),
    ("manipulasi-data", "Data kependudukan warga dijual ke pinjaman daring lewat akun hak akses instansi.",
     None, None, None, "Akun hak akses dipakai di luar jam kerja untuk mengunduh data massal."),
    ("lainnya", "Ada korupsi di Dukcapil, tolong diperiksa semuanya secepatnya.", None, None, None, None),
]
# (path of statuses after "received", weight)
PATHS = [
    ([], 0.25), (["telaah"], 0.2), (["closed"], 0.1), (["telaah", "need_info"], 0.1),
    (["telaah", "clarification"], 0.1), (["telaah", "forwarded_inspektorat"], 0.1),
    (["telaah", "clarification", "recommendation", "follow_up", "done"], 0.15),
]


def seed_wbs(months: int, per_month: int, rng: random.Random) -> int:
    """A few tips per month (one for every ten complaints, at least one)."""
    today = local_today()
    count = max(1, per_month // 10)
    created = 0
    for back in range(months - 1, -1, -1):
        for _ in range(count):
            day = today - timedelta(days=back * 30 + rng.randint(0, 27))
            category, what, who, where, when, how = rng.choice(SAMPLES)
            receipt = services.submit({"what": what, "who": who, "where": where, "when": when, "how": how,
                                       "category": category}, [])
            opened = services.lookup(receipt)
            path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
            _backdate(opened.tip.id, day)
            for status in path:
                reason = "Tidak memenuhi unsur 4W1H." if status in ("closed", "need_info", "forwarded_inspektorat") else None
                services.change_status(opened.tip.id, opened.data_key, status, reason, None)
            if path:
                _backdate_events(opened.tip.id, day, rng)
            created += 1
    return created


def _backdate(tip_id: int, day: date) -> None:
    with write_transaction() as session:
        session.execute(update(WbsTip).where(WbsTip.id == tip_id).values(submitted_on=day, status_changed_on=day))
        session.execute(update(WbsEvent).where(WbsEvent.tip_id == tip_id).values(day=day))


def _backdate_events(tip_id: int, day: date, rng: random.Random) -> None:
    today = local_today()
    with write_transaction() as session:
        tip = session.get(WbsTip, tip_id)
        events = [e for e in tip.events if e.kind == "status"]
        for event in events:
            day = min(today, day + timedelta(days=rng.randint(1, 10)))
            event.day = day
        tip.status_changed_on = day
        if tip.closed_on is not None:
            tip.closed_on = day
