"""Reproducible demo gratification reports (DOMAIN.md §6 samples) for `flask demo seed`."""
from __future__ import annotations

import random
from datetime import timedelta

from .. import tickets, workdays
from ..crypto import codes
from ..database import write_transaction
from ..demodays import month_starts, office_time
from ..models import GratificationEvent, GratificationReport
from ..clock import local_today
from . import casework
from .services import TICKET_PREFIX, new_report

# action, relation, item, occasion, value, giver, institution, deposited, perishable, description
SAMPLES = [
    ("accepted", "pengguna-layanan", "parsel", "hari-raya", 750_000, "Pemilik biro jasa", "Biro jasa pengurusan dokumen",
     True, True, "Parsel Lebaran berisi makanan dan sirup dari pemilik biro jasa yang sering mengurus KK."),
    ("refused", "pengguna-layanan", "uang", "kedinasan", 2_000_000, "Pemohon akta", None,
     False, False, "Amplop berisi uang dari pemohon setelah akta perkawinan terbit; saya tolak di loket."),
    ("accepted", "lainnya", "uang", "pernikahan-adat", 1_200_000, "Teman SMA", None,
     False, False, "Hadiah pernikahan berupa uang dari teman SMA yang tidak punya urusan dengan kantor."),
    ("accepted", "rekanan", "voucher", "kedinasan", 1_000_000, "Vendor aplikasi antrean", "PT Antre Digital",
     False, False, "Voucher belanja diberikan saat rapat evaluasi aplikasi antrean."),
    ("accepted", "rekanan", "tiket", "kedinasan", 8_500_000, "Penyedia jaringan", "PT Jaringan Nusantara",
     False, False, "Tiket pesawat dan hotel ke Bali untuk kegiatan yang disebut studi banding."),
    ("accepted", "lainnya", "parsel", "lainnya", 350_000, "Kepala desa", "Pemerintah Desa",
     False, True, "Kue kotak untuk seluruh petugas loket dari kepala desa."),
    ("accepted", "rekan-kerja", "barang", "pisah-sambut", 450_000, "Rekan kerja yang dimutasi", None,
     False, False, "Jam tangan dari rekan kerja pada acara pisah sambut karena mutasi."),
    ("accepted", "pengguna-layanan", "uang", "kedinasan", 5_000_000, "Pengembang perumahan", "PT Griya Serang",
     False, False, "Transfer ke rekening istri dari pengembang yang meminta percepatan KK massal."),
    ("accepted", "lainnya", "barang", "lainnya", None, None, None,
     False, False, "Bingkisan tanpa nama pengirim diantar ke meja kerja."),
]
NAMES = ["Rina Marlina", "Agus Salim", "Dewi Lestari", "Joko Susilo", "Nur Halimah", "Budi Santoso"]
POSITIONS = ["Pengadministrasi Kependudukan", "Operator SIAK", "Kepala Seksi Pelayanan", "Verifikator Akta"]
UNITS = ["Bidang Pelayanan Pendaftaran Penduduk", "Bidang Pelayanan Pencatatan Sipil", "UPT Kec. Kramatwatu",
         "UPT Kec. Cikande", "Sekretariat"]
ACCEPTED_PATHS = [
    (["reported"], 0.10),
    (["reported", "analysis"], 0.10),
    (["reported", "analysis", "forwarded"], 0.15),
    (["reported", "analysis", "forwarded", "decided", "follow_up", "done"], 0.25),
    (["reported", "analysis", "forwarded", "decided", "done"], 0.15),
    (["reported", "analysis", "archived"], 0.15),
    (["reported", "incomplete", "stopped"], 0.10),
]
REFUSED_PATHS = [(["reported"], 0.2), (["reported", "recorded"], 0.2), (["reported", "recorded", "done"], 0.6)]
REASONS = {
    "incomplete": "Mohon lengkapi nama pemberi dan perkiraan nilai barang.",
    "archived": "Termasuk pemberian yang tidak wajib dilaporkan; laporan diarsipkan UPG.",
    "stopped": "Laporan tidak dilengkapi dalam 20 hari kerja sehingga tidak diproses lebih lanjut.",
}


def _nip(rng: random.Random) -> str:
    born = rng.randint(1970, 1998)
    appointed = born + rng.randint(22, 28)
    return f"{born}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{appointed}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"


def seed_gratification(months: int, per_month: int, rng: random.Random) -> int:
    """Reports over the last `months` months, each built and moved along its path by the
    gratification services (new_report, enter_step, record_analysis), dated on its own past days."""
    today = local_today()
    cal = workdays.calendar()
    created = 0
    # Gratification reports are rare next to complaints; some months stay empty ("nihil").
    base = max(0, round(per_month / 10))
    for start in month_starts(months, today):
        end = min(today, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
        with write_transaction() as session:
            for _ in range(max(0, base + rng.randint(-1, 1))):
                submitted_on = start + timedelta(days=rng.randint(0, (end - start).days))
                (action, relation, item, occasion, value, giver, institution, deposited, perishable,
                 description) = rng.choice(SAMPLES)
                received_on = submitted_on - timedelta(days=rng.choice([1, 3, 7, 14, 30, 45, 60]))
                paths = REFUSED_PATHS if action == "refused" else ACCEPTED_PATHS
                path = rng.choices([p for p, _ in paths], weights=[w for _, w in paths])[0]
                ticket = tickets.allocate(TICKET_PREFIX, submitted_on.year)
                at = office_time(submitted_on, rng)
                clean = {"action": action, "reporter_name": rng.choice(NAMES), "reporter_nip": _nip(rng),
                         "reporter_position": rng.choice(POSITIONS), "reporter_unit": rng.choice(UNITS),
                         "reporter_phone": f"08{rng.randint(10, 99)}{rng.randint(10_000_000, 99_999_999)}",
                         "giver_name": giver, "giver_institution": institution, "giver_relation": relation,
                         "item_type": item, "description": description, "estimated_value": value,
                         "received_on": received_on, "occasion": occasion, "perishable": perishable,
                         "deposited_with_upg": deposited}
                report = new_report(clean, {
                    "ticket": ticket,
                    "access_code_hash": codes.access_code_hash(ticket, codes.new_access_code()),
                    "channel": "web", "submitted_at": at, "submitted_on": submitted_on, "status_changed_at": at,
                }, submitted_on)
                report.events.append(GratificationEvent(at=at, kind="submitted", public=True, status_to=report.status))
                day = submitted_on
                for status in path[1:]:
                    day = cal.add_working_days(day, rng.randint(1, 8))
                    if status == "stopped" and report.completion_due_on and day <= report.completion_due_on:
                        day = cal.add_working_days(report.completion_due_on, 1)  # only once the window is over
                    if day > today:
                        break
                    _step(report, status, day, office_time(day, rng), rng, path)
                session.add(report)
                created += 1
    return created


def _step(report: GratificationReport, status: str, day, when, rng: random.Random, path: list[str]) -> None:
    """One step of a demo report, taken the way the UPG takes it (the fields each step needs)."""
    data = {"reason": REASONS.get(status, "")}
    if status == "forwarded":
        casework.record_analysis(report, "Pemberi memiliki hubungan kerja dengan jabatan pelapor.", actor_id=None,
                                 now=when, today=day)
        data.update(forwarded_to=rng.choice(["kpk", "upg_kabupaten"]), forwarded_on=day.isoformat(),
                    gol_number=f"GOL-{day.year}-{rng.randint(10_000, 99_999)}")
    elif status == "decided":
        # State property is handed over (Tindak Lanjut SK); the recipient's property is simply done.
        data.update(kpk_decision="milik_negara" if "follow_up" in path else "milik_penerima",
                    kpk_decree_number=f"{rng.randint(100, 9999)}/GTF.00.02/{day.year}", kpk_decree_date=day.isoformat())
    elif status == "follow_up":
        data.update(follow_up_note="Bukti setor ke kas negara terlampir.")
    casework.enter_step(report, status, data, REASONS.get(status), actor_id=None, now=when, today=day)
