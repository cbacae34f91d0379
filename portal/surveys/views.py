"""Public SKM pages: the survey at /survei (CONTRACT.md), its kiosk mode for a counter tablet, the thanks."""
from __future__ import annotations

import secrets

from flask import Blueprint, render_template, request

from .. import catalog, intake, secrets_util
from ..auth.access import public
from . import perception, services
from .validation import SUGGESTION_MAX, SkmForm

bp = Blueprint("surveys", __name__, url_prefix="/survei")
KIOSK_RETURN_SECONDS = 8


def _kiosk() -> bool:
    return (request.values.get("kiosk") or "") == "1" or request.endpoint == "surveys.kiosk"


def _form(values=None, errors=None, status=200, submission_key=None):
    return render_template("surveys/form.html", values=values or {}, errors=errors or {}, kiosk=_kiosk(),
                           unsur=catalog.SKM_UNSUR, suggestion_max=SUGGESTION_MAX,
                           submission_key=submission_key or secrets.token_urlsafe(24)), status


def _thanks():
    return render_template("surveys/thanks.html", kiosk=_kiosk(), kiosk_seconds=KIOSK_RETURN_SECONDS)


@bp.get("")
@public
def form():
    return _form()


@bp.get("/kiosk")
@public
def kiosk():
    return _form()


def _form_again():
    form_data = request.form
    return _form(form_data, None, 429, secrets_util.valid_submission_key(form_data.get("submission_key")))


@bp.post("")
@public
@intake.submission_limits("skm", keep_input=_form_again)
def submit():
    form_data = request.form
    refusal = intake.bot_refusal(form_data)
    if refusal is not None:
        return refusal
    submission_key = secrets_util.valid_submission_key(form_data.get("submission_key"))
    clean, errors = SkmForm.check(form_data)
    if errors:
        return _form(form_data, errors, 422, submission_key)
    services.submit(clean, submission_key)
    return _thanks()


# --- perception surveys (IPAK, IPKP) -------------------------------------------------------------------

SURVEY_PATH = "<any(ipak, ipkp):survey>"


def _perception_form(survey: str, values=None, errors=None, status=200, submission_key=None):
    return render_template("surveys/perception.html", survey=survey, title=perception.TITLES[survey],
                           questions=perception.questions(survey), answers=perception.ANSWERS,
                           values=values or {}, errors=errors or {},
                           submission_key=submission_key or secrets.token_urlsafe(24)), status


@bp.get(f"/{SURVEY_PATH}")
@public
def perception_form(survey: str):
    return _perception_form(survey)


def _perception_again():
    form_data = request.form
    return _perception_form(request.view_args["survey"], form_data, None, 429,
                            secrets_util.valid_submission_key(form_data.get("submission_key")))


@bp.post(f"/{SURVEY_PATH}")
@public
@intake.submission_limits("skm", keep_input=_perception_again)
def perception_submit(survey: str):
    form_data = request.form
    refusal = intake.bot_refusal(form_data)
    if refusal is not None:
        return refusal
    submission_key = secrets_util.valid_submission_key(form_data.get("submission_key"))
    scores, errors = perception.validate(survey, form_data)
    if errors:
        return _perception_form(survey, form_data, errors, 422, submission_key)
    perception.submit(survey, scores, submission_key)
    return _thanks()
