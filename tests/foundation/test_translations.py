"""The English catalogue: it parses, keeps placeholders, has no fuzzy entries, covers the
source (re-extracted with babel.cfg on every run) and is what the public pages show after /bahasa/en."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
EN_PO = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MIN_COVERAGE = 0.95

# %(name)s, %(n)d, %(x)5.2f … (the named Python placeholders _()/gettext fill in).
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read_en():
    with EN_PO.open("rb") as handle:
        return read_po(handle, locale="en")


def _forms(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [v or "" for v in value]
    return [value or ""]


def _translated(message) -> bool:
    return not message.fuzzy and all(s.strip() for s in _forms(message.string))


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


@pytest.fixture(scope="module")
def en_catalog():
    return _read_en()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Re-extract every msgid of the current source (portal/*.py and templates/) with babel.cfg."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "--quiet", "extract", "-F", str(BABEL_CFG), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "-o", str(pot), str(ROOT),
    ])
    with pot.open("rb") as handle:
        template = read_po(handle)
    return [m for m in template if m.id]


def test_catalogue_parses_and_keeps_placeholders(en_catalog):
    entries = [m for m in en_catalog if m.id]
    assert len(entries) > 100, "the English catalogue looks empty"
    wrong = []
    for m in entries:
        ids = _forms(m.id)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for form in _forms(m.string):
            if form and set(PLACEHOLDER.findall(form)) != expected:
                wrong.append(f"{_key(m.id)!r} -> {form!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)
    # It also compiles, as portal.i18n does at start-up.
    write_mo(io.BytesIO(), en_catalog)


def test_no_fuzzy_entries(en_catalog):
    assert not en_catalog.fuzzy, "the catalogue header is marked fuzzy"
    fuzzy = [_key(m.id) for m in en_catalog if m.id and m.fuzzy]
    assert not fuzzy, "fuzzy entries (write a real translation and drop the flag):\n" + "\n".join(map(repr, fuzzy))


def test_catalogue_covers_the_source(en_catalog, extracted):
    assert len(extracted) > 100, "extraction found almost nothing: is babel.cfg right?"
    untranslated = []
    for m in extracted:
        entry = en_catalog.get(m.id)
        if entry is None or not _translated(entry):
            untranslated.append(_key(m.id))
    coverage = 1 - len(untranslated) / len(extracted)
    assert coverage >= MIN_COVERAGE, (
        f"English covers {coverage:.1%} of {len(extracted)} msgids (minimum {MIN_COVERAGE:.0%}); "
        "run `make translations` and translate:\n" + "\n".join(map(repr, untranslated))
    )


def _headings(page: str, level: str) -> list[str]:
    found = re.findall(rf"<{level}\b[^>]*>(.*?)</{level}>", page, flags=re.S)
    texts = []
    for raw in found:
        raw = re.sub(r"<span\b[^>]*>.*?</span>", "", raw, flags=re.S)  # e.g. the ticket number
        texts.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split()))
    return texts


@pytest.mark.parametrize("path, expected", [
    ("/", "Integrity Portal"),
    ("/pengaduan/baru", "File a complaint"),
    ("/pengaduan/status", "Check complaint status"),
    ("/survei", "Public Satisfaction Survey"),
])
def test_public_pages_speak_english_after_switch(client, en_catalog, path, expected):
    switched = client.get("/bahasa/en")
    assert switched.status_code in (302, 303)

    page = client.get(path).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert expected in html.unescape(page)

    translations = {}
    for m in en_catalog:
        if m.id and isinstance(m.id, str) and _translated(m):
            translations[m.id] = m.string
    english = set(translations.values())
    still_indonesian = {i for i, s in translations.items() if i != s}

    h1s = _headings(page, "h1")
    assert h1s, f"{path} has no <h1>"
    for text in h1s:
        assert text in english, f"{path}: <h1> {text!r} is not an English translation from the catalogue"
    for level in ("h1", "h2", "h3", "legend", "title"):
        for text in _headings(page, level):
            parts = [text] + [p.strip() for p in text.split("·")]
            leftover = [p for p in parts if p in still_indonesian]
            assert not leftover, f"{path}: <{level}> still in Indonesian: {leftover}"
    for nav_label in ("Complaints", "Check status", "Procedure", "Privacy"):
        assert f">{nav_label}</a>" in page, f"{path}: menu item {nav_label!r} not in English"


def test_switch_back_to_indonesian(client):
    client.get("/bahasa/en")
    assert "Check complaint status" in client.get("/pengaduan/status").get_data(as_text=True)
    client.get("/bahasa/id")
    page = client.get("/pengaduan/status").get_data(as_text=True)
    assert '<html lang="id">' in page and "Cek status pengaduan" in page
