"""Status workflows of every channel, each defined once as a table of allowed transitions."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Status:
    code: str
    label: object  # lazy string
    public_label: object | None = None
    terminal: bool = False
    # Deadline of this step in working days, and its legal basis (shown beside the setting).
    sla_days: int | None = None
    sla_basis: str = ""


@dataclass(frozen=True)
class Workflow:
    channel: str
    initial: str
    statuses: dict[str, Status]
    transitions: dict[str, frozenset[str]]
    reason_required: frozenset[str] = field(default_factory=frozenset)

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
        "in_progress": Status("in_progress", _l("Sedang Diproses"), sla_days=60,
                              sla_basis="UU 25/2009 Ps 50; Perpres 76/2013: diselesaikan paling lama 60 hari"),
        "pending": Status("pending", _l("Tertunda - Perlu Dilengkapi"), sla_days=30,
                          sla_basis="UU 25/2009 Ps 45: pelapor melengkapi berkas paling lama 30 hari"),
        "completed": Status("completed", _l("Selesai")),
        "not_authority": Status("not_authority", _l("Bukan Kewenangan"), terminal=True),
        "archived": Status("archived", _l("Arsip"), terminal=True),
        "closed": Status("closed", _l("Ditutup"), terminal=True),
    },
    transitions=_t({
        "unverified": {"dispositioned", "pending", "not_authority", "archived"},
        "pending": {"unverified", "dispositioned", "archived"},
        "dispositioned": {"in_progress", "not_authority"},
        "in_progress": {"completed", "pending", "not_authority"},
        "completed": {"closed", "in_progress"},
    }),
    reason_required=frozenset({"archived", "not_authority", "closed", "pending"}),
)

WORKFLOWS = {"complaints": COMPLAINTS}
