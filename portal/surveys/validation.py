"""One declaration of what an SKM answer is: the form's schema and the API's share every field type."""
from __future__ import annotations

from typing import Annotated

from flask_babel import gettext as _
from pydantic import ConfigDict, Field, create_model, model_validator
from pydantic_core import PydanticCustomError

from .. import catalog
from ..catalog import SKM_UNSUR_KEYS
from ..validation import Choice, Schema, Score, Text
from .ikm import MAX_SCORE, MIN_SCORE

SUGGESTION_MAX = 1000
PROFILE = {
    "sex": catalog.SKM_SEX,
    "age": catalog.SKM_AGE,
    "education": catalog.SKM_EDUCATION,
    "occupation": catalog.SKM_OCCUPATION,
}


def _pick() -> str:
    return _("Wajib dipilih.")


_SERVICE = Choice(options=catalog.COMPLAINT_SERVICES, required=True, required_message=_pick,
                  description="The service used: a code of /categories → complaints")
_SUGGESTION = Text(max_len=SUGGESTION_MAX, multiline=True, nullable=True,
                   description="Published only after staff moderation", messages={
                       "type": lambda: _("Saran harus berupa teks."),
                       "control": lambda: _("Teks memuat karakter yang tidak diizinkan."),
                       "long": lambda **v: _("Paling banyak %(n)d karakter.", n=v["max"])})
def _answers(strict: bool) -> dict:
    return {key: (Annotated[int, Score(strict=strict, lowest=MIN_SCORE, highest=MAX_SCORE, description=name)], ...)
            for key, name, *_rest in catalog.SKM_UNSUR}


class _AnswersBase(Schema):
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise PydanticCustomError("portal", "{message}", {"message": _("Harus berupa objek u1 sampai u9.")})
        return value


SkmAnswers = create_model("SkmAnswers", __base__=_AnswersBase,
                          __doc__="The nine unsur of PermenPANRB 14/2017 in its order, each scored 1 (worst) to "
                                  "4 (best); labels in /categories → skm_unsur",
                          **_answers(strict=True))

class _SkmCommon(Schema):
    service: Annotated[str, _SERVICE]
    sex: Annotated[str | None, Choice(options=catalog.SKM_SEX, nullable=True)] = None
    age: Annotated[str | None, Choice(options=catalog.SKM_AGE, nullable=True)] = None
    education: Annotated[str | None, Choice(options=catalog.SKM_EDUCATION, nullable=True)] = None
    occupation: Annotated[str | None, Choice(options=catalog.SKM_OCCUPATION, nullable=True)] = None
    suggestion: Annotated[str | None, _SUGGESTION] = None


# The page: the nine answers are radio buttons u1…u9 whose values are the digits 1–4.
SkmForm = create_model("SkmForm", __base__=_SkmCommon, __doc__="The SKM survey page (form fields u1…u9).",
                       **_answers(strict=False))


def _answers_required(schema: dict) -> None:
    # Absent answers are refused per unsur (answers.u1 …), so the field has a default; the document
    # still says what a client must send.
    schema["required"] = [*schema.get("required", []), "answers"]


class SkmInput(_SkmCommon):
    """One SKM response (PermenPANRB 14/2017) through the API; no personal data."""

    model_config = ConfigDict(json_schema_extra=_answers_required)

    answers: SkmAnswers = Field(None, description="The nine unsur of PermenPANRB 14/2017 in its order, each scored "
                                                  "1 (worst) to 4 (best); labels in /categories → skm_unsur")

    @classmethod
    def cross_check(cls, clean, errors, data, context):
        answers = data.get("answers")
        if isinstance(answers, dict):
            unknown = sorted(str(k) for k in answers if k not in SKM_UNSUR_KEYS)
            if unknown:
                errors["answers"] = [_("Unsur tidak dikenal: %(keys)s", keys=", ".join(unknown)[:200])]
        clean.update(clean.pop("answers", None) or {})


def validate_api(data) -> tuple[dict, dict]:
    return SkmInput.check(data)
