"""Reproducible demo data for every channel, inspired by DOMAIN.md §6 sample cases."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from . import tickets, workdays
from .crypto import codes
from .complaints import casework, services
from .database import write_transaction
from .demodays import month_starts, office_time
from .gratification.demo import seed_gratification
from .models import ComplaintEvent
from .clock import local_today

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
# What the office tells the citizen on the way (each status that needs a reason has one).
REASONS = {
    "dispositioned": "Pengaduan telah diverifikasi dan didisposisikan ke bidang terkait.",
    "pending": "Mohon lengkapi nomor registrasi dan foto dokumen yang dimaksud.",
    "archived": "Pengaduan tidak dapat ditindaklanjuti karena identitas dan uraian kejadian tidak jelas.",
    "not_authority": "Permasalahan ini di luar kewenangan Disdukcapil; silakan sampaikan ke instansi terkait.",
    "closed": "Pelapor menyatakan puas dengan penanganan; pengaduan ditutup.",
}
FOLLOW_UP = "Bidang terkait sedang menindaklanjuti pengaduan ini."
ANSWER = "Terima kasih atas pengaduan Anda. Permasalahan telah kami tindak lanjuti dan selesaikan."


def seed_complaints(months: int, per_month: int, rng: random.Random) -> int:
    """Complaints over the last `months` months, each built and moved along its path by the
    complaint services (new_complaint, enter_status, append_note), dated on its own past days."""
    today = local_today()
    cal = workdays.calendar()
    created = 0
    for start in month_starts(months, today):
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
                ticket = tickets.allocate(services.TICKET_PREFIX, submitted_on.year)
                at = office_time(submitted_on, rng)
                name = rng.choice(NAMES) if privacy != "anonymous" or rng.random() < 0.5 else None
                complaint = services.new_complaint(
                    {"classification": classification, "category": category, "problem": problem, "privacy": privacy,
                     "subject": subject, "description": description, "location": location, "name": name},
                    {"ticket": ticket,
                     "access_code_hash": codes.access_code_hash(ticket, codes.new_access_code()),
                     "channel": rng.choice(["web"] * 6 + ["lapor", "whatsapp", "tatap-muka"]),
                     "submitted_at": at, "submitted_on": submitted_on, "status_changed_at": at},
                    submitted_on)
                complaint.events.append(ComplaintEvent(at=at, kind="submitted", public=True, status_to=complaint.status))
                day = submitted_on
                for status in path[1:]:
                    day = cal.add_working_days(day, rng.randint(1, 6))
                    if day > today:
                        break
                    _step(complaint, status, day, office_time(day, rng))
                    if status == "completed":
                        complaint.rating = rng.choice([2, 3, 3, 4, 4, 4, 5, 5, 5, 5])
                session.add(complaint)
                created += 1
    return created


def _step(complaint, status: str, day: date, when: datetime) -> None:
    """One step of a demo complaint, taken the way the office takes it."""
    if status == "in_progress":  # the first public follow-up of a dispositioned case starts the work
        casework.append_note(complaint, FOLLOW_UP, public=True, final_answer=False, actor_id=None, now=when,
                             today=day)
        return
    if status == "completed":  # Selesai comes with the office's final answer
        casework.append_note(complaint, ANSWER, public=True, final_answer=True, actor_id=None, now=when, today=day)
    casework.enter_status(complaint, status, REASONS.get(status), actor_id=None, now=when, today=day)


def seed(months: int = 6, per_month: int = 30, seed: int = 2026) -> dict[str, int]:
    from .surveys.demo import seed_skm
    from .whistle.demo import seed_wbs

    rng = random.Random(seed)
    return {"complaints": seed_complaints(months, per_month, rng), "wbs": seed_wbs(months, per_month, rng),
            # Own random streams: adding a channel leaves the other channels' data as they were.
            "gratification": seed_gratification(months, per_month, random.Random(f"gratification-{seed}")),
            "skm": seed_skm(month_starts(months, local_today()), local_today(), per_month,
                            random.Random(f"skm-{seed}"))}
