"""The field types every input schema is made of (pydantic v2): one rule, one message, one JSON Schema.

Each public input (a complaint, a gratification report, a WBS tip, a message, an SKM answer…) is a
`Schema` whose fields are annotated with one of the rules below. The same class validates the HTML
form (request.form) and the API body (JSON), and `portal.api.spec` turns it into the OpenAPI
document, so a limit is written once. A rule reads a raw value (text from a form, anything from
JSON), returns the clean value or raises `Refused` with the message users see; `Schema.check` maps
pydantic's errors to the `{"field": ["message", …]}` shape of the forms and of the API's 422.

Why pydantic: it derives JSON Schema (the OpenAPI 3.1 dialect) from the same declarations that
validate, is very well kept, and needs no separate spec library (marshmallow would need apispec).
"""
from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, ClassVar

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError, core_schema

# Control characters other than tab/newline break PostgreSQL (NUL) and hide text from handlers.
# Lone surrogates (JSON may carry "\ud800") cannot be encoded as UTF-8 at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()\-.]+$")
_ERROR_TYPE = "portal"


class Refused(ValueError):
    """A value a rule does not accept; `message` is what the user reads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _required() -> str:
    return _("Wajib diisi.")


@dataclass(frozen=True, eq=False)
class Rule(ABC):
    """A field type: `check(raw, context)` → clean value; `json_schema()` → its JSON Schema.

    `required_message` names the message for a missing value (a callable, so it is translated in the
    request's language). Every rule treats None and "" as absent.
    """

    required: bool = False
    description: Any = field(default=None, compare=False)  # text or a lazy translation
    required_message: Callable[[], str] = field(default=_required, compare=False)

    @abstractmethod
    def check(self, value, context: Mapping) -> Any:
        """The clean value, or PydanticCustomError with the field's message."""

    @abstractmethod
    def schema(self) -> dict:
        """The rule's JSON Schema (without the description)."""

    def json_schema(self) -> dict:
        schema = self.schema()
        if self.description:
            schema["description"] = str(self.description)
        return schema

    def absent(self, default=None):
        if self.required:
            raise Refused(self.required_message())
        return default

    # --- pydantic glue: the rule is the whole core schema of its field --------------------------------
    def __get_pydantic_core_schema__(self, _source, _handler):
        return core_schema.with_info_plain_validator_function(self._validate)

    def __get_pydantic_json_schema__(self, _core, _handler):
        return self.json_schema()

    def _validate(self, value, info):
        try:
            return self.check(value, info.context or {})
        except Refused as refused:
            raise PydanticCustomError(_ERROR_TYPE, "{message}", {"message": refused.message}) from None


def _raw_text(value) -> str | None:
    """None, or the text of a scalar (a JSON number is read as its digits); anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Refused(_("Isian harus berupa teks."))
    return str(value)


@dataclass(frozen=True, eq=False)
class Text(Rule):
    """Trimmed NFC text without control characters, within [min_len, max_len]; one line unless multiline.
    `messages` may reword a refusal for one field (keys: type, control, short, long)."""

    max_len: int = 200
    min_len: int = 0
    multiline: bool = False
    nullable: bool = False
    messages: Mapping[str, Callable[..., str]] | None = field(default=None, compare=False)

    def _say(self, key: str, default: Callable[..., str], **values) -> str:
        return (self.messages or {}).get(key, default)(**values)

    def check(self, value, context):
        try:
            value = _raw_text(value)
        except Refused:
            raise Refused(self._say("type", lambda: _("Isian harus berupa teks."))) from None
        # One newline whatever the browser sends (a textarea posts CRLF), so a length is what the page counted.
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip() if value is not None else ""
        if not value:
            return self.absent()
        if _CONTROL.search(value):
            raise Refused(self._say("control", lambda: _("Mengandung karakter yang tidak diizinkan.")))
        if not self.multiline and ("\n" in value or "\r" in value):
            value = " ".join(value.split())
        if len(value) < self.min_len:
            raise Refused(self._say("short", lambda **v: _(
                "Terlalu pendek: minimal %(min)d karakter (sekarang %(n)d).", **v), min=self.min_len, n=len(value)))
        if len(value) > self.max_len:
            raise Refused(self._say("long", lambda **v: _(
                "Terlalu panjang: maksimal %(max)d karakter (sekarang %(n)d).", **v), max=self.max_len, n=len(value)))
        return value

    def schema(self):
        schema = {"type": ["string", "null"] if self.nullable else "string", "maxLength": self.max_len}
        if self.min_len:
            schema["minLength"] = self.min_len
        return schema


def _choose() -> str:
    return _("Silakan pilih salah satu.")


@dataclass(frozen=True, eq=False)
class Choice(Rule):
    """A code of `options` (a catalog mapping); absent → `default`."""

    options: Mapping = field(default_factory=dict, compare=False)
    default: str | None = None
    nullable: bool = False
    required_message: Callable[[], str] = field(default=_choose, compare=False)

    def check(self, value, context):
        value = (_raw_text(value) or "").strip()
        if not value:
            return self.absent() if self.default is None else self.default
        if value not in self.options:
            raise Refused(_("Pilihan tidak dikenal."))
        return value

    def schema(self):
        codes = list(self.options)
        schema = {"type": ["string", "null"], "enum": [*codes, None]} if self.nullable else \
            {"type": "string", "enum": codes}
        if self.default is not None:
            schema["default"] = self.default
        return schema


@dataclass(frozen=True, eq=False)
class PastDate(Rule):
    """An ISO date (TTTT-BB-HH) not after context["today"] and not before context["earliest"] or,
    without it, `max_age_days` back."""

    max_age_days: int | None = None

    def check(self, value, context):
        value = (_raw_text(value) or "").strip()
        if not value:
            return self.absent()
        try:
            parsed = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise Refused(_("Tanggal tidak valid; gunakan format TTTT-BB-HH, misalnya 2026-03-12."))
        today = context["today"]
        earliest = context.get("earliest") or (today - timedelta(days=self.max_age_days) if self.max_age_days else None)
        if parsed > today:
            raise Refused(_("Tanggal tidak boleh di masa depan."))
        if earliest and parsed < earliest:
            raise Refused(_("Tanggal terlalu lama: paling awal %(d)s.", d=earliest.isoformat()))
        return parsed

    def schema(self):
        return {"type": "string", "format": "date"}


@dataclass(frozen=True, eq=False)
class Email(Rule):
    def check(self, value, context):
        value = Text(max_len=254, required=self.required).check(value, context)
        if value and not _EMAIL.match(value):
            raise Refused(_("Alamat surel tidak valid, contoh: nama@contoh.id."))
        return value

    def schema(self):
        return {"type": "string", "format": "email"}


@dataclass(frozen=True, eq=False)
class Phone(Rule):
    def check(self, value, context):
        value = Text(max_len=30, required=self.required).check(value, context)
        if value is None:
            return None
        digits = re.sub(r"\D", "", value)
        if not _PHONE_ALLOWED.match(value) or not 8 <= len(digits) <= 15:
            raise Refused(_("Nomor telepon tidak valid: 8 sampai 15 angka, contoh 0812 3456 7890."))
        return value

    def schema(self):
        return {"type": "string"}


@dataclass(frozen=True, eq=False)
class NIK(Rule):
    """16 digits (spaces and dots ignored) with a plausible region and birth date."""

    def check(self, value, context):
        value = Text(max_len=40, required=self.required).check(value, context)
        if value is None:
            return None
        digits = value.replace(" ", "").replace(".", "")
        if not re.fullmatch(r"\d{16}", digits):
            raise Refused(_("NIK harus 16 angka."))
        if not nik_is_plausible(digits):
            raise Refused(_("NIK tidak sesuai format kependudukan (kode wilayah atau tanggal lahir tidak valid)."))
        return digits

    def schema(self):
        return {"type": "string", "pattern": "^[0-9]{16}$"}


@dataclass(frozen=True, eq=False)
class NIP(Rule):
    """18 digits (spaces ignored)."""

    def check(self, value, context):
        value = Text(max_len=40, required=self.required).check(value, context)
        if value is None:
            return None
        digits = value.replace(" ", "")
        if not re.fullmatch(r"\d{18}", digits):
            raise Refused(_("NIP harus 18 angka."))
        return digits

    def schema(self):
        return {"type": "string", "pattern": "^[0-9 ]{18,}$"}


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True, eq=False)
class Integer(Rule):
    """A whole number: a JSON integer, or text such as "Rp1.500.000"; `messages` may reword the bounds
    (keys: below, above)."""

    minimum: int | None = None
    maximum: int | None = None
    messages: Mapping[str, Callable[[], str]] | None = field(default=None, compare=False)

    def check(self, value, context):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.absent()
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise Refused(_("Harus berupa bilangan bulat."))
        if isinstance(value, str):
            text = value.strip().replace(".", "").replace(" ", "")
            if text.lower().startswith("rp"):
                text = text[2:]
            if not re.fullmatch(r"-?\d{1,18}", text):
                raise Refused(_("Harus berupa bilangan bulat tanpa desimal."))
            value = int(text)
        elif isinstance(value, float):
            value = int(value)
        elif not isinstance(value, int):
            raise Refused(_("Harus berupa bilangan bulat."))
        messages = self.messages or {}
        if self.minimum is not None and value < self.minimum:
            raise Refused(messages["below"]() if "below" in messages else
                          _("Tidak boleh kurang dari %(min)s.", min=_thousands(self.minimum)))
        if self.maximum is not None and value > self.maximum:
            raise Refused(messages["above"]() if "above" in messages else
                          _("Tidak boleh lebih dari %(max)s.", max=_thousands(self.maximum)))
        return value

    def schema(self):
        schema: dict = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema


_YES = {"1", "true", "ya", "on", "yes", "y"}
_NO = {"0", "false", "tidak", "off", "no", "n"}


@dataclass(frozen=True, eq=False)
class Boolean(Rule):
    """A JSON boolean or a form's yes/no; absent → `default` (None keeps "unknown" apart from "no")."""

    default: bool | None = False

    def check(self, value, context):
        if value is None or value == "":
            return self.default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _YES:
            return True
        if isinstance(value, str) and value.strip().lower() in _NO:
            return False
        raise Refused(_("Pilihan ya/tidak tidak valid."))

    def schema(self):
        schema: dict = {"type": "boolean"}
        if self.default is not None:
            schema["default"] = self.default
        return schema


def _answer_required() -> str:
    return _("Wajib dijawab.")


@dataclass(frozen=True, eq=False)
class Score(Rule):
    """A survey answer 1–4. `strict` (the API) takes JSON integers only, otherwise the digits a form sends."""

    strict: bool = False
    lowest: int = 1
    highest: int = 4
    required: bool = True
    required_message: Callable[[], str] = field(default=_answer_required, compare=False)

    def check(self, value, context):
        if value is None or value == "":
            return self.absent()
        if self.strict:
            ok = not isinstance(value, bool) and isinstance(value, int) and self.lowest <= value <= self.highest
        else:
            ok = isinstance(value, str) and value in {str(n) for n in range(self.lowest, self.highest + 1)}
        if not ok:
            raise Refused(_("Jawaban harus angka bulat 1 sampai 4."))
        return int(value)

    def schema(self):
        return {"type": "integer", "minimum": self.lowest, "maximum": self.highest}


def check_value(rule: Rule, value, context: Mapping | None = None) -> tuple[Any, str | None]:
    """(clean value, None) or (None, message) for one value outside a schema (a back-office field)."""
    try:
        return rule.check(value, context or {}), None
    except Refused as refused:
        return None, refused.message


def rule_of(model: type[BaseModel], name: str) -> Rule | None:
    info = model.model_fields.get(name)
    return next((m for m in info.metadata if isinstance(m, Rule)), None) if info else None


class Schema(BaseModel):
    """An input: the form and the API body alike. `check(data, **context)` → (clean dict, errors dict).

    Fields are annotated with a `Rule`; a required field has no default. `cross_check` adds the rules
    that join fields (it runs on whatever fields are clean, so every problem is shown at once)."""

    model_config = ConfigDict(validate_default=True, extra="ignore", frozen=True)
    # Fields the handler reads but the model does not keep (e.g. a confirmation box).
    transient: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check(cls, data, **context) -> tuple[dict, dict]:
        data = as_mapping(data)
        try:
            clean = cls.model_validate(data, context=context).model_dump()
            errors: dict[str, list[str]] = {}
        except ValidationError as exc:
            errors = errors_of(cls, exc)
            clean = cls._clean_fields(data, errors, context)
        cls.cross_check(clean, errors, data, context)
        for name in cls.transient:
            clean.pop(name, None)
        return clean, errors

    @classmethod
    def _clean_fields(cls, data, errors: dict, context) -> dict:
        """The fields that passed, when others did not (cross_check still sees them)."""
        clean = {}
        for name in cls.model_fields:
            rule = rule_of(cls, name)
            if rule is None or name in errors:
                continue
            value, problem = check_value(rule, data.get(name), context)
            if problem is None:
                clean[name] = value
        return clean

    @classmethod
    def cross_check(cls, clean: dict, errors: dict, data: Mapping, context: Mapping) -> None:
        """Rules over several fields: add to `errors` (and drop refused values from `clean`)."""


def as_mapping(data) -> Mapping:
    """A plain dict of a form (first value per field, like request.form.get) or a JSON object."""
    if hasattr(data, "to_dict"):
        return data.to_dict()
    return data if isinstance(data, dict) else dict(data or {})


def add_error(errors: dict, field_name: str, message: str) -> None:
    errors.setdefault(field_name, []).append(message)


def errors_of(model: type[BaseModel], exc: ValidationError) -> dict[str, list[str]]:
    """pydantic's errors as the portal's {"field": ["message", …]} (a nested field is "parent.child")."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"]
        name = ".".join(str(part) for part in loc)
        if error["type"] == _ERROR_TYPE:
            message = error["ctx"]["message"]
        elif error["type"] == "missing":
            owner = model
            for part in loc[:-1]:
                owner = owner.model_fields[part].annotation
            rule = rule_of(owner, str(loc[-1]))
            message = rule.required_message() if rule else _required()
        else:
            # Only a rule's own refusal or a missing field can reach here from a Schema; anything else
            # (a nested object given as text) is read as "not the expected kind".
            message = _("Isian harus berupa teks.")
        add_error(errors, name, message)
    return errors


def nik_is_plausible(nik: str) -> bool:
    """Province code 11–94, and a DDMMYY birth date (day + 40 for women)."""
    province = int(nik[:2])
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    return 11 <= province <= 94 and 1 <= day <= 31 and 1 <= month <= 12
