"""Reproducible demo gratification reports (DOMAIN.md §6 samples) for `flask demo seed`."""
from __future__ import annotations

import random
from datetime import timedelta

from .. import secrets_util, tickets, workdays
from ..database import write_transaction
from ..models import GratificationEvent, GratificationReport
from ..templating import local_today, local_tz
from ..workflow import due_date
from .services import REPORT_WORKING_DAYS, TICKET_PREFIX, forward_due, hint_for

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
    from ..demo import _at, _month_starts

    today = local_today()
    cal = workdays.calendar()
    created = 0
    # Gratification reports are rare next to complaints; some months stay empty ("nihil").
    base = max(0, round(per_month / 10))
    for start in _month_starts(months, today):
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
                at = _at(submitted_on, rng)
                deadline = cal.add_working_days(received_on, REPORT_WORKING_DAYS)
                report = GratificationReport(
                    ticket=ticket, access_code_hash=secrets_util.access_code_hash(ticket, secrets_util.new_access_code()),
                    channel="web", action=action, reporter_name=rng.choice(NAMES), reporter_nip=_nip(rng),
                    reporter_position=rng.choice(POSITIONS), reporter_unit=rng.choice(UNITS),
                    reporter_phone=f"08{rng.randint(10, 99)}{rng.randint(10_000_000, 99_999_999)}",
                    giver_name=giver, giver_institution=institution, giver_relation=relation, item_type=item,
                    description=description, estimated_value=value, received_on=received_on, occasion=occasion,
                    perishable=perishable, deposited_with_upg=deposited, report_deadline=deadline,
                    late=submitted_on > deadline, status=path[0], submitted_at=at, submitted_on=submitted_on,
                    status_changed_at=at, forward_due_on=forward_due(submitted_on),
                )
                hint = hint_for(report)
                report.exemption_rule = hint.code if hint else None
                report.events.append(GratificationEvent(at=at, kind="submitted", public=True, status_to=path[0]))
                day = submitted_on
                for previous, status in zip(path, path[1:]):
                    day = cal.add_working_days(day, rng.randint(1, 8))
                    if day > today:
                        break
                    when = _at(day, rng)
                    report.events.append(GratificationEvent(at=when, kind="status", public=True, status_from=previous,
                                                            status_to=status, body=REASONS.get(status)))
                    report.status, report.status_changed_at = status, when
                    _milestone(report, status, day, rng, path)
                report.due_on = (report.forward_due_on if report.status == "analysis" else due_date(
                    "gratification", report.status, entered_on=report.status_changed_at.astimezone(local_tz()).date(),
                    reported_on=report.submitted_on))
                session.add(report)
                created += 1
    return created


def _milestone(report: GratificationReport, status: str, day, rng: random.Random, path: list[str]) -> None:
    if status == "incomplete":
        report.verification_result, report.verified_on = "incomplete", day
        report.completion_due_on = due_date("gratification", "incomplete", entered_on=day,
                                            reported_on=report.submitted_on)
    elif status == "analysis":
        report.verification_result, report.verified_on = "complete", day
    elif status == "archived":
        report.analysis_result, report.analysed_on = "not_required", day
        report.closed_on = day
    elif status == "forwarded":
        report.analysis_result, report.analysed_on = "must_report", day
        report.forwarded_to = rng.choice(["kpk", "upg_kabupaten"])
        report.forwarded_on = day
        report.gol_number = f"GOL-{day.year}-{rng.randint(10_000, 99_999)}"
    elif status == "decided":
        # State property is handed over (Tindak Lanjut SK); the recipient's property is simply done.
        report.kpk_decision = "milik_negara" if "follow_up" in path else "milik_penerima"
        report.kpk_decree_number = f"{rng.randint(100, 9999)}/GTF.00.02/{day.year}"
        report.kpk_decree_date = day
    elif status in ("done", "stopped"):
        report.closed_on = day
