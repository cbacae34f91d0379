"""Publication workflow of reports: a channel team prepares a draft, a leader approves or sends
it back, approval publishes an immutable snapshot; a correction is a new version.

    draft = prepare(user, "complaints", "2026-S1", follow_up_plan="…")   # role of the channel
    send_back(leader, draft.id, "Lengkapi RTL")                          # role leader, reason required
    resubmit(user, draft.id, follow_up_plan="…")
    published = approve(leader, draft.id)                                # role leader

Every step is audited in the same write transaction as the change. The leader sees the figures
(the same aggregates the public will see) and never a case.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import func, select

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models.publication import (DRAFT_PENDING, DRAFT_PUBLISHED, DRAFT_RETURNED, PublishedReport, ReportDraft)
from ..models.types import utcnow
from . import PeriodError, ReportError, build_report, get_channel, registry
from . import periods, render
from .periods import Period

CHANNEL_ORDER = ("complaints", "gratification", "wbs", "skm", "perception", "coi", "zi_monev")
# The roles whose team prepares a channel's reports, when it is not the channel's own name: the SKM is
# run by the service and complaint unit (pengelola pengaduan), which also moderates its suggestions, and
# so are its perception surveys (IPAK/IPKP);
# the conflict-of-interest monev and the Lembar Monev ZI by the ZI team (portal.zi.TEAM_ROLES).
TEAM_ROLE = {"skm": ("complaints",), "perception": ("complaints",), "coi": ("admin", "leader"),
             "zi_monev": ("admin", "leader")}
PLAN_MIN, TEXT_MAX = 20, 5000
LEADER = "leader"
MAX_ID = 2**31 - 1  # INTEGER primary keys: a larger number in a URL is simply not found


class PublicationError(ValueError):
    """A step refused; `errors` maps form fields to messages (Indonesian)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def channel_label(channel: str) -> str:
    entry = registry().get(channel)
    return entry.label if entry else channel


def channels() -> list[str]:
    known = registry()
    return [c for c in CHANNEL_ORDER if c in known]


def team_roles(channel: str) -> tuple[str, ...]:
    return TEAM_ROLE.get(channel, (channel,))


def is_team(user, channel: str) -> bool:
    return user.has_role(*team_roles(channel))


def channels_for(user) -> list[str]:
    """Channels whose reports `user` may prepare: the channel's team role."""
    return [c for c in channels() if is_team(user, c)]


def may_view_draft(user, draft: ReportDraft) -> bool:
    return user.has_role(LEADER) or is_team(user, draft.channel)


def latest_version(channel: str, period: str) -> int:
    return db.session.scalar(select(func.coalesce(func.max(PublishedReport.version), 0))
                             .where(PublishedReport.channel == channel, PublishedReport.period == period))


def _ref(channel: str, period: str) -> str:
    return f"laporan:{channel}:{period}"


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _check_text(errors: dict, field: str, text: str, required: bool, what: str) -> None:
    if required and len(text) < PLAN_MIN:
        errors.setdefault(field, []).append(f"{what} wajib diisi (paling sedikit {PLAN_MIN} karakter).")
    if len(text) > TEXT_MAX:
        errors.setdefault(field, []).append(f"{what} paling banyak {TEXT_MAX} karakter.")


def _check_draft(channel: str, period: Period, plan: str, correction: str, errors: dict) -> None:
    _check_text(errors, "follow_up_plan", plan, period.is_semester, "Rencana tindak lanjut")
    published = latest_version(channel, period.code)
    _check_text(errors, "correction_note", correction, published > 0,
                f"Penjelasan perubahan dari versi {published}" if published else "Penjelasan perubahan")


def _check_over(period: Period, errors: dict, field: str = "period") -> None:
    """Only a period that has ended is published: its figures no longer change (a running month's
    "nihil" or completion rate would be a statement about days still to come)."""
    if not period.is_over(periods.office_today()):
        errors.setdefault(field, []).append(
            f"Periode {period.label} belum berakhir (berakhir {period.end.isoformat()}): laporan hanya dapat "
            "disiapkan, disetujui dan diterbitkan setelah periodenya selesai. Gunakan pratinjau sementara.")


def _parse_period(channel: str, code: str, errors: dict) -> Period | None:
    try:
        period = Period.parse(code)
    except PeriodError as exc:
        errors.setdefault("period", []).append(str(exc))
        return None
    entry = get_channel(channel)
    if period.kind not in entry.kinds:
        if channel == "wbs":
            errors.setdefault("period", []).append(
                "Laporan WBS hanya diterbitkan per semester (contoh 2026-S1): jumlah per bulan terlalu kecil "
                "sehingga laporan dapat dikenali.")
        else:
            errors.setdefault("period", []).append("Periode ini tidak tersedia untuk kanal tersebut.")
        return None
    return period


def prepare(user, channel: str, period_code: str, follow_up_plan: str | None = None,
            correction_note: str | None = None) -> ReportDraft:
    errors: dict[str, list[str]] = {}
    if channel not in channels_for(user):
        errors["channel"] = ["Anda hanya dapat menyiapkan laporan kanal yang Anda tangani."]
        raise PublicationError(errors)
    period = _parse_period(channel, (period_code or "").strip(), errors)
    plan, correction = _clean(follow_up_plan), _clean(correction_note)
    if period is not None:
        _check_over(period, errors)
    if period is not None and not errors:
        _check_draft(channel, period, plan, correction, errors)
        open_draft = db.session.scalar(select(ReportDraft.id).where(
            ReportDraft.channel == channel, ReportDraft.period == period.code,
            ReportDraft.status.in_((DRAFT_PENDING, DRAFT_RETURNED))))
        if open_draft:
            errors.setdefault("period", []).append(
                "Sudah ada draf untuk kanal dan periode ini; perbaiki draf tersebut.")
        else:
            try:
                build_report(channel, period)  # the figures can be built (calendar present, …)
            except ReportError as exc:
                errors.setdefault("period", []).append(str(exc))
    if errors:
        raise PublicationError(errors)
    with write_transaction() as session:
        draft = ReportDraft(channel=channel, period=period.code, status=DRAFT_PENDING, follow_up_plan=plan or None,
                            correction_note=correction or None, prepared_by_id=user.id, prepared_at=utcnow())
        session.add(draft)
        session.flush()
        audit.log("report_draft_prepared", actor=user, channel=channel, case_ref=_ref(channel, period.code),
                  detail={"draft_id": draft.id, "period": period.code})
    return draft


def _draft(draft_id: int) -> ReportDraft:
    draft = db.session.get(ReportDraft, draft_id) if 0 < draft_id <= MAX_ID else None
    if draft is None:
        raise LookupError(draft_id)
    return draft


def resubmit(user, draft_id: int, follow_up_plan: str | None, correction_note: str | None) -> ReportDraft:
    draft = _draft(draft_id)
    if not is_team(user, draft.channel):
        raise PublicationError({"channel": ["Anda hanya dapat mengubah draf kanal yang Anda tangani."]})
    if draft.status != DRAFT_RETURNED:
        raise PublicationError({"status": ["Hanya draf yang dikembalikan yang dapat diperbaiki."]})
    plan, correction = _clean(follow_up_plan), _clean(correction_note)
    errors: dict[str, list[str]] = {}
    _check_draft(draft.channel, Period.parse(draft.period), plan, correction, errors)
    if errors:
        raise PublicationError(errors)
    with write_transaction():
        draft.follow_up_plan = plan or None
        draft.correction_note = correction or None
        draft.status = DRAFT_PENDING
        draft.prepared_by_id = user.id
        draft.prepared_at = utcnow()
        audit.log("report_draft_resubmitted", actor=user, channel=draft.channel,
                  case_ref=_ref(draft.channel, draft.period), detail={"draft_id": draft.id})
    return draft


def _check_leader(leader, draft: ReportDraft) -> None:
    if not leader.has_role(LEADER):
        raise PublicationError({"status": ["Hanya pimpinan yang dapat menyetujui atau mengembalikan laporan."]})
    if draft.status != DRAFT_PENDING:
        raise PublicationError({"status": ["Draf ini tidak sedang menunggu persetujuan."]})
    if draft.prepared_by_id == leader.id:
        raise PublicationError({"status": ["Draf tidak dapat disetujui oleh penyusunnya sendiri."]})


def send_back(leader, draft_id: int, reason: str | None) -> ReportDraft:
    draft = _draft(draft_id)
    _check_leader(leader, draft)
    reason = _clean(reason)
    if len(reason) < 5:
        raise PublicationError({"reason": ["Tuliskan alasan pengembalian."]})
    if len(reason) > TEXT_MAX:
        raise PublicationError({"reason": [f"Alasan paling banyak {TEXT_MAX} karakter."]})
    with write_transaction():
        draft.status = DRAFT_RETURNED
        draft.return_reason = reason
        draft.reviewed_by_id = leader.id
        draft.reviewed_at = utcnow()
        audit.log("report_draft_returned", actor=leader, channel=draft.channel,
                  case_ref=_ref(draft.channel, draft.period), detail={"draft_id": draft.id})
    return draft


def preview(user, channel: str, period_code: str):
    """The figures of any period so far, for the channel's team or a leader; a period that has not
    ended comes back provisional (Report.provisional, "sementara"). Nothing is stored or audited."""
    errors: dict[str, list[str]] = {}
    if channel not in channels() or not (user.has_role(LEADER) or channel in channels_for(user)):
        raise PublicationError({"channel": ["Anda hanya dapat melihat laporan kanal yang Anda tangani."]})
    period = _parse_period(channel, (period_code or "").strip(), errors)
    if errors:
        raise PublicationError(errors)
    try:
        return build_report(channel, period)
    except ReportError as exc:
        raise PublicationError({"period": [str(exc)]}) from exc


def snapshot_of(report_dict: dict, publication: dict) -> dict:
    return {"report": report_dict, "publication": publication}


def _renderings(snap: dict) -> dict:
    """The stored renderings: always Indonesian, whatever language the approving leader browses in."""
    with force_locale("id"):
        return {"body_html": render.render_body(snap), "csv_data": render.render_csv(snap),
                "xlsx_data": render.render_xlsx(snap), "pdf_data": render.render_pdf(snap)}


def approve(leader, draft_id: int) -> PublishedReport:
    """Build the figures now, freeze them with everything rendered from them, publish."""
    draft = _draft(draft_id)
    _check_leader(leader, draft)
    period = Period.parse(draft.period)
    errors: dict[str, list[str]] = {}
    _check_over(period, errors, "status")  # a draft kept from before the rule, or a clock set back
    if errors:
        raise PublicationError(errors)
    with write_transaction() as session:
        version = latest_version(draft.channel, draft.period) + 1
        if version > 1 and not draft.correction_note:
            raise PublicationError({"correction_note": [
                f"Versi {version - 1} sudah terbit: draf harus menjelaskan perubahannya. Kembalikan draf."]})
        try:
            report = build_report(draft.channel, period)
        except ReportError as exc:
            raise PublicationError({"status": [str(exc)]}) from exc
        report_dict = json.loads(report.to_json(indent=None))
        now = utcnow()
        publication = {
            "channel": draft.channel,
            "channel_label": channel_label(draft.channel),
            "period": period.code,
            "period_label": period.label,
            "version": version,
            "published_at": now.isoformat(),
            "title": report.title,
            "follow_up_plan": draft.follow_up_plan,
            "correction_note": draft.correction_note if version > 1 else None,
        }
        snap = snapshot_of(report_dict, publication)
        row = PublishedReport(
            channel=draft.channel, period=period.code, period_kind=period.kind, period_start=period.start,
            period_end=period.end, version=version, title=report.title, published_at=now, draft_id=draft.id,
            prepared_by_id=draft.prepared_by_id, approved_by_id=leader.id, follow_up_plan=draft.follow_up_plan,
            correction_note=publication["correction_note"],
            snapshot=json.dumps(snap, ensure_ascii=False, separators=(",", ":")), **_renderings(snap))
        session.add(row)
        session.flush()
        draft.status = DRAFT_PUBLISHED
        draft.published_id = row.id
        draft.reviewed_by_id = leader.id
        draft.reviewed_at = now
        audit.log("report_published", actor=leader, channel=draft.channel,
                  case_ref=_ref(draft.channel, draft.period),
                  detail={"draft_id": draft.id, "published_id": row.id, "version": version})
    return row


# --- Reading published reports ------------------------------------------------------------------


@dataclass
class Listed:
    report: PublishedReport
    replaced_by: PublishedReport | None  # the next version, when there is one

    @property
    def id(self) -> int:
        return self.report.id


def _next_versions(rows: list[PublishedReport]) -> dict[int, PublishedReport]:
    """{id: the next version of the same channel and period} for the rows that have one."""
    if not rows:
        return {}
    keys = {(r.channel, r.period) for r in rows}
    others = db.session.execute(
        select(PublishedReport.id, PublishedReport.channel, PublishedReport.period, PublishedReport.version)
        .where(PublishedReport.channel.in_({c for c, _ in keys}), PublishedReport.period.in_({p for _, p in keys}))
    ).all()
    versions: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for id_, channel, period, version in others:
        versions.setdefault((channel, period), []).append((version, id_))
    out = {}
    for r in rows:
        later = sorted(v for v in versions.get((r.channel, r.period), []) if v[0] > r.version)
        if later:
            out[r.id] = later[0]
    ids = {id_ for _, id_ in out.values()}
    loaded = {r.id: r for r in db.session.scalars(select(PublishedReport).where(PublishedReport.id.in_(ids)))}
    return {rid: loaded[id_] for rid, (_, id_) in out.items()}


def _light():
    """PublishedReport without the stored renderings (lists only need the metadata)."""
    from sqlalchemy.orm import defer

    return [defer(PublishedReport.snapshot), defer(PublishedReport.body_html), defer(PublishedReport.csv_data),
            defer(PublishedReport.xlsx_data), defer(PublishedReport.pdf_data)]


def published(channel: str | None = None, limit: int | None = None, order: str = "period") -> list[Listed]:
    """Published reports, newest first: by period (lists) or by publication time (API, feed)."""
    stmt = select(PublishedReport).options(*_light())
    if channel:
        stmt = stmt.where(PublishedReport.channel == channel)
    if order == "period":
        stmt = stmt.order_by(PublishedReport.period_end.desc(), PublishedReport.period_start.asc(),
                             PublishedReport.version.desc(), PublishedReport.id.desc())
    else:
        stmt = stmt.order_by(PublishedReport.published_at.desc(), PublishedReport.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    rows = list(db.session.scalars(stmt))
    nexts = _next_versions(rows)
    return [Listed(r, nexts.get(r.id)) for r in rows]


def get_published(report_id: int) -> Listed | None:
    if not 0 < report_id <= MAX_ID:
        return None
    row = db.session.get(PublishedReport, report_id)
    if row is None:
        return None
    return Listed(row, _next_versions([row]).get(row.id))


def previous_version(row: PublishedReport) -> PublishedReport | None:
    if row.version <= 1:
        return None
    return db.session.scalar(select(PublishedReport).options(*_light()).where(
        PublishedReport.channel == row.channel, PublishedReport.period == row.period,
        PublishedReport.version == row.version - 1))


def latest(limit: int = 3) -> list[Listed]:
    """The newest publications that are still current (for the home page)."""
    return [item for item in published(order="published", limit=limit * 3) if item.replaced_by is None][:limit]


def api_summary(item: Listed) -> dict:
    r = item.report
    return {
        "id": r.id,
        "channel": r.channel,
        "period": r.period,
        "period_kind": r.period_kind,
        "version": r.version,
        "published_at": r.published_at.isoformat(),
        "title": r.title,
        "superseded_by": item.replaced_by.id if item.replaced_by else None,
    }
