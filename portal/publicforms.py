"""The public form pages the channels share: a form with its submission key, the same form again after a
refused (429) submission, the honeypot and key screening, and, for the ticketed channels (complaints,
gratification), the submit → receipt and ticket + access code → status page flow.

A channel names its templates, its validation and its services; the steps are written once here.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import render_template, request

from . import intake, replies
from .crypto import codes, tokens
from .extensions import limiter
from .pagecache import token_form


def form_page(template: str, values=None, errors=None, status=200, submission_key=None, **context):
    """A form page holding `values` and `errors`, with a fresh submission key unless one is given."""
    return render_template(template, values=values or {}, errors=errors or {},
                           submission_key=submission_key or tokens.submission_key(), **context), status


def keep_input(render: Callable) -> Callable:
    """The `keep_input` of intake.submission_limits: `render(values, errors, status, key)` again, with 429."""
    def again():
        form = request.form
        return render(form, None, 429, codes.valid_submission_key(form.get("submission_key")))
    return again


def submission(channel: str, render: Callable):
    """A public form's POST view: the channel's submission limits (over one, `render` shows the form again
    with 429), then the honeypot (400); the view is called with the form and its submission key first."""
    limits = intake.submission_limits(channel, keep_input=keep_input(render))

    def decorator(view):
        @functools.wraps(view)
        def screened(*args, **kwargs):
            form = request.form
            refusal = intake.bot_refusal(form)
            if refusal is not None:
                return refusal
            return view(form, codes.valid_submission_key(form.get("submission_key")), *args, **kwargs)
        return limits(screened)
    return decorator


@dataclass(frozen=True)
class TicketedPages:
    """The public pages of a ticketed channel; templates live under `folder` (form, receipt, status_form, status).

    `channel` names its submission budget (intake.submission_limits); `services` is the channel's service
    module (find_replay, submit, lookup, public_timeline, is_closed, reply); `case_name` is what the status
    template calls the case; `status_context(case)` adds the channel's own values to the status page;
    `form_context()` to the form.
    """
    channel: str
    folder: str
    services: Any
    case_name: str
    validate: Callable[[Any], tuple[dict, dict]]
    declaration: Any  # the message when the declaration box is not ticked (a lazy string)
    status_context: Callable[[Any], dict] = field(default=lambda case: {})
    form_context: Callable[[], dict] = field(default=dict)

    def form(self, values=None, errors=None, status=200, submission_key=None):
        return form_page(f"{self.folder}/form.html", values, errors, status, submission_key,
                         **intake.upload_limits(), **self.form_context())

    def submit(self, form, submission_key):
        replay = self.services.find_replay(submission_key)
        if replay:  # a double submit: its receipt again
            return render_template(f"{self.folder}/receipt.html", receipt=replay)
        clean, errors = self.validate(form)
        if form.get("declaration") != "yes":
            errors.setdefault("declaration", []).append(str(self.declaration))
        files, status = intake.form_files(errors)
        if errors:
            return self.form(form, errors, status, submission_key)
        # The replay was looked for above, in this request: intake.submit need not look again.
        receipt = self.services.submit(clean, files, submission_key, replay_checked=True)
        return render_template(f"{self.folder}/receipt.html", receipt=receipt)

    def status_form(self):
        return render_template(f"{self.folder}/status_form.html", values={}, not_found=False)

    def not_found(self, ticket: str | None = None):
        values = {"ticket": ticket} if ticket is not None else {}
        return render_template(f"{self.folder}/status_form.html", values=values, not_found=True), 404

    def lookup(self):
        """(case or None, access code) from the posted ticket and access code."""
        code = request.form.get("access_code")
        return self.services.lookup(request.form.get("ticket"), code), code

    def status_page(self, case, access_code, status=200, context=None, **reply):
        return render_template(f"{self.folder}/status.html", **{self.case_name: case}, access_code=access_code,
                               timeline=self.services.public_timeline(case), closed=self.services.is_closed(case),
                               reply=replies.form_state(**reply), **intake.upload_limits(),
                               **{**self.status_context(case), **(context or {})}), status

    def show_status(self):
        ticket = (request.form.get("ticket") or "").strip()
        case = self.services.lookup(ticket, request.form.get("access_code"))
        if case is None:
            return self.not_found(ticket)
        return self.status_page(case, request.form.get("access_code"))

    def with_case(self, view):
        """`view(case, access code)` for the posted ticket and access code; an unknown pair gets the 404 form."""
        @functools.wraps(view)
        def wrapper():
            case, code = self.lookup()
            if case is None:
                return self.not_found()
            return view(case, code)
        return wrapper

    def send_reply(self, case, code):
        """The citizen's message (text and files) on the case, shown again on its status page."""
        return replies.form_reply(case, closed=self.services.is_closed(case), send=self.services.reply,
                                  page=lambda status=200, **reply: self.status_page(
                                      self.services.lookup(case.ticket, code), code, status=status, **reply))

    def add_routes(self, bp, lookup_limit: Callable[[], str], *, form_rule: str, new: str, submit: str) -> None:
        """The form (GET/POST `form_rule`, endpoints `new` and `submit`) and the status routes on `bp`."""
        routes = (
            (form_rule, "GET", new, self.form, None),
            (form_rule, "POST", submit, self.submit, submission(self.channel, self.form)),
            ("/status", "GET", "status", self.status_form, None),
            ("/status", "POST", "show_status", self.show_status, limiter.limit(lookup_limit)),
            ("/status/pesan", "POST", "send_reply", self.with_case(self.send_reply), limiter.limit(lookup_limit)),
        )
        for rule, method, endpoint, handler, limit in routes:
            view = _view(handler, bp.import_name, endpoint)
            if endpoint == new:  # the empty form: its bytes kept, each visitor's token and key spliced in
                view = token_form(view)
            bp.add_url_rule(rule, endpoint, limit(view) if limit else view, methods=[method])


def _view(handler: Callable, module: str, name: str) -> Callable:
    """A view function for `handler` named as if written in the channel's module: Flask-Limiter keys its
    limits on the module and name, so each channel keeps limits of its own."""
    def view(*args):
        return handler(*args)
    view.__module__, view.__name__, view.__qualname__ = module, name, name
    view.__doc__ = handler.__doc__
    return view
