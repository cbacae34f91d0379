"""Property tests (Hypothesis): the form validators never crash and keep their rules for any input,
and no JSON object makes POST /api/v1/complaints answer 5xx or store half a case."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from pydantic import create_model
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import Complaint, OutboxMail
from portal.validation import NIK, NIP, Boolean, Choice, Email, Integer, PastDate, Phone, Schema, Text, nik_is_plausible
from samples import COMPLAINT
from support import examples

FAST = settings(max_examples=examples(100), deadline=None, database=None)
TODAY = date(2026, 11, 24)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
# Text that looks like what people and bots type: digits, separators, letters, controls, emoji.
typed = st.text(alphabet=st.sampled_from("0123456789 +-().@_abcXYZ\n\t\x00\x7f\u00e9\u0301\U0001F600/²٣１𝟗"),
                max_size=40)
# Digits that str.isdigit() accepts but int() refuses ('²') or reads ('٣', '１').
unicode_digits = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=8)
# Past the recursion limit, where json.loads raises RecursionError: 1,000 by default, about 2,000
# while Hypothesis runs a test (it raises the limit for its own needs).
deep_json = st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(3_000, 6_000)) | st.builds(
    lambda depth: '{"a":' * depth + "1" + "}" * depth, st.integers(3_000, 6_000))
raw_values = json_values | typed


@pytest.fixture(scope="module")
def babel_app(tmp_path_factory):
    """The validators speak through Flask-Babel, so they run inside a request of a real app."""
    instance = tmp_path_factory.mktemp("props") / "instance"
    return create_app({"PORTAL_ENV": "testing", "instance_path": str(instance),
                       "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(instance / "unused.db"), "SECRET_KEY": "x" * 40})


RULES = [
    ("text", {}), ("text", {"required": True, "min_len": 20, "max_len": 50, "multiline": True}),
    ("choice", {"options": {"a": 1, "b": 2}}), ("choice", {"options": {"a": 1}, "required": True}),
    ("past_date", {"today": TODAY, "earliest": TODAY - timedelta(days=5 * 365)}),
    ("email", {}), ("phone", {}), ("nik", {}), ("nip", {"required": True}),
    ("integer", {"minimum": 0, "maximum": 10**15}), ("boolean", {}),
]


RULE_TYPES = {"text": Text, "choice": Choice, "past_date": PastDate, "email": Email, "phone": Phone, "nik": NIK,
              "nip": NIP, "integer": Integer, "boolean": Boolean}


_MODELS: dict = {}


class Outcome:
    def __init__(self, clean: dict, errors: dict):
        self.clean, self.errors = clean, errors


def call(app, method: str, kwargs: dict, value):
    """The field type `method` with `kwargs`, as the one field `f` of a schema, given `value`."""
    kwargs = dict(kwargs)
    context = {name: kwargs.pop(name) for name in ("today", "earliest") if name in kwargs}
    key = (method, repr(sorted(kwargs.items())))
    if key not in _MODELS:
        _MODELS[key] = create_model("One", __base__=Schema, f=(Annotated[Any, RULE_TYPES[method](**kwargs)], None))
    model = _MODELS[key]
    with app.test_request_context():
        clean, errors = model.check({"f": value}, **context)
    return Outcome({} if "f" in errors else clean, errors)


@pytest.mark.parametrize("method,kwargs", RULES, ids=[f"{m}-{i}" for i, (m, _k) in enumerate(RULES)])
@FAST
@given(value=raw_values)
def test_any_value_is_either_clean_or_an_error_never_an_exception(babel_app, method, kwargs, value):
    v = call(babel_app, method, kwargs, value)
    if "f" in v.errors:
        assert v.errors["f"] and all(isinstance(m, str) and m for m in v.errors["f"])
        assert v.clean.get("f") is None, (v.clean, v.errors)  # a refused value never passes as clean
    else:
        assert "f" in v.clean, "neither clean nor an error"
        clean = v.clean["f"]
        assert clean is None or isinstance(clean, (str, int, bool, date))
        if isinstance(clean, str):
            # Nothing that breaks PostgreSQL or hides text from a handler gets through.
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", clean)
            assert clean == clean.strip() and clean == unicodedata.normalize("NFC", clean)


@FAST
@given(value=raw_values, max_len=st.integers(1, 60), multiline=st.booleans())
def test_text_is_trimmed_and_bounded(babel_app, value, max_len, multiline):
    v = call(babel_app, "text", {"max_len": max_len, "multiline": multiline}, value)
    clean = v.clean.get("f")
    if clean:
        assert len(clean) <= max_len
        if not multiline:
            assert "\n" not in clean and "\r" not in clean


def niks(plausible: bool = True):
    province = st.integers(11, 94) if plausible else st.one_of(st.integers(0, 10), st.integers(95, 99))
    return st.builds(lambda p, r, d, day, female, month, yy, serial: f"{p:02d}{r:02d}{d:02d}{day + (40 if female else 0):02d}"
                     f"{month:02d}{yy:02d}{serial:04d}", province, st.integers(0, 99), st.integers(0, 99),
                     st.integers(1, 31), st.booleans(), st.integers(1, 12), st.integers(0, 99), st.integers(0, 9999))


@FAST
@given(nik=niks(), separators=st.lists(st.sampled_from([" ", "."]), max_size=3))
def test_plausible_nik_is_accepted_with_spaces_or_dots(babel_app, nik, separators):
    shown = nik
    for i, sep in enumerate(separators):
        cut = 4 + 4 * i
        shown = shown[:cut] + sep + shown[cut:]
    v = call(babel_app, "nik", {}, shown)
    assert v.clean.get("f") == nik, v.errors


@FAST
@given(nik=niks(plausible=False))
def test_nik_with_an_impossible_province_is_refused(babel_app, nik):
    assert "f" in call(babel_app, "nik", {}, nik).errors


@FAST
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_nik_is_exactly_sixteen_digits_and_nip_eighteen(babel_app, digits):
    nik = call(babel_app, "nik", {}, digits)
    assert ("f" in nik.clean) == (len(digits) == 16 and nik_is_plausible(digits))
    nip = call(babel_app, "nip", {}, digits)
    assert ("f" in nip.clean) == (len(digits) == 18)


@FAST
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=20), plus=st.booleans(),
       grouping=st.sampled_from(["", " ", "-", "."]))
def test_phone_needs_8_to_15_digits(babel_app, digits, plus, grouping):
    shown = ("+" if plus else "") + grouping.join(digits[i:i + 4] for i in range(0, len(digits), 4))
    assume(len(shown) <= 30)
    v = call(babel_app, "phone", {}, shown)
    assert ("f" in v.clean) == (8 <= len(digits) <= 15), (shown, v.errors)


@FAST
@given(digits=st.text(alphabet="0123456789", min_size=8, max_size=12), letter=st.sampled_from("aOlI#/"))
def test_phone_with_letters_is_refused(babel_app, digits, letter):
    assert "f" in call(babel_app, "phone", {}, digits[:4] + letter + digits[4:]).errors


label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@FAST
@given(local=st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True), labels=st.lists(label, min_size=2, max_size=3))
def test_ordinary_email_addresses_are_accepted(babel_app, local, labels):
    address = f"{local}@{'.'.join(labels)}"
    assert call(babel_app, "email", {}, address).clean.get("f") == address


@FAST
@given(value=st.text(max_size=60).filter(lambda s: "@" not in s and s.strip()))
def test_email_without_at_sign_is_refused(babel_app, value):
    assert "f" in call(babel_app, "email", {}, value).errors


@FAST
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_incident_date_is_past_and_not_too_old(babel_app, day):
    earliest = TODAY - timedelta(days=5 * 365)
    v = call(babel_app, "past_date", {"today": TODAY, "earliest": earliest}, day.isoformat())
    if earliest <= day <= TODAY:
        assert v.clean.get("f") == day
    else:
        assert "f" in v.errors


@FAST
@given(text=st.text(max_size=20))
def test_only_iso_dates_are_dates(babel_app, text):
    v = call(babel_app, "past_date", {"today": TODAY}, text)
    if "f" in v.clean and v.clean["f"] is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip())


# --- the API: no JSON object answers 5xx, a refused one stores nothing ----------------------------

FIELDS = sorted(set(COMPLAINT) | {"subject", "location", "requested_resolution", "address", "classification"})
complaint_bodies = st.one_of(
    st.dictionaries(st.text(max_size=12), json_values, max_size=6),
    # Mostly valid cases with some fields replaced by anything: these reach deep into the service.
    st.builds(lambda changes, drop: {k: v for k, v in {**COMPLAINT, **changes}.items() if k not in drop},
              st.dictionaries(st.sampled_from(FIELDS), raw_values, max_size=3),
              st.sets(st.sampled_from(FIELDS), max_size=2)),
)


def stored(app) -> tuple[int, int, int]:
    with app.app_context():
        counts = (db.session.scalar(select(func.count()).select_from(Complaint)),
                  db.session.scalar(select(func.count()).select_from(OutboxMail)))
        db.session.remove()
    uploads = Path(app.instance_path) / "uploads"
    return counts + (sum(1 for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else 0,)


@settings(max_examples=examples(150), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=complaint_bodies)
def test_any_json_object_gets_an_answer_below_500_and_a_refusal_stores_nothing(app, body):
    client = app.test_client()
    before = stored(app)
    response = client.post("/api/v1/complaints", json=body)
    event(f"status {response.status_code}")
    assert response.status_code < 500, (body, response.get_data(as_text=True)[:300])
    after = stored(app)
    if response.status_code == 201:
        assert after[0] == before[0] + 1
    else:
        assert response.status_code in (400, 413, 415, 422), response.status_code
        assert after == before
        assert "errors" in response.get_json() or "error" in response.get_json()


# --- malformed input: Unicode digits in query parameters, JSON nested ~2,000 deep ---------------------


@FAST
@given(raw=unicode_digits | typed | st.from_regex(r"[0-9]{1,25}", fullmatch=True))
def test_integer_parameters_are_ascii_digits_or_nothing(raw):
    from portal.params import parse_int

    value = parse_int(raw, lo=1, hi=10**9)
    if value is not None:
        assert raw.strip().isascii() and raw.strip().isdigit() and 1 <= value <= 10**9
    else:
        stripped = raw.strip()
        assert not (stripped.isascii() and stripped.isdigit() and len(stripped) <= 18 and 1 <= int(stripped) <= 10**9)


@settings(max_examples=examples(40), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(page=unicode_digits, year=unicode_digits, actor=unicode_digits)
def test_back_office_lists_answer_unicode_digits_without_5xx(as_role, page, year, actor):
    client = _admin_client(as_role)
    for url, query in (("/kantor/admin/audit", {"page": page, "actor": actor}),
                       ("/kantor/admin/libur", {"tahun": year})):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query, response.status_code)


_clients: dict[int, object] = {}


def _admin_client(as_role):
    # One sign-in per test (the fixture is the same object across Hypothesis examples).
    if id(as_role) not in _clients:
        _clients.clear()
        _clients[id(as_role)] = as_role("admin")
    return _clients[id(as_role)]


@settings(max_examples=examples(30), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=deep_json, path=st.sampled_from(["/api/v1/complaints", "/api/v1/gratifications", "/api/v1/wbs/tips"]))
def test_deeply_nested_json_is_a_400_and_stores_nothing(app, body, path):
    before = stored(app)
    response = app.test_client().post(path, data=body, content_type="application/json")
    assert response.status_code == 400, (path, response.status_code)
    assert stored(app) == before
