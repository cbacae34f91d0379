"""Reproducible demo data for every channel, inspired by DOMAIN.md §6 sample cases."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from . import secrets_util, tickets, workdays
from .database import write_transaction
from .models import Complaint, ComplaintEvent
from .templating import local_today, local_tz
from .workflow import COMPLAINTS, due_date

COMPLAINT_SAMPLES = [
    ("ktp-el", "sistem", "pengaduan", "open", "KTP-el belum dicetak",
     "KTP-el sudah direkam di UPT Kec. Kramatwatu bulan Januari, sudah 6 minggu belum dicetak dengan alasan blangko habis.",
     "UPT Kec. Kramatwatu"),
    ("akta-lahir", "pungli", "pengaduan", "anonymous", "Petugas loket minta uang",
     "Petugas loket meminta Rp150.000 supaya akta kelahiran anak saya cepat selesai. Kejadian di Cikande tanggal 12 Maret.",
     "Kec. Cikande"),
    ("kk", "lambat", "pengaduan", "open", "Salah ketik nama ibu di KK",
     "Nama ibu di Kartu Keluarga salah ketik, sudah tiga kali bolak-balik ke kantor tanpa kepastian kapan diperbaiki.",
     "Kec. Ciruas"),
    ("layanan-online", "informasi", "aspirasi", "open", "Kuota antrean online",
     "Antrean online selalu penuh sejak jam 06.00; kuota 50 per hari tidak pernah diumumkan. Mohon diumumkan kuotanya.",
     None),
    ("akta-mati", "persyaratan", "pengaduan", "open", "Surat keterangan desa ditolak",
     "Pengurusan akta kematian ayah saya ditolak karena surat keterangan desa dianggap format lama. Mohon penjelasan persyaratannya.",
     None),
    ("pindah-datang", "sistem", "pengaduan", "open", "SKPWNI tidak terbaca",
     "Pindah datang dari Kota Cilegon: SKPWNI tidak terbaca di sistem, saya disuruh kembali ke daerah asal.",
     "Kantor Disdukcapil"),
    ("jemput-bola", "perilaku", "pengaduan", "confidential", "Petugas jemput bola kasar",
     "Petugas jemput bola di Desa Bugel, Padarincang, berbicara kasar kepada para lansia yang antre perekaman.",
     "Desa Bugel, Padarincang"),
    ("kia", "informasi", "informasi", "open", "Syarat KIA anak lahir di luar negeri",
     "Mohon informasi syarat penerbitan KIA untuk anak yang lahir di luar negeri dan baru pulang ke Indonesia.",
     None),
    ("lainnya", "lainnya", "pengaduan", "open", "Tagihan PLN",
     "Tagihan listrik PLN bulan ini naik dua kali lipat padahal pemakaian sama, mohon ditindaklanjuti.",
     None),
]
NAMES = ["Siti Aminah", "Budi Santoso", "Ahmad Fauzi", "Dewi Lestari", "Rudi Hartono", "Nur Halimah",
         "Agus Salim", "Rina Marlina", "Joko Susilo", "Ani Suryani"]
# The path a complaint takes, with the probability of stopping at each status.
PATHS = [
    (["unverified"], 0.10),
    (["unverified", "dispositioned"], 0.10),
    (["unverified", "dispositioned", "in_progress"], 0.15),
    (["unverified", "dispositioned", "in_progress", "completed"], 0.35),
    (["unverified", "dispositioned", "in_progress", "completed", "closed"], 0.15),
    (["unverified", "pending"], 0.05),
    (["unverified", "archived"], 0.05),
    (["unverified", "not_authority"], 0.05),
]


def _month_starts(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = first.year, first.month - back
        while month <= 0:
            month += 12
            year -= 1
        starts.append(date(year, month, 1))
    return starts


def _at(day: date, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=local_tz())
    return local.astimezone(timezone.utc)


def seed_complaints(months: int, per_month: int, rng: random.Random) -> int:
    today = local_today()
    cal = workdays.calendar()
    created = 0
    for start in _month_starts(months, today):
        batch = []
        for _ in range(per_month):
            end = min(today, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
            submitted_on = start + timedelta(days=rng.randint(0, (end - start).days))
            sample = rng.choice(COMPLAINT_SAMPLES)
            path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
            batch.append((submitted_on, sample, path))
        with write_transaction() as session:
            for submitted_on, sample, path in batch:
                category, problem, classification, privacy, subject, description, location = sample
                ticket = tickets.allocate("PGD", submitted_on.year)
                at = _at(submitted_on, rng)
                name = rng.choice(NAMES) if privacy != "anonymous" or rng.random() < 0.5 else None
                complaint = Complaint(
                    ticket=ticket, access_code_hash=secrets_util.access_code_hash(ticket, secrets_util.new_access_code()),
                    channel=rng.choice(["web"] * 6 + ["lapor", "whatsapp", "tatap-muka"]),
                    classification=classification, category=category, problem=problem, privacy=privacy,
                    subject=subject, description=description, location=location, name=name,
                    status=path[0], submitted_at=at, submitted_on=submitted_on, status_changed_at=at,
                )
                complaint.events.append(ComplaintEvent(at=at, kind="submitted", public=True, status_to=path[0]))
                day = submitted_on
                for previous, status in zip(path, path[1:]):
                    day = cal.add_working_days(day, rng.randint(1, 6))
                    if day > today:
                        break
                    when = _at(day, rng)
                    complaint.events.append(ComplaintEvent(
                        at=when, kind="status", public=True, status_from=previous, status_to=status,
                        body="Pengaduan telah diverifikasi dan didisposisikan ke bidang terkait." if status == "dispositioned" else None))
                    if status == "completed":  # Selesai comes with the office's final answer
                        complaint.events.insert(-1, ComplaintEvent(
                            at=when, kind="answer", public=True,
                            body="Terima kasih atas pengaduan Anda. Permasalahan telah kami tindak lanjuti dan selesaikan."))
                    complaint.status, complaint.status_changed_at = status, when
                    if previous == "unverified" and complaint.verified_on is None:  # any verification outcome
                        complaint.verified_on = day
                    if status == "in_progress" and complaint.first_response_on is None:
                        complaint.first_response_on = day
                    if status == "completed":
                        complaint.completed_on = day
                        complaint.rating = rng.choice([2, 3, 3, 4, 4, 4, 5, 5, 5, 5])
                    if status in COMPLAINTS.closing and complaint.closed_on is None:
                        complaint.closed_on = day
                complaint.due_on = due_date("complaints", complaint.status,
                                            entered_on=complaint.status_changed_at.astimezone(local_tz()).date())
                session.add(complaint)
                created += 1
    return created


def seed(months: int = 6, per_month: int = 30, seed: int = 2026) -> dict[str, int]:
    rng = random.Random(seed)
    from .whistle.demo import seed_wbs
    from .gratification.demo import seed_gratification  # own random stream: other channels' data stay as they were

    from .surveys.demo import seed_skm

    return {"complaints": seed_complaints(months, per_month, rng), "wbs": seed_wbs(months, per_month, rng),
            "gratification": seed_gratification(months, per_month, random.Random(f"gratification-{seed}")),
            "skm": seed_skm(_month_starts(months, local_today()), local_today(), per_month,
                            random.Random(f"skm-{seed}"))}
