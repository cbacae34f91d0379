"""Status workflows of every channel, each defined once as a table of allowed transitions."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

# The unit of a deadline, as its basis writes it: "hari" in UU 25/2009 counts calendar days,
# "hari kerja" (HK) counts working days (DOMAIN.md §1).
WORKING_DAYS = "working"
CALENDAR_DAYS = "calendar"
UNITS = {WORKING_DAYS: _l("hari kerja"), CALENDAR_DAYS: _l("hari kalender")}

# Where a step's clock starts, as its basis names it: the day the case entered the step, or the
# day the report was received (the gratification clocks "sejak laporan diterima UPG" and
# PerKPK 1/2026's "sejak tanggal laporan"), which no later step restarts.
FROM_STEP = "step"
FROM_REPORT = "report"


@dataclass(frozen=True)
class Status:
    code: str
    label: object  # lazy string
    public_label: object | None = None
    terminal: bool = False
    # Deadline of this step, its unit, its legal basis (shown beside the setting) and its anchor.
    sla_days: int | None = None
    sla_basis: str = ""
    sla_unit: str = WORKING_DAYS
    sla_anchor: str = FROM_STEP
    # A step that runs on another step's clock (one deadline, one setting): the code of that step.
    sla_step: str | None = None


@dataclass(frozen=True)
class Workflow:
    channel: str
    initial: str
    statuses: dict[str, Status]
    transitions: dict[str, frozenset[str]]
    reason_required: frozenset[str] = field(default_factory=frozenset)
    # Statuses a case enters only once the office's final answer (tanggapan final) is written.
    answer_required: frozenset[str] = field(default_factory=frozenset)
    # Statuses in which the case is finished with an answer (counted as resolved by the reports).
    # A resolved status that is not terminal (complaints' Selesai, which may reopen) still leaves
    # the open balance.
    resolved: frozenset[str] = field(default_factory=frozenset)

    # --- Status sets: the one answer to "which statuses are open / closing" ------------------

    @cached_property
    def terminal(self) -> frozenset[str]:
        """Statuses with no way out."""
        return frozenset(code for code, status in self.statuses.items() if status.terminal)

    @cached_property
    def closing(self) -> frozenset[str]:
        """Statuses that take a case out of the open balance (entering one stamps closed_on)."""
        return self.terminal | self.resolved

    @cached_property
    def open(self) -> tuple[str, ...]:
        """Statuses of cases still being worked on (queues, dashboards, digests), in table order."""
        closing = self.closing
        return tuple(code for code in self.statuses if code not in closing)

    @cached_property
    def dropped(self) -> tuple[str, ...]:
        """Terminal statuses reached without an answer (archived, not the office's authority...)."""
        return tuple(code for code in self.statuses if code in self.terminal and code not in self.resolved)

    def on_clock(self, step: str) -> frozenset[str]:
        """`step` and the steps that run on its clock (sla_step)."""
        return frozenset({step} | {code for code, status in self.statuses.items() if status.sla_step == step})

    def due(self, status: str, *, entered_on: date, reported_on: date | None = None) -> date | None:
        """The deadline of `status` (see due_date)."""
        return due_date(self.channel, status, entered_on=entered_on, reported_on=reported_on)

    def allowed(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def next_statuses(self, current: str) -> list[Status]:
        return [self.statuses[code] for code in self.statuses if code in self.transitions.get(current, ())]

    def label(self, code: str) -> str:
        status = self.statuses.get(code)
        return str(status.label) if status else code

    def public_label(self, code: str) -> str:
        status = self.statuses.get(code)
        if status is None:
            return code
        return str(status.public_label or status.label)

    def check(self, current: str, target: str, reason: str | None) -> None:
        if not self.allowed(current, target):
            raise TransitionRefused(self.label(current), self.label(target))
        if target in self.reason_required and not (reason and reason.strip()):
            raise ReasonRequired(self.label(target))


class TransitionRefused(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"{current} -> {target}")
        self.current, self.target = current, target


class ReasonRequired(ValueError):
    def __init__(self, target: str):
        super().__init__(target)
        self.target = target


def _t(mapping: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in mapping.items()}


# Pengaduan, with the SP4N-LAPOR! labels (DOMAIN.md §3).
COMPLAINTS = Workflow(
    channel="complaints",
    initial="unverified",
    statuses={
        "unverified": Status("unverified", _l("Belum Terverifikasi"), sla_days=3,
                             sla_basis="SP4N-LAPOR!: verifikasi laporan paling lama 3 hari kerja"),
        "dispositioned": Status("dispositioned", _l("Terdisposisi - Belum Ditindaklanjuti"), sla_days=5,
                                sla_basis="SP4N-LAPOR!: tindak lanjut pertama paling lama 5 hari kerja setelah disposisi"),
        "in_progress": Status("in_progress", _l("Sedang Diproses"), sla_days=60, sla_unit=CALENDAR_DAYS,
                              sla_basis="UU 25/2009 Ps 50; Perpres 76/2013: diselesaikan paling lama 60 hari"),
        "pending": Status("pending", _l("Tertunda - Perlu Dilengkapi"), sla_days=30, sla_unit=CALENDAR_DAYS,
                          sla_basis="UU 25/2009 Ps 45: pelapor melengkapi berkas paling lama 30 hari"),
        "completed": Status("completed", _l("Selesai")),
        "not_authority": Status("not_authority", _l("Bukan Kewenangan"), terminal=True),
        "archived": Status("archived", _l("Arsip"), terminal=True),
        "closed": Status("closed", _l("Ditutup"), terminal=True),
    },
    transitions=_t({
        "unverified": {"dispositioned", "pending", "not_authority", "archived"},
        # Back to the step it came from once the citizen completes it (portal.replies), or withdrawn
        # (Arsip) when not completed within the 30 days of UU 25/2009 Ps 45 (`complaints withdraw-stale`).
        "pending": {"unverified", "dispositioned", "in_progress", "archived"},
        "dispositioned": {"in_progress", "not_authority"},
        "in_progress": {"completed", "pending", "not_authority"},
        "completed": {"closed", "in_progress"},
    }),
    reason_required=frozenset({"archived", "not_authority", "closed", "pending"}),
    # Selesai means the office answered: UU 25/2009 Ps 50 requires the decision sent to the complainant.
    answer_required=frozenset({"completed"}),
    # Finished with an answer (Selesai, Ditutup); Selesai may still reopen.
    resolved=frozenset({"completed", "closed"}),
)

# WBS (DOMAIN.md §3): Diterima → Telaah (Tidak Memenuhi → Ditutup+alasan | Butuh Info via kode)
# → Klarifikasi/Audit atau Diteruskan (Inspektorat/APH/KPK) → Rekomendasi → Tindak Lanjut → Selesai.
# The SLA values are office practice [M]: check them against the SK of the Tim WBS and adjust them
# in the admin SLA table; the basis is shown next to each.
_WBS_PRACTICE = "SE MenPANRB 8/2012 (pedoman WBS) dan SOP Tim WBS (praktik; sesuaikan dengan SK Tim WBS)"
WBS = Workflow(
    channel="wbs",
    initial="received",
    statuses={
        "received": Status("received", _l("Diterima"), sla_days=3,
                           sla_basis=_WBS_PRACTICE + ": laporan dicatat dan mulai ditelaah paling lama 3 hari kerja"),
        "telaah": Status("telaah", _l("Telaah"), sla_days=14,
                         sla_basis=_WBS_PRACTICE + ": telaah kelengkapan 4W1H dan bukti awal paling lama 14 hari kerja"),
        "need_info": Status("need_info", _l("Butuh Informasi Tambahan"), _l("Menunggu informasi tambahan dari Anda"),
                            sla_days=30, sla_basis=_WBS_PRACTICE + ": pelapor melengkapi melalui kotak pesan, 30 hari kerja"),
        "clarification": Status("clarification", _l("Klarifikasi / Audit"), _l("Sedang diklarifikasi"), sla_days=30,
                                sla_basis=_WBS_PRACTICE + ": klarifikasi/audit investigatif paling lama 30 hari kerja"),
        "forwarded_inspektorat": Status("forwarded_inspektorat", _l("Diteruskan ke Inspektorat"), sla_days=60,
                                        sla_basis="Perbup/SOP pengawasan: pemantauan hasil dari APIP (praktik)"),
        "forwarded_aph": Status("forwarded_aph", _l("Diteruskan ke Aparat Penegak Hukum"), sla_days=60,
                                sla_basis="Pemantauan hasil dari APH (praktik)"),
        "forwarded_kpk": Status("forwarded_kpk", _l("Diteruskan ke KPK"), sla_days=60,
                                sla_basis="Pemantauan hasil dari KPK (praktik)"),
        "recommendation": Status("recommendation", _l("Rekomendasi"), sla_days=14,
                                 sla_basis=_WBS_PRACTICE + ": rekomendasi kepada pimpinan paling lama 14 hari kerja"),
        "follow_up": Status("follow_up", _l("Tindak Lanjut"), sla_days=60,
                            sla_basis=_WBS_PRACTICE + ": tindak lanjut rekomendasi paling lama 60 hari kerja"),
        "done": Status("done", _l("Selesai"), terminal=True),
        "closed": Status("closed", _l("Ditutup (tidak memenuhi syarat)"), _l("Ditutup"), terminal=True),
    },
    transitions=_t({
        "received": {"telaah", "closed"},
        "telaah": {"closed", "need_info", "clarification", "forwarded_inspektorat", "forwarded_aph", "forwarded_kpk"},
        "need_info": {"telaah", "closed"},
        "clarification": {"recommendation", "forwarded_inspektorat", "forwarded_aph", "forwarded_kpk", "closed"},
        "forwarded_inspektorat": {"recommendation", "follow_up", "done"},
        "forwarded_aph": {"recommendation", "follow_up", "done"},
        "forwarded_kpk": {"recommendation", "follow_up", "done"},
        "recommendation": {"follow_up"},
        "follow_up": {"done"},
    }),
    reason_required=frozenset({"closed", "need_info", "forwarded_inspektorat", "forwarded_aph", "forwarded_kpk"}),
    resolved=frozenset({"done"}),
)

# Gratifikasi (DOMAIN.md §3): Dilaporkan → Verifikasi UPG (Lengkap | Perlu Lengkap ≤20 HK) →
# Analisis (Tidak Wajib Lapor → Arsip | Wajib) → Diteruskan ke UPG Kab./KPK → SK KPK (Milik Negara |
# Milik Penerima) → Tindak Lanjut SK → Selesai. Penolakan: Dilaporkan → Dicatat → Selesai.
# The web form submits at once, so there is no Draf status. One table serves both kinds of report;
# portal.gratification.services.next_statuses() keeps refusals on their short path. Entering
# "forwarded" needs the GOL number and date, "decided" the decree number, date and decision: those
# are fields of GratificationReport, checked by the back office, not reasons.
_UPG_TO_KPK = ("UPG meneruskan laporan ke KPK paling lama 10 hari kerja sejak laporan diterima UPG "
               "(peraturan instansi, mis. Perban BPIP 4/2021 Ps 7; sesuaikan dengan Perbup yang berlaku)")
GRATIFICATION = Workflow(
    channel="gratification",
    initial="reported",
    statuses={
        # The UPG → KPK clock runs from the report date through verification and analysis: one
        # deadline, the one the admin sets on "analysis".
        "reported": Status("reported", _l("Dilaporkan"), _l("Diterima UPG, menunggu verifikasi"),
                           sla_anchor=FROM_REPORT, sla_step="analysis"),
        "incomplete": Status("incomplete", _l("Verifikasi: Perlu Dilengkapi"), _l("Perlu dilengkapi oleh pelapor"),
                             sla_days=20, sla_anchor=FROM_REPORT,
                             sla_basis="PerKPK 1/2026: laporan yang tidak dilengkapi paling lama "
                                       "20 hari kerja sejak tanggal laporan tidak diproses lebih lanjut"),
        # The UPG → KPK clock: the deadline of the whole step "before forwarding" (forward_due_on).
        "analysis": Status("analysis", _l("Verifikasi Lengkap - Analisis"), _l("Sedang dianalisis UPG"), sla_days=10,
                           sla_basis=_UPG_TO_KPK, sla_anchor=FROM_REPORT),
        "forwarded": Status("forwarded", _l("Diteruskan ke UPG Kabupaten/KPK"), sla_days=30,
                            sla_basis="UU 30/2002 Ps 17: KPK menetapkan status kepemilikan gratifikasi paling lama "
                                      "30 hari kerja sejak laporan diterima"),
        "decided": Status("decided", _l("SK KPK Diterbitkan"), sla_days=7,
                          sla_basis="UU 30/2002 Ps 17: penyerahan gratifikasi yang ditetapkan milik negara kepada "
                                    "Menteri Keuangan paling lama 7 hari kerja"),
        "follow_up": Status("follow_up", _l("Tindak Lanjut SK"), sla_days=7,
                            sla_basis="UU 30/2002 Ps 17: penyerahan/penyetoran paling lama 7 hari kerja sejak SK"),
        "recorded": Status("recorded", _l("Penolakan Dicatat")),
        "done": Status("done", _l("Selesai"), terminal=True),
        "archived": Status("archived", _l("Arsip - Tidak Wajib Lapor"), _l("Tidak wajib dilaporkan ke KPK"),
                           terminal=True),
        "stopped": Status("stopped", _l("Dihentikan - Tidak Dilengkapi"), terminal=True),
    },
    transitions=_t({
        "reported": {"analysis", "incomplete", "recorded"},
        "incomplete": {"analysis", "recorded", "stopped"},
        "analysis": {"forwarded", "archived", "incomplete"},
        "forwarded": {"decided"},
        "decided": {"follow_up", "done"},
        "follow_up": {"done"},
        "recorded": {"done"},
    }),
    # Told to the reporter: what is missing, why no report to KPK is needed, why it stopped.
    reason_required=frozenset({"incomplete", "archived", "stopped"}),
    resolved=frozenset({"done"}),
)

WORKFLOWS = {"complaints": COMPLAINTS, "wbs": WBS, "gratification": GRATIFICATION}


# --- Deadlines: the one lookup every deadline computation goes through -----------------------

_G_SLA = "_portal_sla_settings"


class Sla(NamedTuple):
    """A step's deadline: (days, basis) first, as callers unpack them; then its unit and anchor."""

    days: int | None
    basis: str
    unit: str = WORKING_DAYS
    anchor: str = FROM_STEP

    @property
    def unit_label(self) -> str:
        return str(UNITS.get(self.unit, self.unit))


def _sla_settings() -> dict:
    """Admin overrides (portal.models.settings.SlaSetting), read once per app context."""
    from flask import g

    cached = g.get(_G_SLA)
    if cached is None:
        from . import configcache

        # Kept by the worker until a write to the table changes the configuration's key.
        cached = configcache.shared("sla_settings", _read_sla_settings)
        setattr(g, _G_SLA, cached)
    return cached


def _read_sla_settings():
    from types import MappingProxyType

    from sqlalchemy import select

    from .extensions import db
    from .models.settings import SlaSetting

    rows = db.session.execute(select(SlaSetting.channel, SlaSetting.status, SlaSetting.days, SlaSetting.basis,
                                     SlaSetting.unit))
    return MappingProxyType({(channel, status): (days, basis, unit) for channel, status, days, basis, unit in rows})


def forget_sla_settings() -> None:
    """Call after changing SlaSetting rows so this context reads them again."""
    from flask import g

    from . import configcache

    g.pop(_G_SLA, None)
    configcache.forget()


def sla(channel: str, status: str) -> Sla:
    """The deadline of a step: the admin's setting, else the default above. The anchor is the
    basis's and not a setting; a setting stored without a unit keeps the step's default unit.
    A step on another step's clock (Status.sla_step) has that step's deadline."""
    default = WORKFLOWS[channel].statuses[status]
    if default.sla_step:
        return sla(channel, default.sla_step)
    stored = _sla_settings().get((channel, status))
    if stored is None:
        return Sla(default.sla_days, default.sla_basis, default.sla_unit, default.sla_anchor)
    days, basis, unit = stored
    return Sla(days, basis, unit if unit in UNITS else default.sla_unit, default.sla_anchor)


def sla_days(channel: str, status: str) -> int | None:
    return sla(channel, status)[0]


def add_days(start: date, days: int, unit: str) -> date:
    """`days` after `start` in `unit`: day 1 is the day after `start` (a calendar day, or the
    first working day after it)."""
    if unit == CALENDAR_DAYS:
        return start + timedelta(days=days)
    from . import workdays

    return workdays.add_working_days(start, days)


def days_between(start: date, end: date, unit: str) -> int:
    """How many days of `unit` lie in (start, end]; negative when end is before start."""
    if unit == CALENDAR_DAYS:
        return (end - start).days
    from . import workdays

    return workdays.working_days_between(start, end)


def due_date(channel: str, status: str, *, entered_on: date, reported_on: date | None = None) -> date | None:
    """The deadline of `status`, counted in its unit from the event its basis names: the day the
    case entered the step, or the day the report was received (`reported_on`), which a later
    step never moves. None for a step without a deadline."""
    rule = sla(channel, status)
    if not rule.days:
        return None
    start = reported_on if rule.anchor == FROM_REPORT and reported_on is not None else entered_on
    return add_days(start, rule.days, rule.unit)
