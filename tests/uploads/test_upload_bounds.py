"""Uploads have bounded cost: PDF page/object caps and image pixel caps, checked before the expensive
work; PDF annotations lose author and dates; JPEGs in any filter chain and every image lose EXIF."""
from __future__ import annotations

import io
import threading
import time
import urllib.request
import zlib

import pytest
import requests
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, StreamObject, TextStringObject,
)
from sqlalchemy import func, select

from portal import uploads
from portal.extensions import db
from portal.models import Complaint
from portal.uploads import UploadRefused, inspect_upload

from samples import COMPLAINT, pdf_page_bomb

MAX = 5 * 1024 * 1024
ARTIST = 0x013B


@pytest.fixture(scope="session")
def page_bomb(tmp_path_factory) -> bytes:
    """48,000 pages, one object each (~5 MB): written once per session."""
    path = tmp_path_factory.mktemp("bombs") / "bomb-48000.pdf"
    path.write_bytes(pdf_page_bomb(48_000))
    return path.read_bytes()


def refused(data: bytes, name: str = "bukti.pdf") -> UploadRefused:
    with pytest.raises(UploadRefused) as info:
        inspect_upload(name, io.BytesIO(data), MAX)
    return info.value


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    return pdf_bytes(writer)


# ----------------------------------------------------------------------------- caps


def test_pdf_of_48000_pages_is_refused_quickly_with_a_clear_message(page_bomb):
    assert len(page_bomb) < MAX
    error = refused(page_bomb)
    assert error.status == 413
    assert "PDF «bukti.pdf»" in error.message
    # How quickly (about 40 ms; the old code spent about a minute) is bench/upload_cost.py's to
    # measure and enforce (it exits 1 above its bound): a wall-clock bound here fails under load.


@pytest.mark.parametrize("declared", [48_000, 1], ids=["declared", "lying-count"])
def test_one_page_listed_48000_times_is_refused(declared):
    error = refused(pdf_page_bomb(48_000, shared_page=True, declared=declared))
    assert error.status == 413


def test_more_pages_than_the_cap_is_refused_and_says_the_limit():
    error = refused(blank_pdf(uploads.MAX_PDF_PAGES + 1))
    assert error.status == 413
    assert str(uploads.MAX_PDF_PAGES) in error.message and "halaman" in error.message


def test_annotation_appearances_numbered_high_are_not_counted_as_objects():
    # "/AP << /N 940 0 R >>" names object 940; forty of them are not 37,000 objects.
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    for _ in range(900):
        writer._add_object(DictionaryObject())
    annots = []
    for i in range(40):
        appearance = StreamObject()
        appearance.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                           NameObject("/BBox"): ArrayObject([FloatObject(0)] * 4)})
        annots.append(writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Square"),
            NameObject("/Rect"): ArrayObject([FloatObject(i), FloatObject(i), FloatObject(i + 5), FloatObject(i + 5)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        })))
    page[NameObject("/Annots")] = ArrayObject(annots)
    clean = inspect_upload("catatan.pdf", io.BytesIO(pdf_bytes(writer)), MAX)
    assert len(PdfReader(io.BytesIO(clean.data)).pages[0]["/Annots"]) == 40


def test_a_sixty_page_scan_is_cleaned():
    clean = inspect_upload("pindaian.pdf", io.BytesIO(blank_pdf(60)), MAX)
    assert len(PdfReader(io.BytesIO(clean.data)).pages) == 60


def test_image_pixel_cap_is_checked_before_decoding(monkeypatch):
    # A PNG header declaring 20,000 x 20,000 pixels with almost no data: decoding would need 1.2 GB.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (20_000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    error = refused(png, "foto.png")
    assert error.status == 413 and "megapiksel" in error.message
    assert decoded == []


# ----------------------------------------------------------------------------- live server


def test_five_pdf_bombs_in_one_request_are_refused_while_healthz_answers(
        app, live_server, page_bomb):
    answers: list[tuple[int, float]] = []
    stop = threading.Event()

    sent_at: list[float] = []

    def probe():
        while not stop.is_set():
            sent = time.perf_counter()
            with urllib.request.urlopen(live_server.url + "/healthz", timeout=10) as response:
                answers.append((response.status, time.perf_counter() - sent))
                sent_at.append(sent)
            time.sleep(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    time.sleep(0.2)
    files = [("files", (f"bom-{i}.pdf", page_bomb, "application/pdf")) for i in range(5)]
    started = time.perf_counter()
    response = requests.post(live_server.url + "/api/v1/complaints", data=COMPLAINT, files=files, timeout=60)
    finished = time.perf_counter()
    time.sleep(0.2)
    stop.set()
    prober.join(timeout=15)

    assert response.status_code == 413, response.text[:500]
    assert "PDF" in response.json()["errors"]["files"][0]
    # The "under two seconds" is bench/upload_cost.py's bound (measured 0.2-0.5 s on two
    # shared cores; it exits 1 above 2 s): a wall-clock bound in a test fails under machine load.
    # What a test can say: /healthz answered every probe, and kept answering while the bombs were
    # being refused (no worker was stuck on them).
    assert answers and all(status == 200 for status, _ in answers)
    assert any(started <= sent <= finished for sent in sent_at), (started, finished, sent_at)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0


def test_pdf_bomb_on_the_web_form_is_a_form_error_and_stores_nothing(app, client, page_bomb):
    import re

    html = client.get("/pengaduan/baru").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    key = re.search(r'name="submission_key" value="([^"]+)"', html)[1]
    form = {"csrf_token": token, "submission_key": key, "classification": "pengaduan", "category": "akta-lahir",
            "problem": "pungli", "privacy": "anonymous", "declaration": "yes",
            "description": "Petugas loket meminta Rp150.000 supaya akta kelahiran anak cepat selesai.",
            "files": [(io.BytesIO(page_bomb), "bom.pdf")]}
    response = client.post("/pengaduan/baru", data=form, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "PDF «bom.pdf»" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Complaint)) == 0


# ----------------------------------------------------------------------------- PDF metadata


def test_pdf_annotations_lose_author_and_dates_but_keep_the_comment():
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    note = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(30), FloatObject(30)]),
        NameObject("/Contents"): TextStringObject("Uang diserahkan di loket 3"),
        NameObject("/T"): TextStringObject("Budi Canary"),
        NameObject("/M"): TextStringObject("D:20261003091500+07'00'"),
        NameObject("/CreationDate"): TextStringObject("D:20261002081500+07'00'"),
        NameObject("/NM"): TextStringObject("budi-canary-20261003"),
    }))
    page[NameObject("/Annots")] = ArrayObject([note])
    original = pdf_bytes(writer)
    assert b"Budi Canary" in original and b"20261003" in original

    clean = inspect_upload("catatan.pdf", io.BytesIO(original), MAX).data

    assert b"Budi Canary" not in clean and b"2026100" not in clean
    annots = [a.get_object() for a in PdfReader(io.BytesIO(clean)).pages[0]["/Annots"]]
    assert annots[0]["/Contents"] == "Uang diserahkan di loket 3"
    assert not {"/T", "/M", "/CreationDate", "/NM"} & set(annots[0])


def _jpeg_with_exif(size=(16, 16)) -> bytes:
    exif = Image.Exif()
    exif[ARTIST] = "Budi Canary"
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("chain", [["/FlateDecode", "/DCTDecode"], ["/ASCIIHexDecode", "/FlateDecode", "/DCTDecode"]])
def test_jpeg_behind_a_filter_chain_in_a_pdf_loses_exif(chain):
    photo = _jpeg_with_exif()
    encoded = photo
    for name in reversed(chain[:-1]):  # apply the outer filters, innermost first
        encoded = zlib.compress(encoded) if name == "/FlateDecode" else encoded.hex().encode() + b">"
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    image = StreamObject()
    image.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(16), NameObject("/Height"): NumberObject(16),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"), NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): ArrayObject([NameObject(n) for n in chain]),
    })
    image._data = encoded
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)}),
    })
    original = pdf_bytes(writer)
    reader = PdfReader(io.BytesIO(original))
    before = reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object().get_data()
    assert b"Budi Canary" in before  # the EXIF is there once the chain is undone

    clean = inspect_upload("scan.pdf", io.BytesIO(original), MAX).data

    stream = PdfReader(io.BytesIO(clean)).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    jpeg = stream.get_data()
    assert b"Budi Canary" not in jpeg and b"Exif" not in jpeg
    assert Image.open(io.BytesIO(jpeg)).size == (16, 16)


# ----------------------------------------------------------------------------- image EXIF, every format


def _with_exif(kind: str) -> bytes:
    exif = Image.Exif()
    exif[ARTIST] = "Budi Canary"
    out = io.BytesIO()
    Image.new("RGB", (12, 12), (200, 30, 30)).save(out, kind, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("kind,name", [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_every_image_format_loses_exif(kind, name):
    original = _with_exif(kind)
    assert b"Budi Canary" in original
    clean = inspect_upload(name, io.BytesIO(original), MAX).data
    assert b"Budi Canary" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert not image.getexif()
