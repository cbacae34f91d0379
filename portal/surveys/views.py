"""Public SKM pages: the survey at /survei (CONTRACT.md), the perception surveys at /survei/ipak and
/survei/ipkp, the kiosk mode of each for a counter tablet, the thanks."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from .. import catalog, publicforms
from ..auth.access import public
from . import perception, services
from .validation import SUGGESTION_MAX, SkmForm

bp = Blueprint("surveys", __name__, url_prefix="/survei")
KIOSK_ENDPOINTS = ("surveys.kiosk", "surveys.perception_kiosk")


def _kiosk() -> bool:
    """Kiosk mode (a tablet at the counter): the thanks page goes back to a blank form by itself."""
    return (request.values.get("kiosk") or "") == "1" or request.endpoint in KIOSK_ENDPOINTS


def _form(values=None, errors=None, status=200, submission_key=None):
    return publicforms.form_page("surveys/form.html", values, errors, status, submission_key, kiosk=_kiosk(),
                                 unsur=catalog.SKM_UNSUR, suggestion_max=SUGGESTION_MAX)


def _thanks(kiosk_url: str | None = None):
    return render_template("surveys/thanks.html", kiosk=_kiosk(),
                           kiosk_seconds=current_app.config["KIOSK_RETURN_SECONDS"],
                           kiosk_url=kiosk_url or url_for("surveys.kiosk"))


@bp.get("")
@public
def form():
    return _form()


@bp.get("/kiosk")
@public
def kiosk():
    return _form()


@bp.post("")
@public
@publicforms.submission("skm", _form)
def submit(form_data, submission_key):
    clean, errors = SkmForm.check(form_data)
    if errors:
        return _form(form_data, errors, 422, submission_key)
    services.submit(clean, submission_key)
    return _thanks()


# --- perception surveys (IPAK, IPKP) -------------------------------------------------------------------

SURVEY_PATH = "<any(ipak, ipkp):survey>"


def _perception_form(survey: str, values=None, errors=None, status=200, submission_key=None):
    return publicforms.form_page("surveys/perception.html", values, errors, status, submission_key, survey=survey,
                                 title=perception.TITLES[survey], questions=perception.questions(survey),
                                 answers=perception.ANSWERS, kiosk=_kiosk())


@bp.get(f"/{SURVEY_PATH}")
@public
def perception_form(survey: str):
    return _perception_form(survey)


@bp.get(f"/{SURVEY_PATH}/kiosk")
@public
def perception_kiosk(survey: str):
    return _perception_form(survey)


def _perception_again(*args):
    return _perception_form(request.view_args["survey"], *args)


@bp.post(f"/{SURVEY_PATH}")
@public
@publicforms.submission("skm", _perception_again)
def perception_submit(form_data, submission_key, survey: str):
    scores, errors = perception.validate(survey, form_data)
    if errors:
        return _perception_form(survey, form_data, errors, 422, submission_key)
    perception.submit(survey, scores, submission_key)
    return _thanks(url_for("surveys.perception_kiosk", survey=survey))
