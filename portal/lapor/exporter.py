"""The follow-ups of LAPOR!-sourced complaints, in the shape the LAPOR! admin posts back: one row per
public follow-up, status step or final answer, with the report's tracking ID."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from ..clock import to_local
from ..exports import csv_writer
from ..extensions import db
from ..models import Complaint, ComplaintEvent
from ..workflow import COMPLAINTS

HEADER = ("ID Laporan", "Nomor Tiket", "Tanggal Tindak Lanjut", "Status", "Isi Tindak Lanjut")


def follow_ups(since: date | None = None) -> list[tuple]:
    query = (select(Complaint.channel_ref, Complaint.ticket, ComplaintEvent.at, ComplaintEvent.status_to,
                    Complaint.status, ComplaintEvent.body)
             .join(ComplaintEvent, ComplaintEvent.complaint_id == Complaint.id)
             .where(Complaint.channel == "lapor", ComplaintEvent.public.is_(True),
                    ComplaintEvent.kind != "submitted", ComplaintEvent.body.is_not(None))
             .order_by(Complaint.channel_ref, ComplaintEvent.at, ComplaintEvent.id))
    rows = []
    for ref, ticket, at, status_to, status_now, body in db.session.execute(query):
        day = to_local(at).date()
        if since and day < since:
            continue
        rows.append((ref, ticket, day.isoformat(), COMPLAINTS.public_label(status_to or status_now), body))
    return rows


def follow_ups_csv(since: date | None = None) -> str:
    out = io.StringIO()
    writer = csv_writer(out)  # every cell inert: a citizen's text never runs as a spreadsheet formula
    writer.writerow(HEADER)
    for row in follow_ups(since):
        writer.writerow(row)
    return out.getvalue()
