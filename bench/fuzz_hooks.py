"""Schemathesis hooks for the API fuzz: besides what the OpenAPI document describes, JSON nested
1,100-5,000 deep and Unicode digits ('²', '٣', '１２') where numbers, codes and tickets go.

bench/fuzz_api.py loads this file through SCHEMATHESIS_HOOKS (then `flatmap_case` is registered
for every schema); tests/ops/test_fuzz_smoke.py registers it on its own schema with `register`.
"""
from __future__ import annotations

import json

from hypothesis import strategies as st

# '²'.isdigit() is true but int('²') fails; '٣' and '１２' are decimal digits int() accepts.
UNICODE_DIGITS = st.one_of(
    st.sampled_from(["²", "٣", "１２", "¹⁰", "𝟗", "٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠١", "-1", "1e3", "9" * 40]),
    st.text(alphabet="²³¹٣٤۵१১๓１２𝟗⁰0123456789", min_size=1, max_size=20),
)
# Past a server's default recursion limit (1,000), where json.loads raises RecursionError.
DEPTHS = st.integers(1_100, 5_000)


def nested_text(depth: int, kind: str, body) -> str:
    """The JSON text of `body` inside `depth` arrays or objects. Sent as text: the client never
    holds the nesting as Python objects, which its own recursive code (copies, reprs) cannot handle."""
    inner = json.dumps(body, default=str)
    if kind == "array":
        return "[" * depth + inner + "]" * depth
    return '{"a":' * depth + inner + "}" * depth


def _with(case, **changes):
    for name, value in changes.items():
        setattr(case, name, value)
    return case


def _deep(case, depth: int, kind: str):
    # text/plain makes schemathesis send the string as it is; the header says it is JSON.
    case.headers["Content-Type"] = "application/json"
    return _with(case, body=nested_text(depth, kind, case.body), media_type="text/plain")
def flatmap_case(context, case):
    """The generated case itself, or one variant carrying deep nesting or Unicode digits."""
    variants = [st.just(case)]
    body = case.body
    if isinstance(body, dict) and (case.media_type or "").endswith("json"):
        variants.append(st.builds(lambda depth, kind: _deep(case, depth, kind),
                                  DEPTHS, st.sampled_from(["array", "object"])))
    if isinstance(body, dict) and body:
        keys = sorted(body)
        variants.append(st.builds(lambda key, digits: _with(case, body={**body, key: digits}),
                                  st.sampled_from(keys), UNICODE_DIGITS))
    for part in ("query", "path_parameters"):
        values = getattr(case, part) or {}
        if values:
            keys = sorted(values)
            variants.append(st.builds(lambda key, digits, part=part, values=values:
                                      _with(case, **{part: {**values, key: digits}}),
                                      st.sampled_from(keys), UNICODE_DIGITS))
    return st.one_of(variants)


def register(schema) -> None:
    """Use these strategies on one schema only (the in-process smoke test)."""
    schema.hook(flatmap_case)


if __name__ == "_schemathesis_hooks":  # loaded by `st run` through SCHEMATHESIS_HOOKS
    import schemathesis

    schemathesis.hook(flatmap_case)
