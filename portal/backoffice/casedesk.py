"""One back office for every ticketed channel (complaints, gratification reports): the queue, the case
page, assignment, notes and attachment downloads, parameterised by the channel (`Desk`). A channel's
module (backoffice.complaints, backoffice.gratification) describes its desk and adds the routes of
its own steps; the shared parts live here once. Views parse, call the case services, render."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import casequery, cases, uploads
from ..auth.access import roles_required
from ..extensions import db
from ..models import User
from ..params import parse_int

PER_PAGE = 25


def _user() -> User:
    return current_user._get_current_object()


@dataclass(frozen=True)
class Note:
    """One kind of note on the case page: public or not, and the service's extra arguments."""

    public: bool
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Desk:
    channel: cases.Channel
    endpoint: str  # endpoint prefix: "complaint" → backoffice.complaint_queue, ...
    path: str  # "/pengaduan"
    queue_template: str
    case_template: str
    case_name: str  # the case's name in the case template ("c", "r")
    today: Callable  # the office's day (the channel's own, so tests pin one place)
    add_note: Callable  # service: (case_id, body, public, actor, **extra)
    notes: dict  # visibility → Note
    note_refused: object  # lazy string
    note_done: object
    assign_done: object
    # Channel filters of the queue: (query, args) → query; the free-text search: text → clause or None.
    filters: Callable = lambda query, args: query
    search: Callable = lambda text: None
    # Extra names for the queue template (callables of nothing) and the case page ((case, today) → dict).
    queue_extra: Callable = lambda: {}
    case_extra: Callable = lambda case, today: {}

    @property
    def model(self):
        return self.channel.model

    @property
    def workflow(self):
        return self.channel.workflow

    def url(self, name: str, **values) -> str:
        return url_for(f"backoffice.{self.endpoint}_{name}", **values)

    # --- queue -----------------------------------------------------------------------------

    def queue_query(self, args, user: User, today):
        model, workflow = self.model, self.workflow
        query = select(model)
        status = args.get("status")
        if status in workflow.statuses:
            query = query.where(model.status == status)
        elif status == "open":
            query = query.where(model.status.in_(workflow.open))
        query = self.filters(query, args)
        if args.get("overdue") == "1":
            query = query.where(model.status.in_(workflow.open), model.due_on < today)
        if args.get("mine") == "1":
            query = query.where(model.assigned_to_id == user.id)
        clause = self.search(args.get("q") or "")
        if clause is not None:
            query = query.where(clause)
        return query

    def queue(self):
        """The queue, newest first, a keyset page at a time (casequery): `?setelah=`/`?sebelum=`/`?terakhir=1`;
        an old link's `?page=` lands on the newest page."""
        today = self.today()
        query = self.queue_query(request.args, _user(), today)
        page = casequery.keyset_page(query, self.model, casequery.Cursor.from_args(request.args), PER_PAGE)
        return render_template(self.queue_template, rows=page.rows, page=page, args=request.args,
                               workflow=self.workflow, today=today,
                               handlers={u.id: u.name for u in cases.handlers(self.channel, active_only=False)},
                               overdue=cases.overdue, due_soon=cases.due_soon, **self.queue_extra())

    # --- case page and its actions -----------------------------------------------------------

    def case_or_404(self, ticket: str):
        case = cases.find(self.channel, ticket)
        if case is None:
            abort(404)
        return case

    def case(self, ticket: str):
        case = self.case_or_404(ticket)
        cases.record_view(self.channel, case, _user())
        today = self.today()
        return render_template(self.case_template, workflow=self.workflow, today=today,
                               handlers=cases.handlers(self.channel, active_only=True),
                               actors={u.id: u.name for u in db.session.scalars(select(User))},
                               overdue=cases.overdue(case, today), due_soon=cases.due_soon(case, today),
                               **{self.case_name: case}, **self.case_extra(case, today))

    def act(self, ticket: str, action: Callable, done_message):
        """Run `action(case_id, actor)`; flash its refusal (and point at its field) or `done_message`."""
        case = self.case_or_404(ticket)
        try:
            action(case.id, _user())
        except cases.CaseError as exc:
            flash(exc.message, "danger")
            return redirect(self.url("case", ticket=case.ticket) + f"#f-{exc.field}"), 303
        flash(str(done_message), "success")
        return redirect(self.url("case", ticket=case.ticket)), 303

    def note(self, ticket: str):
        kind = self.notes.get(request.form.get("visibility"))

        def action(case_id, user):
            if kind is None:
                raise cases.CaseError("visibility", str(self.note_refused))
            self.add_note(case_id, request.form.get("body"), kind.public, user, **kind.extra)
        return self.act(ticket, action, self.note_done)

    def assign(self, ticket: str):
        raw = request.form.get("handler") or ""

        def action(case_id, user):
            handler_id = parse_int(raw)
            if raw and handler_id is None:
                raise cases.CaseError("handler", str(self.channel.not_a_handler))
            cases.assign(self.channel, case_id, handler_id, user)
        return self.act(ticket, action, self.assign_done)

    def attachment(self, ticket: str, attachment_id: int):
        case = self.case_or_404(ticket)
        item = cases.attachment_for_download(self.channel, case, attachment_id, _user())
        if item is None:
            abort(404)
        return uploads.download_response(uploads.load(item.storage_name), item.content_type,
                                         f"{case.ticket}-{item.id}{uploads.extension_for(item.content_type)}")

    # --- routes --------------------------------------------------------------------------------

    def route(self, bp, rule: str, name: str, view: Callable, methods=("GET",)) -> None:
        """Declare one route of this desk: /kantor<path><rule>, endpoint backoffice.<endpoint>_<name>,
        for the channel's role only."""
        bp.add_url_rule(self.path + rule, f"{self.endpoint}_{name}", roles_required(self.channel.role)(view),
                        methods=list(methods))

    def register(self, bp) -> None:
        self.route(bp, "", "queue", self.queue)
        self.route(bp, "/<ticket>", "case", self.case)
        self.route(bp, "/<ticket>/catatan", "add_note", self.note, ("POST",))
        self.route(bp, "/<ticket>/penugasan", "assign", self.assign, ("POST",))
        self.route(bp, "/<ticket>/lampiran/<int:attachment_id>", "attachment", self.attachment)
