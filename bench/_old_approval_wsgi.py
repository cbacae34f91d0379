"""The portal with the report approval as it was before issue 20 (bench/publish.py's baseline):
the figures built and HTML, CSV, XLSX and a PDF of every T6 row rendered inside the one write
transaction that stores the version, so every other write waits for all of it.

    gunicorn -c deploy/gunicorn.conf.py --pythonpath bench _old_approval_wsgi:app
"""
import json

from wsgi import app  # noqa: F401

from portal import audit, pagecache
from portal.database import write_transaction
from portal.models.publication import DRAFT_PUBLISHED, PublishedReport
from portal.models.types import utcnow
from portal.reports import ReportError, build_report, render
from portal.reports import publication as pub
from portal.reports.periods import Period

render.PDF_MAX_ROWS = render.PAGE_ROWS = 10**9  # a PDF of every row, a report page of every row


def old_approve(leader, draft_id: int) -> PublishedReport:
    draft = pub._draft(draft_id)
    pub._check_leader(leader, draft)
    period = Period.parse(draft.period)
    with write_transaction() as session:
        version = pub.latest_version(draft.channel, draft.period) + 1
        try:
            report = build_report(draft.channel, period)
        except ReportError as exc:
            raise pub.PublicationError({"status": [str(exc)]}) from exc
        report_dict = json.loads(report.to_json(indent=None))
        now = utcnow()
        publication = {
            "channel": draft.channel, "channel_label": pub.channel_label(draft.channel), "period": period.code,
            "period_label": period.label, "version": version, "published_at": now.isoformat(),
            "approved_by": leader.name, "title": report.title, "follow_up_plan": draft.follow_up_plan,
            "correction_note": draft.correction_note if version > 1 else None}
        snap = pub.snapshot_of(report_dict, publication)
        row = PublishedReport(
            channel=draft.channel, period=period.code, period_kind=period.kind, period_start=period.start,
            period_end=period.end, version=version, title=report.title, published_at=now, draft_id=draft.id,
            prepared_by_id=draft.prepared_by_id, approved_by_id=leader.id, follow_up_plan=draft.follow_up_plan,
            correction_note=publication["correction_note"],
            snapshot=json.dumps(snap, ensure_ascii=False, separators=(",", ":")), **pub._renderings(snap))
        session.add(row)
        session.flush()
        draft.status, draft.published_id = DRAFT_PUBLISHED, row.id
        draft.reviewed_by_id, draft.reviewed_at = leader.id, now
        pagecache.bump()
        audit.log("report_published", actor=leader, channel=draft.channel,
                  case_ref=f"laporan:{draft.channel}:{period.code}", detail={"draft_id": draft.id, "published_id": row.id, "version": version})
    return row


pub.approve = old_approve
