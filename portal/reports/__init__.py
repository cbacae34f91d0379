"""Monthly and semester reports (DOMAIN.md §4): one registry of report builders per channel.

A channel module registers its builder with `@register("complaints", …)` and is listed in
BUILTIN_MODULES; `build_report(channel, period)` finds it. Figures are SQL aggregates.

    from portal.reports import build_report, Period
    report = build_report("complaints", Period.parse("2026-10"))
    report.as_dict(); report.to_csv()
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from .aggregate import Column, Report, ReportError, Table
from . import periods
from .periods import MONTH, SEMESTER, Period, PeriodError

__all__ = [
    "BUILTIN_MODULES", "CONTRACT_CHANNELS", "ChannelReports", "Column", "MONTH", "Period", "PeriodError",
    "PeriodNotOffered", "Report", "ReportError", "SEMESTER", "Table", "UnknownChannel", "build_report",
    "get_channel", "register", "registry",
]

# The channels CONTRACT.md names for `reports build`; a name here that no module registered
# yet answers "not yet available" rather than "unknown".
CONTRACT_CHANNELS = ("complaints", "gratification", "wbs", "skm")

# Modules that register builders when imported. Add a channel's module here.
BUILTIN_MODULES = ("portal.reports.complaints", "portal.reports.gratification", "portal.reports.wbs",
                   "portal.reports.skm", "portal.reports.coi",
                   "portal.reports.zi_monev", "portal.reports.perception")

Builder = Callable[[Period], Report]


@dataclass(frozen=True)
class ChannelReports:
    channel: str
    label: str
    build: Builder
    kinds: tuple[str, ...] = (MONTH, SEMESTER)


class UnknownChannel(ReportError):
    pass


class PeriodNotOffered(ReportError):
    pass


_REGISTRY: dict[str, ChannelReports] = {}
_loaded = False


def register(channel: str, label: str, *, kinds: tuple[str, ...] = (MONTH, SEMESTER)):
    """Decorator: `builder(period) -> Report` becomes the report of `channel`."""

    def decorate(builder: Builder) -> Builder:
        _REGISTRY[channel] = ChannelReports(channel, label, builder, tuple(kinds))
        return builder

    return decorate


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        for name in BUILTIN_MODULES:
            importlib.import_module(name)
        _loaded = True


def registry() -> dict[str, ChannelReports]:
    _load_builtin()
    return dict(_REGISTRY)


def get_channel(channel: str) -> ChannelReports:
    entries = registry()
    entry = entries.get(channel)
    if entry is not None:
        return entry
    available = ", ".join(sorted(entries)) or "-"
    if channel in CONTRACT_CHANNELS:
        raise UnknownChannel(f"laporan kanal {channel!r} belum tersedia (tersedia: {available})")
    raise UnknownChannel(f"kanal laporan tidak dikenal: {channel!r} (tersedia: {available})")


PROVISIONAL_SUFFIX = " (sementara)"


def build_report(channel: str, period: Period | str) -> Report:
    """Build the report of `channel` for `period` (a Period or a code like "2026-10"). A period
    that has not ended yet gives a provisional report ("sementara"): it can be previewed, never
    published (portal.reports.publication)."""
    entry = get_channel(channel)
    if not isinstance(period, Period):
        period = Period.parse(period)
    if period.kind not in entry.kinds:
        offered = " atau ".join("bulanan" if k == MONTH else "semester" for k in entry.kinds)
        raise PeriodNotOffered(f"laporan kanal {channel!r} hanya tersedia {offered}, bukan {period.code}")
    report = entry.build(period)
    if not period.is_over(periods.office_today()):
        report.provisional = True
        report.title += PROVISIONAL_SUFFIX
    return report
