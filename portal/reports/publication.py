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

import pydantic_core

from flask_babel import force_locale
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, defer

from .. import audit, pagecache
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
                built = build_report(channel, period)  # built once here; the draft page and approval use it
            except ReportError as exc:
                errors.setdefault("period", []).append(str(exc))
    if errors:
        raise PublicationError(errors)
    with write_transaction() as session:
        now = utcnow()
        draft = ReportDraft(channel=channel, period=period.code, status=DRAFT_PENDING, follow_up_plan=plan or None,
                            correction_note=correction or None, prepared_by_id=user.id, prepared_at=now,
                            figures=_stored(built), built_at=now)
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


def _move(draft: ReportDraft, actor, event: str, **changes) -> ReportDraft:
    """Set `changes` on a draft (its next status and who moved it) and audit `event`, in one transaction."""
    with write_transaction():
        for name, value in changes.items():
            setattr(draft, name, value)
        audit.log(event, actor=actor, channel=draft.channel, case_ref=_ref(draft.channel, draft.period),
                  detail={"draft_id": draft.id})
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
    return _move(draft, user, "report_draft_resubmitted", status=DRAFT_PENDING, follow_up_plan=plan or None,
                 correction_note=correction or None, prepared_by_id=user.id, prepared_at=utcnow())


def rebuild(user, draft_id: int) -> ReportDraft:
    """Build an open draft's figures again from the cases as they are now and store them (the team
    or a leader, after data changed); built on a consistent read outside any write transaction."""
    draft = _draft(draft_id)
    if not (is_team(user, draft.channel) or user.has_role(LEADER)):
        raise PublicationError({"channel": ["Anda hanya dapat menghitung ulang draf kanal yang Anda tangani."]})
    if draft.status not in (DRAFT_PENDING, DRAFT_RETURNED):
        raise PublicationError({"status": ["Draf yang sudah terbit tidak dapat dihitung ulang."]})
    channel, period = draft.channel, Period.parse(draft.period)
    _read_snapshot()
    try:
        figures = _stored(build_report(channel, period))
    except ReportError as exc:
        raise PublicationError({"status": [str(exc)]}) from exc
    finally:
        db.session.rollback()
    with write_transaction() as session:
        draft = session.get(ReportDraft, draft_id, with_for_update=True, populate_existing=True)
        if draft.status not in (DRAFT_PENDING, DRAFT_RETURNED):
            raise PublicationError({"status": ["Draf yang sudah terbit tidak dapat dihitung ulang."]})
        draft.figures, draft.built_at = figures, utcnow()
        audit.log("report_draft_rebuilt", actor=user, channel=channel, case_ref=_ref(channel, period.code),
                  detail={"draft_id": draft.id})
    return draft


def _stored(report) -> str:
    """A draft's figures as stored: Report.as_dict as compact JSON (no blanks after , and :, UTF-8 as it
    is), the text json.dumps(…, ensure_ascii=False, separators=(",", ":")) gives, written by pydantic's
    JSON codec (a dependency already): a month's 25k T6 rows in 12 ms instead of 45 ms at a million
    cases. Read back, the same dict (stored_figures)."""
    return pydantic_core.to_json(report.as_dict(), inf_nan_mode="constants").decode()


def stored_figures(draft: ReportDraft) -> dict | None:
    """The figures built when the draft was prepared or last rebuilt (None for an older draft); parsed
    by pydantic's JSON codec (23 ms instead of 36 ms for a month at a million cases)."""
    return pydantic_core.from_json(draft.figures) if draft.figures else None


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
    return _move(draft, leader, "report_draft_returned", status=DRAFT_RETURNED, return_reason=reason,
                 reviewed_by_id=leader.id, reviewed_at=utcnow())


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


def _read_snapshot():
    """A read transaction that sees one consistent state of the database for the whole build:
    SQLite's WAL snapshot holds from the first read; PostgreSQL needs REPEATABLE READ for that."""
    session = db.session()
    if session.in_transaction():
        session.commit()
    if db.engine.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session


def approve(leader, draft_id: int) -> PublishedReport:
    """Build the figures now, freeze them with everything rendered from them, publish.

    The slow part (building the figures and rendering HTML, CSV, XLSX and PDF) runs on a
    consistent read and outside any write transaction, so complaint intake and every other write
    go on meanwhile; then one short write transaction re-checks that the draft is still the one
    the leader approved and that no other approval published this version, and stores the
    immutable snapshot."""
    draft = _draft(draft_id)
    _check_leader(leader, draft)
    period = Period.parse(draft.period)
    errors: dict[str, list[str]] = {}
    _check_over(period, errors, "status")  # a draft kept from before the rule, or a clock set back
    if errors:
        raise PublicationError(errors)
    seen = (draft.status, draft.follow_up_plan, draft.correction_note, draft.prepared_at, draft.built_at)
    channel, plan, correction = draft.channel, draft.follow_up_plan, draft.correction_note
    report_dict = stored_figures(draft)  # what the leader saw on the draft page
    _read_snapshot()
    try:
        version = latest_version(channel, period.code) + 1
        if version > 1 and not correction:
            raise PublicationError({"correction_note": [
                f"Versi {version - 1} sudah terbit: draf harus menjelaskan perubahannya. Kembalikan draf."]})
        if report_dict is None:  # a draft prepared before figures were stored: built now
            try:
                report_dict = json.loads(build_report(channel, period).to_json(indent=None))
            except ReportError as exc:
                raise PublicationError({"status": [str(exc)]}) from exc
    finally:
        db.session.rollback()  # end the read: nothing was written
    now = utcnow()
    publication = {
        "channel": channel,
        "channel_label": channel_label(channel),
        "period": period.code,
        "period_label": period.label,
        "version": version,
        "published_at": now.isoformat(),
        "approved_by": leader.name,  # the approving official, printed on the PDF filed as evidence
        "title": report_dict["title"],
        "follow_up_plan": plan,
        "correction_note": correction if version > 1 else None,
    }
    snap = snapshot_of(report_dict, publication)
    files = _renderings(snap)
    # Encoded before the write transaction too (tens of ms for a month's 25k+ rows): on SQLite every
    # other write, a citizen's complaint included, waits for the write lock while that transaction runs.
    stored_snapshot = json.dumps(snap, ensure_ascii=False, separators=(",", ":"))
    with write_transaction() as session:
        # The guard: on PostgreSQL the row lock makes a second approval wait here and then see the
        # draft published; on SQLite the write lock taken at BEGIN IMMEDIATE does the same.
        draft = session.scalar(select(ReportDraft).where(ReportDraft.id == draft_id).with_for_update()
                               .execution_options(populate_existing=True))
        if draft is None or (draft.status, draft.follow_up_plan, draft.correction_note, draft.prepared_at,
                             draft.built_at) != seen:
            raise PublicationError({"status": [
                "Draf berubah atau sudah diterbitkan selama laporan disusun; muat ulang halaman draf."]})
        if latest_version(channel, period.code) + 1 != version:
            raise PublicationError({"status": [
                f"Versi {version} laporan ini sudah terbit selama laporan disusun; muat ulang halaman draf."]})
        row = PublishedReport(
            channel=channel, period=period.code, period_kind=period.kind, period_start=period.start,
            period_end=period.end, version=version, title=report_dict["title"], published_at=now, draft_id=draft.id,
            prepared_by_id=draft.prepared_by_id, approved_by_id=leader.id, follow_up_plan=plan,
            correction_note=publication["correction_note"],
            snapshot=stored_snapshot, **files)
        session.add(row)
        session.flush()
        draft.status = DRAFT_PUBLISHED
        draft.published_id = row.id
        draft.reviewed_by_id = leader.id
        draft.reviewed_at = now
        pagecache.bump()  # the home box, the list, the feed and the older version's page change at this commit
        audit.log("report_published", actor=leader, channel=channel, case_ref=_ref(channel, period.code),
                  detail={"draft_id": draft.id, "published_id": row.id, "version": version})
    return row


# --- Reading published reports ------------------------------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """The next version of a published report: what a list or a page links to (never its files)."""
    id: int
    version: int


@dataclass
class Listed:
    report: PublishedReport
    replaced_by: Replacement | None  # the next version, when there is one

    @property
    def id(self) -> int:
        return self.report.id


STORED = ("snapshot", "body_html", "csv_data", "xlsx_data", "pdf_data")


def _light(*keep: str):
    """PublishedReport without the stored renderings (lists only need the metadata); `keep` names
    the ones a page does need. A deferred one is still loaded on first access."""
    return [defer(getattr(PublishedReport, name)) for name in STORED if name not in keep]


def _listing(*keep: str):
    """One query for published reports and their next version: versions of a channel and period are
    consecutive (version = latest + 1, unique), so the next one is the row with version + 1."""
    newer = aliased(PublishedReport)
    stmt = (select(PublishedReport, newer.id, newer.version).options(*_light(*keep))
            .outerjoin(newer, and_(newer.channel == PublishedReport.channel, newer.period == PublishedReport.period,
                                   newer.version == PublishedReport.version + 1)))
    return stmt, newer


def _listed(result) -> list[Listed]:
    return [Listed(row, Replacement(next_id, next_version) if next_id is not None else None)
            for row, next_id, next_version in result]


def published(channel: str | None = None, limit: int | None = None, order: str = "period",
              current_only: bool = False) -> list[Listed]:
    """Published reports, newest first: by period (lists) or by publication time (API, feed)."""
    stmt, newer = _listing()
    if channel:
        stmt = stmt.where(PublishedReport.channel == channel)
    if current_only:
        stmt = stmt.where(newer.id.is_(None))
    if order == "period":
        stmt = stmt.order_by(PublishedReport.period_end.desc(), PublishedReport.period_start.asc(),
                             PublishedReport.version.desc(), PublishedReport.id.desc())
    else:
        stmt = stmt.order_by(PublishedReport.published_at.desc(), PublishedReport.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return _listed(db.session.execute(stmt))


def get_published(report_id: int, *keep: str) -> Listed | None:
    """One published report with its next version; `keep` names the stored renderings to load now."""
    if not 0 < report_id <= MAX_ID:
        return None
    stmt, _newer = _listing(*keep)
    found = _listed(db.session.execute(stmt.where(PublishedReport.id == report_id)))
    return found[0] if found else None


def previous_version(row: PublishedReport) -> PublishedReport | None:
    if row.version <= 1:
        return None
    return db.session.scalar(select(PublishedReport).options(*_light()).where(
        PublishedReport.channel == row.channel, PublishedReport.period == row.period,
        PublishedReport.version == row.version - 1))


def latest(limit: int = 3) -> list[Listed]:
    """The newest publications that are still current (for the home page): one query."""
    return published(order="published", limit=limit, current_only=True)


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
