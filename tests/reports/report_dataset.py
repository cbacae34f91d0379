"""A hand-made set of ~45 complaints for the report tests, and an independent recount in Python.

Each case is a timeline (local WIB times); the stored columns are derived from it with the
back office's rules (casework.change_status). The recount below re-implements the report
definitions over the timelines in plain Python — it never reads the database — so the SQL
aggregates can be compared with it figure by figure.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from portal import workdays, workflow
from portal.extensions import db
from portal.models import Complaint, ComplaintEvent
from portal.reports.periods import Period
from portal.workflow import COMPLAINTS

WIB = ZoneInfo("Asia/Jakarta")
RESOLVED = ("completed", "closed")
DROPPED = ("archived", "not_authority")
FINISHED = RESOLVED + DROPPED
OPEN = tuple(c for c in COMPLAINTS.statuses if c not in FINISHED)
NAMES = ["Siti Aminah", "Budi Santoso", "Ahmad Fauzi", "Dewi Lestari", "Rudi Hartono", "Nur Halimah",
         "Agus Salim", "Rina Marlina", "Joko Susilo", "Ani Suryani"]


def when(text: str) -> datetime:
    """"MM-DD", "MM-DD HH:MM" (2026) or "YYYY-MM-DD[ HH:MM]", local time -> aware datetime."""
    day, _, clock = text.partition(" ")
    if day.count("-") == 1:
        day = "2026-" + day
    hour, minute = (int(x) for x in (clock or "09:00").split(":"))
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=WIB)


@dataclass
class Case:
    key: str
    submitted: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (local time, status)
    channel: str = "web"
    category: str = "ktp-el"
    problem: str = "lambat"
    privacy: str = "open"
    subject: str | None = None
    rating: int | None = None
    notes: list[tuple[str, bool]] = field(default_factory=list)  # (local time, public)
    legacy: bool = False  # stored without closed_on (written before the column existed)

    # Derived by derive():
    index: int = 0
    status: str = "unverified"
    submitted_at: datetime | None = None
    changed_at: datetime | None = None
    verified_on: date | None = None
    first_response_on: date | None = None
    completed_on: date | None = None
    closed_on: date | None = None
    name: str = ""
    nik: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    description: str = ""

    @property
    def ticket(self) -> str:
        return f"PGD-2026-{self.index:06d}"

    @property
    def submitted_on(self) -> date:
        return self.submitted_at.date()


CASES = [
    # Finished before October.
    Case("done-sept", "09-01", [("09-02", "dispositioned"), ("09-04", "in_progress"), ("09-20", "completed")], rating=5),
    Case("archived-sept", "09-05", [("09-06", "archived")], category="kk", problem="lainnya"),
    Case("done-sept-closed-oct", "09-02", [("09-03", "dispositioned"), ("09-05", "in_progress"), ("09-29", "completed"),
                                          ("10-05", "closed")], category="kia", problem="informasi", rating=4),
    Case("legacy-done-sept", "09-03", [("09-04", "dispositioned"), ("09-05", "in_progress"), ("09-30", "completed")],
         legacy=True),
    Case("done-august", "08-03", [("08-04", "dispositioned"), ("08-05", "in_progress"), ("08-25", "completed")],
         channel="lapor", category="akta-lahir", problem="pungli", rating=3),
    # October's opening balance.
    Case("cross-complete", "09-28", [("10-01", "dispositioned"), ("10-05", "in_progress"), ("10-20", "completed")],
         problem="sistem", rating=4),
    Case("cross-late", "09-29", [("10-02", "dispositioned"), ("10-09", "in_progress"), ("11-03", "completed"),
                                 ("11-10", "closed")], channel="lapor", category="kk", rating=5),
    Case("stuck-disp", "09-10", [("09-11", "dispositioned")], channel="whatsapp", category="akta-mati",
         problem="persyaratan"),
    Case("pending-sept", "09-15", [("09-16", "pending")], category="pindah-datang", problem="sistem"),
    Case("archived-oct", "09-20", [("10-03", "archived")], channel="tatap-muka", category="lainnya", problem="lainnya"),
    Case("notauth-nov", "09-25", [("11-02", "not_authority")], category="layanan-online", problem="informasi"),
    Case("reopened", "09-08", [("09-09", "dispositioned"), ("09-10", "in_progress"), ("09-25", "completed"),
                               ("10-10", "in_progress")], category="kk"),
    Case("legacy-complete-oct", "09-20", [("09-21", "dispositioned"), ("09-22", "in_progress"), ("10-15", "completed")],
         category="perubahan-data", rating=3, legacy=True),
    Case("legacy-archived-oct", "09-26", [("10-02", "archived")], channel="email", category="ikd", problem="sistem",
         legacy=True),
    Case("long-july", "07-01", [("07-02", "dispositioned"), ("07-03", "in_progress"), ("10-16", "completed")],
         category="akta-kawin", rating=2),
    Case("aug-complete-oct", "08-15", [("08-17", "dispositioned"), ("08-18", "in_progress"), ("10-22", "completed")],
         channel="telepon", category="akta-cerai", problem="perilaku", rating=1),
    Case("pending-july", "07-10", [("07-11", "pending")], problem="persyaratan"),
    Case("reopen-late", "09-14", [("09-15", "dispositioned"), ("09-16", "in_progress"), ("10-08", "completed"),
                                  ("11-04", "in_progress")], category="kia"),
    Case("pending-then-verified", "09-22", [("09-23", "pending"), ("10-06", "dispositioned"), ("10-07", "in_progress")],
         problem="sistem"),
    # Filed 23:30 on 30 September, verified 00:15 on 1 October (17:15 UTC on 30 September).
    Case("verify-at-midnight", "09-30 23:30", [("10-01 00:15", "dispositioned")]),
    # Received in October.
    Case("oct-quick", "10-01 08:00", [("10-02", "dispositioned"), ("10-03", "in_progress"), ("10-10", "completed")],
         problem="sistem", rating=5, notes=[("10-04", True), ("10-05", False)], subject="KTP-el belum dicetak"),
    Case("oct-late-verify", "10-02", [("10-08", "dispositioned"), ("10-20", "in_progress"), ("10-30", "completed")],
         category="kk", rating=3, subject="Salah ketik nama ibu di KK"),
    Case("oct-inprog", "10-05", [("10-06", "dispositioned"), ("10-07", "in_progress")], channel="lapor",
         category="akta-lahir", problem="pungli", notes=[("10-09", True), ("11-03", True)],
         subject="Biaya tambahan di loket akta"),
    Case("oct-archived", "10-06", [("10-06 15:00", "archived")], channel="whatsapp", category="lainnya",
         problem="lainnya", subject="Pesan berulang"),
    Case("oct-notauth", "10-07", [("10-09", "not_authority")], category="lainnya", problem="informasi",
         subject="Tagihan PLN naik"),
    Case("oct-pending", "10-10", [("10-12", "pending")], category="kk", problem="persyaratan"),
    Case("oct-unverified", "10-12", category="kia", problem="informasi", subject="Syarat KIA anak lahir di luar negeri"),
    Case("oct-boundary-complete", "10-14", [("10-15", "dispositioned"), ("10-16", "in_progress"),
                                            ("10-31 23:30", "completed"), ("11-05", "closed")],
         channel="email", category="akta-mati", rating=4),
    Case("oct-last-minute", "10-31 23:50", category="ikd", problem="sistem"),
    Case("nov-first-minute", "11-01 00:10", category="ikd", problem="sistem"),
    Case("oct-closed", "10-20", [("10-21", "dispositioned"), ("10-22", "in_progress"), ("10-28", "completed"),
                                 ("10-30", "closed")], category="pindah-datang", problem="perilaku", rating=2),
    Case("oct-verify-nov", "10-21", [("11-02", "dispositioned")], channel="lapor", category="layanan-online",
         problem="sistem"),
    Case("oct-fast", "10-22", [("10-23", "dispositioned"), ("10-24", "in_progress"), ("10-27", "completed")],
         category="jemput-bola", problem="perilaku", rating=1),
    Case("oct-anonymous", "10-03", [("10-04", "dispositioned")], privacy="anonymous", category="akta-lahir",
         problem="pungli", subject="Petugas loket tiga minta uang pelicin"),
    Case("oct-confidential", "10-04", privacy="confidential", problem="perilaku",
         subject="Rahasia: atasan menekan petugas rekam"),
    Case("oct-pii-subject", "10-13", subject="Hubungi 0812-3456-7890 / NIK 3604015203900099 / budi.santoso@example.org"),
    Case("oct-medsos", "10-15", [("10-16", "dispositioned"), ("10-19", "in_progress")], channel="medsos",
         notes=[("10-19 10:00", True)]),
    Case("oct-notes", "10-25", [("10-27", "dispositioned"), ("10-28", "in_progress")],
         notes=[("10-29", True), ("10-30", False), ("11-02", True)]),
    Case("oct-unknown-channel", "10-08", channel="sms"),
    Case("oct-five", "10-09", [("10-09 14:00", "dispositioned"), ("10-12", "in_progress"), ("10-19", "completed")],
         category="kk", rating=5),
    Case("oct-long-subject", "10-16", subject="Antrean " + "sangat panjang sekali " * 8),
    # Later.
    Case("nov", "11-05", [("11-06", "dispositioned")]),
    Case("dec", "12-01", category="kk"),
    # First semester (the trend's previous period).
    Case("march-done", "03-10", [("03-11", "dispositioned"), ("03-12", "in_progress"), ("03-20", "completed")], rating=4),
    Case("may-archived", "05-05", [("05-06", "archived")]),
    Case("june-open", "06-15", [("06-16", "dispositioned")], category="akta-lahir"),
    Case("year-cross", "2025-12-20", [("2025-12-22", "dispositioned"), ("2026-01-05", "in_progress"),
                                      ("2026-02-10", "completed")], rating=5),
]


def derive(case: Case, index: int) -> Case:
    """Stored columns from the timeline, with casework.change_status's rules."""
    case.index = index
    case.submitted_at = when(case.submitted)
    case.changed_at = case.submitted_at
    status = "unverified"
    for at_text, target in case.steps:
        at = when(at_text)
        assert COMPLAINTS.allowed(status, target), (case.key, status, target)
        day = at.date()
        if status == "unverified" and case.verified_on is None:  # every verification outcome
            case.verified_on = day
        if target == "in_progress" and case.first_response_on is None:
            case.first_response_on = day
        if target == "completed":
            case.completed_on = day
        if target in FINISHED and case.closed_on is None:
            case.closed_on = day
        if target == "in_progress" and status == "completed":
            case.completed_on = None
            case.closed_on = None
        status, case.changed_at = target, at
    case.status = status
    if case.legacy:
        case.closed_on = None
    name = NAMES[index % len(NAMES)]
    case.name = f"{name} {case.key.title().replace('-', '')}"
    case.nik = f"36040152039{index:05d}"
    case.phone = f"0813-7766-{index:04d}"
    case.email = f"pelapor.{case.key}@example.org"
    case.address = f"Jl. Raya Serang Km {index}, Kramatwatu"
    case.description = f"Saya {case.name} (NIK {case.nik}) mengadukan pelayanan: kasus {case.key} yang belum tuntas."
    return case


def cases() -> list[Case]:
    return [derive(Case(**{k: getattr(c, k) for k in (
        "key", "submitted", "steps", "channel", "category", "problem", "privacy", "subject", "rating", "notes",
        "legacy")}), i + 1) for i, c in enumerate(CASES)]


def load(app) -> list[Case]:
    """Store the cases (ORM, personal data encrypted as usual) and return them."""
    items = cases()
    with app.app_context():
        for c in items:
            complaint = Complaint(
                ticket=c.ticket, access_code_hash="0" * 64, channel=c.channel, category=c.category,
                problem=c.problem, privacy=c.privacy, subject=c.subject, description=c.description,
                name=c.name, nik=c.nik, phone=c.phone, email=c.email, address=c.address,
                status=c.status, submitted_at=c.submitted_at, submitted_on=c.submitted_on,
                status_changed_at=c.changed_at, verified_on=c.verified_on, first_response_on=c.first_response_on,
                completed_on=c.completed_on, closed_on=c.closed_on, rating=c.rating,
            )
            complaint.events.append(ComplaintEvent(at=c.submitted_at, kind="submitted", public=True,
                                                   status_to="unverified"))
            previous = "unverified"
            for at_text, target in c.steps:
                complaint.events.append(ComplaintEvent(at=when(at_text), kind="status", public=True,
                                                       status_from=previous, status_to=target,
                                                       body=f"Ditangani oleh {c.name}"))
                previous = target
            for at_text, public in c.notes:
                complaint.events.append(ComplaintEvent(at=when(at_text), kind="note", public=public,
                                                       body=f"Tindak lanjut untuk {c.name}"))
            if c.rating is not None:
                complaint.events.append(ComplaintEvent(at=when(c.steps[-1][0]), kind="rating", public=True))
            db.session.add(complaint)
            db.session.flush()
        db.session.commit()
    return items


# --- The recount ---------------------------------------------------------------------------


def local_day(at: datetime) -> date:
    return at.astimezone(WIB).date()


def finished_on(c: Case) -> date | None:
    if c.status in RESOLVED:
        return c.closed_on or c.completed_on
    if c.status in DROPPED:
        return c.closed_on or local_day(c.changed_at)
    return None


def history_status(c: Case, end: date) -> str:
    status = "unverified"
    for at_text, target in c.steps:
        if when(at_text).date() <= end:
            status = target
    return status


def status_at(c: Case, end: date) -> str:
    done = finished_on(c)
    if done is not None and done <= end:
        if c.status == "closed" and local_day(c.changed_at) > end:
            return "completed"
        return c.status
    status = history_status(c, end)
    if status in OPEN:
        return status
    if c.first_response_on and c.first_response_on <= end:
        return "in_progress"
    if c.verified_on and c.verified_on <= end:
        return "dispositioned"
    return "unverified"


def recount(items: list[Case], period: Period) -> dict:
    start, end = period.start, period.end
    per_channel: dict[str, dict] = {}
    for c in items:
        done = finished_on(c)
        if c.submitted_on > end or (done is not None and done < start):
            continue
        entry = per_channel.setdefault(c.channel, {
            "opening": 0, "received": 0, "verified": 0, "status": {code: 0 for code in COMPLAINTS.statuses}})
        entry["opening" if c.submitted_on < start else "received"] += 1
        entry["verified"] += bool(c.verified_on and start <= c.verified_on <= end)
        entry["status"][status_at(c, end)] += 1
    for entry in per_channel.values():
        s = entry["status"]
        entry["completed"] = s["completed"] + s["closed"]
        entry["dropped"] = s["archived"] + s["not_authority"]
        entry["in_process"] = s["dispositioned"] + s["in_progress"]
        entry["closing"] = s["unverified"] + s["pending"] + s["dispositioned"] + s["in_progress"]
    total = {"opening": 0, "received": 0, "verified": 0, "completed": 0, "dropped": 0, "in_process": 0, "closing": 0,
             "status": {code: 0 for code in COMPLAINTS.statuses}}
    for entry in per_channel.values():
        for key in total:
            if key == "status":
                for code, n in entry["status"].items():
                    total["status"][code] += n
            else:
                total[key] += entry[key]

    sla = {"verification": workflow.sla("complaints", "unverified")[0],
           "first_response": workflow.sla("complaints", "dispositioned")[0],
           "completion": workflow.sla("complaints", "in_progress")[0]}
    wd = workdays.working_days_between
    verified = [wd(c.submitted_on, c.verified_on) for c in items if c.verified_on and start <= c.verified_on <= end]
    responded = [wd(c.verified_on, c.first_response_on) for c in items
                 if c.first_response_on and c.verified_on and start <= c.first_response_on <= end]
    done_cases = [c for c in items if c.status in RESOLVED and c.completed_on and start <= c.completed_on <= end]
    completion = [wd(c.submitted_on, c.completed_on) for c in done_cases]
    # UU 25/2009 Ps 50 writes "60 hari": calendar days, unless the admin set another unit.
    if workflow.sla("complaints", "in_progress").unit == workflow.CALENDAR_DAYS:
        completion_elapsed = [(c.completed_on - c.submitted_on).days for c in done_cases]
    else:
        completion_elapsed = completion
    ratings = [c.rating for c in done_cases if c.rating is not None]

    def share(values, limit):
        on_time = sum(v <= limit for v in values)
        return {"total": len(values), "on_time": on_time, "late": len(values) - on_time,
                "pct": round(100 * on_time / len(values), 1) if values else None}

    t2: dict[tuple[str, str], int] = {}
    for c in items:
        if start <= c.submitted_on <= end:
            t2[(c.category, c.problem)] = t2.get((c.category, c.problem), 0) + 1

    end_utc = datetime.combine(period.end_exclusive, time(0, 0), tzinfo=WIB).astimezone(timezone.utc)
    t6 = []
    for c in sorted(items, key=lambda c: (c.submitted_on, c.index)):
        if c.privacy != "open" or not start <= c.submitted_on <= end:
            continue
        follow_ups = sum(when(at) < end_utc for at, _ in c.steps) + sum(
            when(at) < end_utc for at, public in c.notes if public)
        t6.append({"ticket": c.ticket, "submitted_on": c.submitted_on.isoformat(), "follow_ups": follow_ups,
                   "status": history_status(c, end)})

    return {
        "per_channel": per_channel,
        "total": total,
        "t2": t2,
        "t4": {
            "verification": share(verified, sla["verification"]),
            "first_response": share(responded, sla["first_response"]),
            "completion": share(completion_elapsed, sla["completion"]),
            "mean": round(statistics.mean(completion), 1) if completion else None,
            "median": round(float(statistics.median(completion)), 1) if completion else None,
        },
        "t5": round(100 * total["completed"] / (total["opening"] + total["received"]), 1)
        if total["opening"] + total["received"] else None,
        "t6": t6,
        "t7": {
            "count": len(ratings),
            "mean": round(statistics.mean(ratings), 2) if ratings else None,
            "distribution": {str(k): ratings.count(k) for k in range(1, 6)},
        },
    }
