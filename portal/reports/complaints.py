"""Complaint (pengaduan) reports, DOMAIN.md §4: every figure is an SQL aggregate.

Definitions (all dates are the office's local days; a period is [start, end]):

* finished: a complaint has left the balance on `closed_on` (set by the back office when it
  reaches Selesai, Ditutup, Arsip or Bukan Kewenangan, cleared when a completed case is
  reopened) if its status is one of those. Rows written without closed_on fall back to
  completed_on for completed/closed and, for archived / not authority (terminal statuses with
  no way out), to status_changed_at. A resolved status with no date at all is not finished.
* opening balance: filed before the start and not finished before the start.
* received: filed in the period. verified: verified_on in the period.
* completed: finished as completed/closed in the period; dropped: archived / not authority
  in the period. closing balance = opening + received − completed − dropped.
* status at period end: the current status when it last changed before the end; otherwise the
  last status of the case's history before the end (complaint_events), falling back to the
  milestone dates. in process = dispositioned + in progress at the end.
* timeliness (T4), against the SLA of the workflow (portal.workflow.COMPLAINTS), each counted
  in the unit of its basis (hari kerja or hari kalender, workflow.sla(...).unit):
  verification: complaints verified in the period (any outcome), submitted_on → verified_on;
  first response: first response in the period, verified_on → first_response_on;
  completion: completed in the period, submitted_on → completed_on; mean and median of it in
  working days. Working days come from the calendar_days table: days(a, b) = index(b) − index(a);
  calendar days are the plain difference of the dates.
* completion rate (T5) = completed ÷ (opening + received) × 100.
* public list (T6): only complaints filed as open (privacy = "open") received in the period:
  ticket, date, service, the public summary written by staff (default: the service and problem
  labels; never the citizen's own subject or description), public follow-ups before the end.
* per bidang (T3): complaints received in the period per unit they were dispositioned to
  (DISPOSITION_UNIT_FIELD on Complaint, once it exists); until then one row "belum didisposisikan".
* satisfaction (T7): ratings (1–5) of the complaints completed in the period.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from ..catalog import COMPLAINT_CHANNELS, COMPLAINT_PROBLEMS, COMPLAINT_SERVICES
from ..extensions import db
from ..models import CalendarDay, Complaint, ComplaintEvent, Unit
from ..clock import local_tz
from .. import workdays, workflow
from ..workflow import COMPLAINTS
from . import register
from .aggregate import Column, Report, ReportError, Table, change, ordered_codes, pct, rounded, sum_rows
from .periods import Period

CHANNEL = "complaints"

RESOLVED = tuple(code for code in COMPLAINTS.statuses if code in COMPLAINTS.resolved)  # Selesai, Ditutup
DROPPED = COMPLAINTS.dropped  # finished without an answer; terminal statuses
OPEN = COMPLAINTS.open
FINISHED = RESOLVED + DROPPED
IN_PROCESS = ("dispositioned", "in_progress")
STATUS_ORDER = tuple(COMPLAINTS.statuses)
for _code in RESOLVED + DROPPED + IN_PROCESS:
    assert _code in COMPLAINTS.statuses, _code
assert all(COMPLAINTS.statuses[code].terminal for code in DROPPED)

# Event kinds that are not a follow-up by the office.
NOT_FOLLOW_UPS = ("submitted", "rating")
SUBJECT_MAX = 100
# Closing an open range with a far bound makes it two-sided, which SQLite's planner (without
# ANALYZE statistics) rates as more selective than the one-sided "filed before the end":
# each part then walks the index of the way it left the balance, not the whole history.
FAR_FUTURE = date(9999, 12, 31)
RATINGS = (1, 2, 3, 4, 5)


# The workflow step whose deadline each timeliness measure checks.
SLA_STEPS = {"verification": "unverified", "first_response": "dispositioned", "completion": "in_progress"}


def sla_days() -> dict[str, int | None]:
    """The SLAs the timeliness figures use: the workflow's, or the admin's override of them."""
    return {measure: workflow.sla(CHANNEL, status)[0] for measure, status in SLA_STEPS.items()}


def sla_units() -> dict[str, str]:
    """The unit each SLA is counted in (workflow.WORKING_DAYS or workflow.CALENDAR_DAYS)."""
    return {measure: workflow.sla(CHANNEL, status).unit for measure, status in SLA_STEPS.items()}


class date_diff(FunctionElement):
    """Calendar days from the first date to the second (end − start), on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(date_diff)
def _date_diff_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(date_diff, "sqlite")
def _date_diff_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) AS INTEGER)"


def sla_bases() -> dict[str, str]:
    return {measure: workflow.sla(CHANNEL, status)[1] for measure, status in SLA_STEPS.items()}


@dataclass(frozen=True)
class Window:
    """A period's local days [start, end] and the UTC instants [start_utc, end_utc)."""

    start: date
    end: date
    start_utc: datetime
    end_utc: datetime

    @classmethod
    def of(cls, period: Period) -> Window:
        start_utc, end_utc = period.utc_bounds(local_tz())
        return cls(period.start, period.end, start_utc, end_utc)


# --- T1: balance per channel and status at the end ---------------------------------------


def _last_status_event(w: Window):
    """The status a case's history (complaint_events) gives it at the end of the window."""
    return (
        select(ComplaintEvent.status_to)
        .where(ComplaintEvent.complaint_id == Complaint.id,
               ComplaintEvent.status_to.is_not(None),
               ComplaintEvent.at < w.end_utc)
        .order_by(ComplaintEvent.at.desc(), ComplaintEvent.id.desc())
        .limit(1)
        .correlate(Complaint)
        .scalar_subquery()
    )


def _milestone_status(w: Window):
    return case(
        (Complaint.first_response_on <= w.end, literal("in_progress")),
        (Complaint.verified_on <= w.end, literal("dispositioned")),
        else_=literal("unverified"),
    )


def _status_from_history(w: Window):
    """Status at the end of the window of a case not finished by then whose current status
    changed after the end: the last status of its history before the end, or the milestones
    when the history says nothing usable. Simple CASE: the subquery runs once per row."""
    return case({code: literal(code) for code in OPEN}, value=_last_status_event(w), else_=_milestone_status(w))


def _population(w: Window):
    """Cases open at some time in the window (opening balance + received), counted per channel and
    the status each had at the end of the window (columns channel, status, n, opening, verified), as
    disjoint parts that each walk one index.

    Most cases' status at the end is their current one: those are counted per group, the open ones
    per (status, day filed, channel), the order of ix_complaints_report_open that SQLite walks without
    sorting 75k rows at a million cases (a few thousand groups come out). Only the cases whose status
    changed after the end (a few thousand) read their history, row by row. The caller adds the parts'
    counts per channel and status."""
    history = _status_from_history(w)
    filed = Complaint.submitted_on <= w.end
    changed_before_end = Complaint.status_changed_at < w.end_utc
    opening = case((Complaint.submitted_on < w.start, 1), else_=0)
    verified = case((Complaint.verified_on.between(w.start, w.end), 1), else_=0)
    # A case closed (after the citizen's rating) only after the end was still "completed" at the end.
    closed_after_end = and_(Complaint.status == "closed", Complaint.status_changed_at >= w.end_utc)
    finished_status = case((closed_after_end, literal("completed")), else_=Complaint.status)

    def counted(status_at_end, where, group_by):
        return (select(Complaint.channel.label("channel"), status_at_end.label("status"), func.count().label("n"),
                       func.sum(opening).label("opening"), func.sum(verified).label("verified"))
                .where(*where).group_by(*group_by))

    def part(where, status_at_end):
        return select(Complaint.channel.label("channel"), status_at_end.label("status"),
                      opening.label("opening"), verified.label("verified")).where(*where)

    finished_in_window = Complaint.closed_on.between(w.start, w.end)
    # Status at the end read from the history (or a milestone), one row at a time.
    rows = union_all(
        # Open now, its status changed after the end.
        part([Complaint.status.in_(OPEN), filed, ~changed_before_end], history),
        # Finished after the end, with the day it left the balance recorded (closed_on, set by casework).
        part([Complaint.status.in_(FINISHED), Complaint.closed_on.between(w.end + timedelta(days=1), FAR_FUTURE),
              filed], history),
        # Finished before closed_on existed (or written without it): completed_on for the
        # resolved (no date at all: not finished, it stays in the balance), and the terminal
        # transition itself for archived / not authority. Both walk the closed_on IS NULL rows.
        part([Complaint.status.in_(RESOLVED), Complaint.closed_on.is_(None), filed,
              or_(Complaint.completed_on.is_(None), Complaint.completed_on >= w.start)],
             case((Complaint.completed_on <= w.end, finished_status), else_=history)),
        part([Complaint.status.in_(DROPPED), Complaint.closed_on.is_(None),
              Complaint.status_changed_at >= w.start_utc, filed],
             case((changed_before_end, Complaint.status), else_=history)),
    ).subquery("history_rows")
    from_history = select(rows.c.channel, rows.c.status, func.count(), func.sum(rows.c.opening),
                          func.sum(rows.c.verified)).group_by(rows.c.channel, rows.c.status)
    return union_all(
        # Open now, its current status held at the end.
        counted(Complaint.status, [Complaint.status.in_(OPEN), filed, changed_before_end],
                [Complaint.status, Complaint.submitted_on, Complaint.channel]),
        # Finished in the window (closed_on): its status, but "completed" for a case closed only after the end.
        counted(Complaint.status, [Complaint.status.in_(FINISHED), finished_in_window, filed, ~closed_after_end],
                [Complaint.status, Complaint.closed_on, Complaint.channel]),
        counted(literal("completed"), [Complaint.status == "closed", finished_in_window, filed,
                                       Complaint.status_changed_at >= w.end_utc],
                [Complaint.closed_on, Complaint.channel]),
        from_history,
    ).subquery("population")


def balance(w: Window) -> dict[str, dict]:
    """Per channel: opening, received, verified, in_process, completed, dropped, closing and
    the count per status at the end of the window. One query; a few dozen rows come back."""
    pop = _population(w)
    stmt = (
        select(pop.c.channel, pop.c.status, func.sum(pop.c.n), func.sum(pop.c.opening), func.sum(pop.c.verified))
        .group_by(pop.c.channel, pop.c.status)
    )
    per_channel: dict[str, dict] = {}
    for channel, status, n, opening, verified in db.session.execute(stmt):
        entry = per_channel.setdefault(channel, _empty_balance())
        entry["population"] += int(n)
        entry["opening"] += int(opening or 0)
        entry["verified"] += int(verified or 0)
        entry["status"][status] = entry["status"].get(status, 0) + int(n)
    for entry in per_channel.values():
        _finish_balance(entry)
    return per_channel


def _empty_balance() -> dict:
    return {"population": 0, "opening": 0, "verified": 0, "status": {}}


def _finish_balance(entry: dict) -> None:
    status = entry["status"]
    for code in STATUS_ORDER:
        status.setdefault(code, 0)
    entry["received"] = entry["population"] - entry["opening"]
    entry["completed"] = sum(status[c] for c in RESOLVED)
    entry["dropped"] = sum(status[c] for c in DROPPED)
    entry["in_process"] = sum(status[c] for c in IN_PROCESS)
    entry["closing"] = entry["population"] - entry["completed"] - entry["dropped"]
    entry["completion_rate"] = pct(entry["completed"], entry["opening"] + entry["received"])


def total_balance(per_channel: dict[str, dict]) -> dict:
    total = _empty_balance()
    for entry in per_channel.values():
        total["population"] += entry["population"]
        total["opening"] += entry["opening"]
        total["verified"] += entry["verified"]
        for code, n in entry["status"].items():
            total["status"][code] = total["status"].get(code, 0) + n
    _finish_balance(total)
    return total


# --- T2: service × problem ---------------------------------------------------------------


def service_problem(w: Window) -> dict[tuple[str, str], int]:
    return received_counts(w)[0]


def received_counts(w: Window) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """(T2's counts per (service, problem), T3's received per unit code) from one pass over the
    complaints received in the window, read from the covering index ix_complaints_report_received."""
    stmt = (
        select(Complaint.category, Complaint.problem, Complaint.unit_id, func.count())
        .where(Complaint.submitted_on.between(w.start, w.end))
        .group_by(Complaint.category, Complaint.problem, Complaint.unit_id)
    )
    units = _unit_codes()
    per_pair: dict[tuple[str, str], int] = {}
    per_unit_code: dict[str, int] = {}
    for category, problem, unit_id, n in db.session.execute(stmt):
        per_pair[(category, problem)] = per_pair.get((category, problem), 0) + n
        code = units.get(unit_id, NO_UNIT)
        per_unit_code[code] = per_unit_code.get(code, 0) + n
    return per_pair, per_unit_code


# --- T3: per bidang ----------------------------------------------------------------------

NO_UNIT = ""
NO_UNIT_LABEL = "Belum didisposisikan ke bidang"


def per_unit(w: Window, received: dict[str, int] | None = None) -> dict[str, dict[str, int]]:
    """{unit code: {"received": n, "completed": n}}: received in the window, and completed in it, by the
    bidang/UPT each is dispositioned to (NO_UNIT: not yet dispositioned, or a unit no longer in the
    register). `received`: received_counts(w)[1] when the caller has it already."""
    if received is None:
        received = received_counts(w)[1]
    units = _unit_codes()
    out: dict[str, dict[str, int]] = {}
    # Covered by ix_complaints_status_completed (status, completed_on, …, unit_id).
    completed = (select(Complaint.unit_id, func.count())
                 .where(Complaint.status.in_(RESOLVED), Complaint.completed_on.between(w.start, w.end))
                 .group_by(Complaint.unit_id))
    for code, n in received.items():
        out.setdefault(code, {"received": 0, "completed": 0})["received"] += n
    for unit_id, n in db.session.execute(completed):
        out.setdefault(units.get(unit_id, NO_UNIT), {"received": 0, "completed": 0})["completed"] += n
    return out


def _unit_codes() -> dict[int, str]:
    """Unit id -> code (the units register is small; the counts group by unit_id off an index)."""
    return dict(db.session.execute(select(Unit.id, Unit.code)).all())


def _unit_labels() -> dict[str, str]:
    """The names of the units register (table `units`), by code."""
    return dict(db.session.execute(select(Unit.code, Unit.name)).all())


# --- T4 / T7: timeliness and satisfaction -------------------------------------------------


def timeliness(w: Window) -> dict:
    """T4 and T7. Each measure counts the complaints of a step per pair of days (start, end) first, in
    the order of the step's index (ix_complaints_verified_on, ix_complaints_first_response_on,
    ix_complaints_status_completed: no sort), and joins the calendar to those few hundred or thousand
    pairs instead of to each of the month's tens of thousands of complaints."""
    sla, units = sla_days(), sla_units()
    cal_a, cal_b = aliased(CalendarDay), aliased(CalendarDay)

    days = cal_b.workday_index - cal_a.workday_index

    def elapsed(measure):
        # The two ends of each measure are the calendar rows joined below: their days.
        return date_diff(cal_a.day, cal_b.day) if units[measure] == workflow.CALENDAR_DAYS else days

    def step(start, end, *columns, where, order=()):
        """(pairs, join): `pairs` counts (column n, and `columns`) the complaints whose step ran from day
        `start` to day `end`, grouped by `order` (the index's leading columns), then end, then start;
        `join` selects from it with both calendar rows joined."""
        pairs = (select(start.label("start"), end.label("end"), func.count().label("n"), *columns)
                 .where(*where).group_by(*order, end, start).subquery())
        return pairs, lambda *out: (select(*out).select_from(pairs)
                                    .join(cal_a, cal_a.day == pairs.c.start).join(cal_b, cal_b.day == pairs.c.end))

    def count_and_on_time(measure, start, end, where):
        pairs, join = step(start, end, where=where)
        limit = sla[measure]  # a step without a deadline has no "on time" figure
        on_time = literal(None) if limit is None else func.sum(case((elapsed(measure) <= limit, pairs.c.n), else_=0))
        return db.session.execute(join(func.sum(pairs.c.n), on_time)).one()

    verified = count_and_on_time("verification", Complaint.submitted_on, Complaint.verified_on,
                                 [Complaint.verified_on.between(w.start, w.end)])
    responded = count_and_on_time("first_response", Complaint.verified_on, Complaint.first_response_on,
                                  [Complaint.first_response_on.between(w.start, w.end)])

    # Completion and ratings (T4, T7) from one pass over the month's completed cases: a histogram of
    # (working days to complete, on time?) with the number of cases and of each rating, from which the
    # count, the on-time count, the mean and median days and the ratings follow.
    limit = sla["completion"]
    pairs, join = step(Complaint.submitted_on, Complaint.completed_on,
                       *[func.sum(case((Complaint.rating == k, 1), else_=0)).label(f"r{k}") for k in RATINGS],
                       where=[Complaint.status.in_(RESOLVED), Complaint.completed_on.between(w.start, w.end)],
                       order=[Complaint.status])
    in_time = literal(0) if limit is None else case((elapsed("completion") <= limit, 1), else_=0)
    histogram = db.session.execute(join(
        days, in_time, func.sum(pairs.c.n), *[func.sum(pairs.c[f"r{k}"]) for k in RATINGS],
    ).group_by(text("1, 2"))).all()  # by position: the same expressions, bound parameters and all
    n_completed = sum(int(n) for _, _, n, *_ in histogram)
    on_time_completed = None if limit is None else sum(int(n) for _, ok, n, *_ in histogram if ok)
    by_days: dict[int, int] = {}
    ratings = {k: 0 for k in RATINGS}
    for elapsed_days, _, n, *per_rating in histogram:
        by_days[elapsed_days] = by_days.get(elapsed_days, 0) + int(n)
        for k, m in zip(RATINGS, per_rating):
            ratings[k] += int(m)
    n_rated = sum(ratings.values())
    return {
        "verification": _share(verified[0], verified[1]),
        "first_response": _share(responded[0], responded[1]),
        "completion": _share(n_completed, on_time_completed),
        "mean_workdays_to_complete": rounded(sum(d * n for d, n in by_days.items()) / n_completed, 1)
        if n_completed else None,
        "median_workdays_to_complete": rounded(_median_of(by_days, n_completed), 1),
        "ratings": {
            "count": n_rated,
            "mean": rounded(sum(k * n for k, n in ratings.items()) / n_rated, 2) if n_rated else None,
            "distribution": {str(k): ratings[k] for k in RATINGS},
        },
    }


def _median_of(counts: dict[int, int], total: int) -> float | None:
    """The median of `total` values given as {value: how many}: the middle one, or the mean of the two
    middle ones for an even total (as aggregate.median gives it in SQL)."""
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)  # 0-based positions of the middle value(s)
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def _share(total: int | None, on_time: int | None) -> dict:
    total = int(total or 0)
    if on_time is None and total:
        return {"total": total, "on_time": None, "late": None, "pct": None}
    on_time = int(on_time or 0)
    return {"total": total, "on_time": on_time, "late": total - on_time, "pct": pct(on_time, total)}


# --- T6: public list ---------------------------------------------------------------------

_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+")
# Phone numbers, NIK, KK and account numbers: runs of 6+ digits, separators allowed inside.
_NUMBER_RE = re.compile(r"\+?\d(?:[\d\s.,:;_\-/]{4,}\d)")
_DIGIT_RE = re.compile(r"\d")
REDACTED = "[…]"


def public_summary(subject: str | None, fallback: str) -> str:
    """A line fit for publication: numbers and e-mail addresses removed, truncated. The net under
    the staff-written summary; the citizen's own words never come here (see public_line)."""
    text = " ".join((subject or "").split())
    if "@" in text:
        text = _EMAIL_RE.sub(REDACTED, text)
    if _DIGIT_RE.search(text):
        text = _NUMBER_RE.sub(lambda m: REDACTED if sum(ch.isdigit() for ch in m[0]) >= 6 else m[0], text)
    if not text:
        text = fallback
    if len(text) > SUBJECT_MAX:
        text = text[: SUBJECT_MAX - 1].rstrip() + "…"
    return text


def public_line(staff_summary: str | None, category: str, problem: str) -> str:
    """What T6 shows for a complaint: the summary a handler wrote, else "service — problem"."""
    service = str(COMPLAINT_SERVICES.get(category, category))
    problem_label = str(COMPLAINT_PROBLEMS.get(problem, problem))
    return public_summary(staff_summary, f"{service} — {problem_label}")


def public_list(w: Window) -> list[dict]:
    """T6 rows: open complaints received in the window, without anything identifying."""
    event = ComplaintEvent
    follow_ups = (
        select(func.count()).select_from(event)
        .where(event.complaint_id == Complaint.id, event.public.is_(True), event.at < w.end_utc,
               event.kind.not_in(NOT_FOLLOW_UPS))
        .correlate(Complaint).scalar_subquery()
    )
    # Status at the end of the window (status changes are public lines of the timeline).
    status_at_end = case(
        (Complaint.status_changed_at < w.end_utc, Complaint.status),
        else_=func.coalesce(_last_status_event(w), _milestone_status(w)),
    )
    stmt = (
        select(Complaint.ticket, Complaint.submitted_on, Complaint.category, Complaint.problem,
               Complaint.public_summary, follow_ups, status_at_end)
        .where(Complaint.privacy == "open", Complaint.submitted_on.between(w.start, w.end))
        .order_by(Complaint.submitted_on, Complaint.id)  # ids grow with filing: ticket order
    )
    # Labels translated once per build, not twice per row (25k rows at a million cases: seconds of gettext).
    services = {code: str(label) for code, label in COMPLAINT_SERVICES.items()}
    problems = {code: str(label) for code, label in COMPLAINT_PROBLEMS.items()}
    status_labels = {code: COMPLAINTS.public_label(code) for code in COMPLAINTS.statuses}
    # The line of a complaint without a staff summary depends only on its service and problem: made once
    # per pair (public_line's text), not once per row.
    default_lines: dict[tuple[str, str], str] = {}

    def line(staff_summary, category, problem):
        if staff_summary:
            return public_summary(staff_summary, f"{services.get(category, category)} — "
                                                 f"{problems.get(problem, problem)}")
        found = default_lines.get((category, problem))
        if found is None:
            found = default_lines[(category, problem)] = public_summary(
                None, f"{services.get(category, category)} — {problems.get(problem, problem)}")
        return found

    return [
        {
            "ticket": ticket,
            "submitted_on": submitted_on.isoformat(),
            "service": services.get(category, category),
            "summary": line(staff_summary, category, problem),
            "follow_ups": int(n or 0),
            "status_label": status_labels.get(status, status),
            "status": status,
        }  # in _t6_table's column order: Report.as_dict copies such a row as it is
        for ticket, submitted_on, category, problem, staff_summary, n, status in db.session.execute(stmt)
    ]


# --- Checks --------------------------------------------------------------------------------


def check_calendar(w: Window) -> None:
    """Working-day figures join calendar_days: make it cover the complaints and the period first.

    A fresh instance gets the table from `db upgrade`; a period or a complaint outside the built
    range extends it here (portal.workdays owns the rule), instead of failing.
    """
    oldest = db.session.scalar(select(func.min(Complaint.submitted_on)))
    need_from = min(oldest, w.start) if oldest else w.start
    try:
        workdays.ensure_calendar_table(need_from, w.end)
    except workdays.CalendarRangeError as exc:
        raise ReportError(str(exc)) from None


# --- Report assembly ---------------------------------------------------------------------

T1_COLUMNS = [
    Column("channel", "Kode kanal"),
    Column("label", "Kanal"),
    Column("opening", "Saldo awal"),
    Column("received", "Masuk"),
    Column("verified", "Diverifikasi"),
    Column("in_process", "Dalam proses"),
    Column("completed", "Selesai"),
    Column("dropped", "Diarsipkan / bukan kewenangan"),
    Column("closing", "Saldo akhir"),
]
BALANCE_KEYS = ("opening", "received", "verified", "in_process", "completed", "dropped", "closing")


def _channel_labels() -> dict[str, str]:
    return {code: str(label) for code, label in COMPLAINT_CHANNELS.items()}


def _t1_tables(per_channel: dict[str, dict]) -> tuple[Table, Table, dict]:
    labels = _channel_labels()
    codes = ordered_codes(labels, per_channel)
    rows, status_rows = [], []
    for code in codes:
        entry = per_channel.get(code)
        if entry is None:
            entry = _empty_balance()
            _finish_balance(entry)
        base = {"channel": code, "label": labels.get(code, code)}
        rows.append({**base, **{k: entry[k] for k in BALANCE_KEYS}})
        status_rows.append({**base, **entry["status"], "total": entry["population"]})
    total = total_balance(per_channel)
    t1 = Table("t1", "T1. Rekapitulasi pengaduan per kanal", T1_COLUMNS, rows,
               {"channel": "", "label": "Jumlah", **{k: total[k] for k in BALANCE_KEYS}},
               note="Saldo akhir = saldo awal + masuk − selesai − diarsipkan/bukan kewenangan.")
    status_columns = [Column("channel", "Kode kanal"), Column("label", "Kanal")] + [
        Column(code, COMPLAINTS.label(code)) for code in STATUS_ORDER] + [Column("total", "Jumlah")]
    t1_status = Table("t1_status", "T1. Status pengaduan pada akhir periode per kanal", status_columns, status_rows,
                      {"channel": "", "label": "Jumlah", **total["status"], "total": total["population"]},
                      note="Pengaduan saldo awal dan pengaduan masuk, menurut status pada akhir periode.")
    return t1, t1_status, total


def _t2_table(counts: dict[tuple[str, str], int]) -> Table:
    services = {code: str(label) for code, label in COMPLAINT_SERVICES.items()}
    problems = {code: str(label) for code, label in COMPLAINT_PROBLEMS.items()}
    service_codes = ordered_codes(services, (s for s, _ in counts))
    problem_codes = ordered_codes(problems, (p for _, p in counts))
    rows = []
    for service in service_codes:
        row = {"service": service, "label": services.get(service, service)}
        for problem in problem_codes:
            row[problem] = counts.get((service, problem), 0)
        row["total"] = sum(row[p] for p in problem_codes)
        rows.append(row)
    columns = [Column("service", "Kode layanan"), Column("label", "Layanan")] + [
        Column(p, problems.get(p, p)) for p in problem_codes] + [Column("total", "Jumlah")]
    total = {"service": "", "label": "Jumlah", **sum_rows(rows, problem_codes + ["total"])}
    return Table("t2", "T2. Pengaduan masuk menurut layanan dan masalah", columns, rows, total)


def _t3_table(counts: dict[str, dict[str, int]]) -> Table:
    labels = _unit_labels()
    codes = sorted((c for c in counts if c != NO_UNIT), key=lambda c: labels.get(c, c))
    codes.append(NO_UNIT)  # always shown, last: what still waits for a disposition to a bidang
    rows = [{"unit": code, "label": NO_UNIT_LABEL if code == NO_UNIT else labels.get(code, code),
             **counts.get(code, {"received": 0, "completed": 0})} for code in codes]
    columns = [Column("unit", "Kode bidang"), Column("label", "Bidang / unit"), Column("received", "Masuk"),
               Column("completed", "Selesai")]
    total = {"unit": "", "label": "Jumlah", **sum_rows(rows, ("received", "completed"))}
    return Table("t3", "T3. Pengaduan per bidang", columns, rows, total,
                 note="Masuk: diterima dalam periode, menurut bidang tujuan disposisi; selesai: diselesaikan "
                      "dalam periode.")


def _t4_table(t: dict) -> Table:
    sla, bases, units = sla_days(), sla_bases(), sla_units()
    columns = [Column("measure", "Kode"), Column("label", "Ukuran"), Column("sla_workdays", "Batas"),
               Column("sla_unit", "Satuan"), Column("total", "Jumlah"), Column("on_time", "Tepat waktu"), Column("late", "Terlambat"),
               Column("pct", "% tepat waktu")]
    rows = [
        {"measure": "verification", "label": "Verifikasi", "sla_workdays": sla["verification"],
         "sla_unit": _UNIT_LABELS[units["verification"]], **t["verification"]},
        {"measure": "first_response", "label": "Tindak lanjut pertama setelah verifikasi",
         "sla_workdays": sla["first_response"], "sla_unit": _UNIT_LABELS[units["first_response"]],
         **t["first_response"]},
        {"measure": "completion", "label": "Penyelesaian sejak pengaduan diterima",
         "sla_workdays": sla["completion"], "sla_unit": _UNIT_LABELS[units["completion"]], **t["completion"]},
    ]
    note = (f"Rata-rata {_fmt(t['mean_workdays_to_complete'])} dan median "
            f"{_fmt(t['median_workdays_to_complete'])} hari kerja sampai selesai. Dasar: "
            + "; ".join(bases.values()))
    return Table("t4", "T4. Ketepatan waktu penanganan", columns, rows, note=note)


_UNIT_LABELS = {workflow.WORKING_DAYS: "hari kerja", workflow.CALENDAR_DAYS: "hari kalender"}


def _fmt(value) -> str:
    return "-" if value is None else str(value).replace(".", ",")


def _t5_table(t1: Table) -> Table:
    columns = [Column("channel", "Kode kanal"), Column("label", "Kanal"), Column("base", "Saldo awal + masuk"),
               Column("completed", "Selesai"), Column("rate", "Tingkat penyelesaian (%)")]

    def row(r):
        base = r["opening"] + r["received"]
        return {"channel": r["channel"], "label": r["label"], "base": base, "completed": r["completed"],
                "rate": pct(r["completed"], base)}

    return Table("t5", "T5. Tingkat penyelesaian", columns, [row(r) for r in t1.rows], row(t1.total),
                 note="Tingkat penyelesaian = selesai ÷ (saldo awal + masuk) × 100%.")


def _t6_table(rows: list[dict]) -> Table:
    columns = [Column("ticket", "Nomor tiket"), Column("submitted_on", "Tanggal"), Column("service", "Layanan"),
               Column("summary", "Ringkasan"), Column("follow_ups", "Tindak lanjut publik"),
               Column("status_label", "Status pada akhir periode"),
               Column("status", "Kode status")]
    return Table("t6", "T6. Daftar tindak lanjut pengaduan (terbuka, tanpa identitas)", columns, rows,
                 note="Hanya pengaduan yang diajukan sebagai terbuka; identitas pelapor tidak dicantumkan.")


def _t7_table(ratings: dict) -> Table:
    columns = [Column("rating", "Nilai"), Column("count", "Jumlah"), Column("pct", "%")]
    n = ratings["count"]
    rows = [{"rating": int(k), "count": v, "pct": pct(v, n)} for k, v in ratings["distribution"].items()]
    return Table("t7", "T7. Kepuasan pelapor", columns, rows, {"rating": "Jumlah", "count": n, "pct": pct(n, n)},
                 note=f"Rata-rata nilai {_fmt(ratings['mean'])} dari 5, atas pengaduan yang selesai dalam periode.")


def _summary(total: dict, t: dict) -> dict:
    return {
        **{k: total[k] for k in BALANCE_KEYS},
        "completion_rate": total["completion_rate"],
        "verified_within_sla_pct": t["verification"]["pct"],
        "responded_within_sla_pct": t["first_response"]["pct"],
        "completed_within_sla_pct": t["completion"]["pct"],
        "mean_workdays_to_complete": t["mean_workdays_to_complete"],
        "median_workdays_to_complete": t["median_workdays_to_complete"],
        "ratings": t["ratings"]["count"],
        "mean_rating": t["ratings"]["mean"],
        "rating_distribution": dict(t["ratings"]["distribution"]),
        "sla_workdays": sla_days(),
        "sla_units": sla_units(),
    }


def _core(period: Period) -> tuple[Window, dict, Table, Table, dict, dict]:
    w = Window.of(period)
    check_calendar(w)
    per_channel = balance(w)
    t1, t1_status, total = _t1_tables(per_channel)
    t = timeliness(w)
    return w, per_channel, t1, t1_status, total, t


TREND = [
    ("received", "Pengaduan masuk"),
    ("verified", "Diverifikasi"),
    ("completed", "Selesai"),
    ("closing", "Saldo akhir"),
    ("completion_rate", "Tingkat penyelesaian (%)"),
    ("verified_within_sla_pct", "% verifikasi tepat waktu"),
    ("responded_within_sla_pct", "% tindak lanjut pertama tepat waktu"),
    ("completed_within_sla_pct", "% selesai tepat waktu"),
    ("mean_workdays_to_complete", "Rata-rata hari kerja sampai selesai"),
    ("median_workdays_to_complete", "Median hari kerja sampai selesai"),
    ("mean_rating", "Rata-rata kepuasan"),
]


@register(CHANNEL, "Pengaduan masyarakat")
def build(period: Period) -> Report:
    w, _, t1, t1_status, total, t = _core(period)
    summary = _summary(total, t)
    pairs, received_per_unit = received_counts(w)
    tables = [t1, t1_status, _t2_table(pairs), _t3_table(per_unit(w, received_per_unit)), _t4_table(t),
              _t5_table(t1)]
    if period.is_month:
        title = f"Laporan Bulanan Tindak Lanjut Pengaduan Masyarakat — {period.label}"
        tables.append(_t6_table(public_list(w)))
    else:
        title = f"Monitoring dan Evaluasi Pengaduan Masyarakat — {period.label}"
        tables.append(_months_table(period))
    tables.append(_t7_table(t["ratings"]))
    if period.is_semester:
        tables.append(_trend_table(period, summary))
    return Report(CHANNEL, period, title, total["received"], summary, tables)


def monthly_balance(month: Period) -> dict:
    w = Window.of(month)
    return total_balance(balance(w))


def _months_table(semester: Period) -> Table:
    columns = [Column("period", "Periode"), Column("label", "Bulan"), Column("opening", "Saldo awal"),
               Column("received", "Masuk"), Column("verified", "Diverifikasi"), Column("completed", "Selesai"),
               Column("dropped", "Diarsipkan / bukan kewenangan"), Column("closing", "Saldo akhir"),
               Column("completion_rate", "Tingkat penyelesaian (%)")]
    rows = []
    for month in semester.months():
        b = monthly_balance(month)
        rows.append({"period": month.code, "label": month.label,
                     **{k: b[k] for k in ("opening", "received", "verified", "completed", "dropped", "closing",
                                          "completion_rate")}})
    sums = sum_rows(rows, ("received", "verified", "completed", "dropped"))
    total = {"period": semester.code, "label": "Semester", "opening": rows[0]["opening"], **sums,
             "closing": rows[-1]["closing"], "completion_rate": pct(sums["completed"], rows[0]["opening"] + sums["received"])}
    return Table("months", "Rincian per bulan", columns, rows, total,
                 note="Masuk, diverifikasi dan selesai semester = jumlah enam bulan; saldo awal = bulan pertama; "
                      "saldo akhir = bulan terakhir.")


def _trend_table(period: Period, summary: dict) -> Table:
    previous = period.previous()
    _, _, _, _, prev_total, prev_t = _core(previous)
    prev_summary = _summary(prev_total, prev_t)
    columns = [Column("figure", "Kode"), Column("label", "Ukuran"), Column("current", period.label),
               Column("previous", previous.label), Column("change", "Perubahan"), Column("change_pct", "Perubahan (%)")]
    rows = [{"figure": key, "label": label, **change(summary[key], prev_summary[key])} for key, label in TREND]
    return Table("trend", f"Tren dibanding {previous.label}", columns, rows)
