"""A small schemathesis run in the suite: every operation of /api/v1/openapi.json, generated inputs,
no 5xx and every answer as documented. The >= 10,000-request run is bench/fuzz_api.py."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]' or '.[fuzz]'); the API fuzz smoke needs it")

import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error, response_schema_conformance  # noqa: E402

from support import examples  # noqa: E402

EXAMPLES_PER_OPERATION = 20


def fuzz_hooks():
    """bench/fuzz_hooks.py: the deep-nesting and Unicode-digit variants the 10,000-request run uses."""
    spec = importlib.util.spec_from_file_location("fuzz_hooks", Path(__file__).parents[2] / "bench" / "fuzz_hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_requests_get_no_5xx_and_documented_answers(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    statuses: dict[str, list[int]] = {}

    for operation in operations:
        @settings(max_examples=examples(EXAMPLES_PER_OPERATION), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case):
            response = case.call()
            statuses.setdefault(operation.label, []).append(response.status_code)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        exercise()

    assert set(statuses) == {op.label for op in operations}
    answered = [code for codes in statuses.values() for code in codes]
    assert len(answered) >= 3 * EXAMPLES_PER_OPERATION // 2
    assert max(answered) < 500


def test_deep_nesting_and_unicode_digits_get_no_5xx(app):
    """The variants of bench/fuzz_hooks.py, in-process (Hypothesis raises the recursion limit to about
    2,000 while it runs, so some nestings parse here and their validators must refuse them)."""
    hooks = fuzz_hooks()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    hooks.register(schema)
    operations = [result.ok() for result in schema.get_all_operations()]
    seen = {"deep": 0, "digits": 0}

    for operation in operations:
        @settings(max_examples=examples(EXAMPLES_PER_OPERATION), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case):
            deep = isinstance(case.body, str) and case.body.startswith(("[[[[", '{"a":{"a":'))
            seen["deep"] += deep
            seen["digits"] += any(
                isinstance(v, str) and any(ch in v for ch in "²³¹٣٤۵१১๓１２𝟗⁰")
                for part in (case.body if isinstance(case.body, dict) else {}, case.query or {},
                             case.path_parameters or {}) for v in part.values())
            response = case.call()
            assert response.status_code < 500, (operation.label, response.status_code)
            if deep:
                assert response.status_code in (400, 404, 422), (operation.label, response.status_code)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        exercise()

    assert seen["deep"] > 0 and seen["digits"] > 0, seen


def test_a_refused_attachment_is_answered_as_documented(app):
    """Found by bench/fuzz_api.py: a 415 `{"errors": …}` matched both alternatives of the documented
    `oneOf` (neither excludes the other), so no 415/413 answer could ever match it; now `anyOf`."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/complaints"]["POST"]
    from samples import COMPLAINT

    body = {**COMPLAINT, "files": [b"PK\x03\x04 not a photo"]}
    case = operation.Case(body=body, media_type="multipart/form-data")
    response = case.call()
    assert response.status_code == 415
    assert "files" in response.json()["errors"]
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
