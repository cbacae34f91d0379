"""One declaration of what an SKM answer is, for the form and the API alike."""
from __future__ import annotations

from flask_babel import gettext as _

from .. import catalog
from ..catalog import SKM_UNSUR_KEYS
from .ikm import MAX_SCORE, MIN_SCORE

SUGGESTION_MAX = 1000
PROFILE = {
    "sex": catalog.SKM_SEX,
    "age": catalog.SKM_AGE,
    "education": catalog.SKM_EDUCATION,
    "occupation": catalog.SKM_OCCUPATION,
}


def _code(value, allowed, errors: dict, field: str, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            errors.setdefault(field, []).append(_("Wajib dipilih."))
        return None
    if not isinstance(value, str) or value not in allowed:
        errors.setdefault(field, []).append(_("Pilihan tidak dikenal."))
        return None
    return value


def _score(value, strict: bool):
    """An integer 1–4, or None. The API (strict) takes JSON integers only, the form the digits it sends."""
    if strict:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return value if MIN_SCORE <= value <= MAX_SCORE else None
    if isinstance(value, str) and value in {str(n) for n in range(MIN_SCORE, MAX_SCORE + 1)}:
        return int(value)
    return None


def _validate(data, answers, strict: bool, answer_field) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    clean: dict = {"service": _code(data.get("service"), catalog.COMPLAINT_SERVICES, errors, "service", True)}
    for key in SKM_UNSUR_KEYS:
        value = answers.get(key) if answers is not None else None
        score = _score(value, strict)
        if score is None:
            errors.setdefault(answer_field(key), []).append(
                _("Wajib dijawab.") if value in (None, "") else _("Jawaban harus angka bulat 1 sampai 4."))
        clean[key] = score
    for field, allowed in PROFILE.items():
        clean[field] = _code(data.get(field), allowed, errors, field, False)
    suggestion = data.get("suggestion")
    if suggestion is not None and not isinstance(suggestion, str):
        errors.setdefault("suggestion", []).append(_("Saran harus berupa teks."))
        suggestion = None
    suggestion = (suggestion or "").replace("\r\n", "\n").strip()
    if "\x00" in suggestion:
        errors.setdefault("suggestion", []).append(_("Teks memuat karakter yang tidak diizinkan."))
    if len(suggestion) > SUGGESTION_MAX:
        errors.setdefault("suggestion", []).append(_("Paling banyak %(n)d karakter.", n=SUGGESTION_MAX))
    clean["suggestion"] = suggestion or None
    return clean, errors


def validate_form(form) -> tuple[dict, dict]:
    return _validate(form, form, strict=False, answer_field=lambda key: key)


def validate_api(data) -> tuple[dict, dict]:
    answers = data.get("answers")
    errors_extra = {}
    if answers is not None and not isinstance(answers, dict):
        errors_extra["answers"] = [_("Harus berupa objek u1 sampai u9.")]
        answers = None
    clean, errors = _validate(data, answers or {}, strict=True, answer_field=lambda key: f"answers.{key}")
    if answers:
        unknown = sorted(k for k in answers if k not in SKM_UNSUR_KEYS)
        if unknown:
            errors_extra["answers"] = [_("Unsur tidak dikenal: %(keys)s", keys=", ".join(map(str, unknown))[:200])]
    errors.update(errors_extra)
    return clean, errors
