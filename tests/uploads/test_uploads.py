"""Attachment checks: type by content, metadata really gone from the bytes, encrypted storage."""
from __future__ import annotations

import io
import logging
import os
import struct

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, StreamObject, TextStringObject,
)

from portal import uploads
from portal.crypto.appkey import KeyRing
from portal.uploads import CleanFile, UploadRefused, inspect_upload, inspect_uploads

MAX = 5 * 1024 * 1024
GPS_IFD = 0x8825
ARTIST = 0x013B
ORIENTATION = 0x0112


def jpeg_with_exif(size=(20, 10), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    # Left half red, right half blue, so a rotation is visible in the pixels too.
    image.paste((30, 30, 200), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ARTIST] = "Budi Canary"
    if orientation:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (6.0, 10.0, 30.5), 3: "E", 4: (106.0, 49.0, 12.25)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Kamera milik Budi Canary")
    return out.getvalue()


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def js_action(writer: PdfWriter, code: str):
    return writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(code),
    }))


def hostile_pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Budi Canary", "/Creator": "Kantor Budi Canary"})
    writer.xmp_metadata = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>XmpBudi Canary</dc:creator>'
        b"</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    )
    writer.root_object[NameObject("/OpenAction")] = js_action(writer, "app.alert('open')")
    page = writer.pages[0]
    # Page-level open action and a link whose click runs script: both hang off the page itself.
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action(writer, "app.alert('page')")})
    link = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(50), FloatObject(50)]),
        NameObject("/A"): js_action(writer, "app.alert('link')"),
    }))
    page[NameObject("/Annots")] = ArrayObject([link])
    return pdf_bytes(writer)


def refused(name: str, data: bytes, max_bytes: int = MAX) -> UploadRefused:
    with pytest.raises(UploadRefused) as info:
        inspect_upload(name, io.BytesIO(data), max_bytes)
    assert info.value.field == "files"
    assert info.value.message
    return info.value


# ----------------------------------------------------------------------------- images


def test_jpeg_loses_exif_gps_artist_and_comment_and_keeps_size():
    original = jpeg_with_exif()
    assert b"Budi Canary" in original and b"Exif" in original  # the canary is really there
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    clean = inspect_upload("foto.jpg", io.BytesIO(original), MAX)

    assert isinstance(clean, CleanFile)
    assert clean.content_type == "image/jpeg" and clean.size == len(clean.data)
    assert b"Budi Canary" not in clean.data
    assert b"Exif" not in clean.data and b"http://ns.adobe.com/xap" not in clean.data
    reopened = Image.open(io.BytesIO(clean.data))
    assert reopened.format == "JPEG" and reopened.size == (20, 10)
    exif = reopened.getexif()
    assert ARTIST not in exif and not exif.get_ifd(GPS_IFD)
    assert "comment" not in reopened.info


def test_jpeg_orientation_is_applied_then_dropped():
    original = jpeg_with_exif(orientation=6)
    clean = inspect_upload("miring.jpg", io.BytesIO(original), MAX)
    reopened = Image.open(io.BytesIO(clean.data))
    assert reopened.size == (10, 20)
    assert ORIENTATION not in reopened.getexif()  # else viewers would rotate it a second time
    # Orientation 6 = rotate 90° clockwise: the red left half ends up on top.
    top, bottom = reopened.getpixel((5, 2)), reopened.getpixel((5, 17))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_png_loses_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Budi Canary")
    info.add_itxt("Comment", "rahasia Budi Canary", zip=False)
    out = io.BytesIO()
    Image.new("RGBA", (8, 6), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    assert b"Budi Canary" in out.getvalue()

    clean = inspect_upload("layar.png", io.BytesIO(out.getvalue()), MAX)

    assert clean.content_type == "image/png"
    assert b"Budi Canary" not in clean.data and b"tEXt" not in clean.data and b"iTXt" not in clean.data
    reopened = Image.open(io.BytesIO(clean.data))
    assert reopened.size == (8, 6) and reopened.mode == "RGBA"
    assert reopened.getpixel((1, 1)) == (0, 128, 0, 128)


def test_webp_loses_exif():
    exif = Image.Exif()
    exif[ARTIST] = "Budi Canary"
    out = io.BytesIO()
    Image.new("RGB", (12, 9), "white").save(out, "WEBP", exif=exif)
    assert b"Budi Canary" in out.getvalue()

    clean = inspect_upload("x.webp", io.BytesIO(out.getvalue()), MAX)

    assert clean.content_type == "image/webp"
    assert b"Budi Canary" not in clean.data and b"EXIF" not in clean.data
    assert Image.open(io.BytesIO(clean.data)).size == (12, 9)


def test_type_comes_from_content_and_name_follows_it():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    clean = inspect_upload(r"C:\Users\budi\Dokumen\bukti.pdf", io.BytesIO(out.getvalue()), MAX)
    assert clean.content_type == "image/png"
    assert clean.original_name == "bukti.png"  # no folder (it can name the person), true extension


def test_original_name_is_sanitised():
    long = "a" * 300 + ".jpg"
    clean = inspect_upload("../../" + long, io.BytesIO(jpeg_with_exif()), MAX)
    assert len(clean.original_name) <= 120 and clean.original_name.endswith(".jpg")
    assert "/" not in clean.original_name and ".." not in clean.original_name
    # Right-to-left override (makes "gpj.exe" look like "exe.jpg") and markup characters go.
    assert uploads.safe_name("\u202ebu<b>di.exe", ".png") == "bu_b_di.png"
    assert uploads.safe_name('bukti "asli"\x00.jpg') == "bukti _asli_.jpg"
    assert uploads.safe_name("", ".pdf") == "lampiran.pdf"


def test_text_named_jpg_is_refused():
    error = refused("foto.jpg", b"ini cuma teks biasa, bukan foto\n")
    assert error.status == 415
    assert "foto.jpg" in error.message and "JPEG" in error.message


def test_html_named_pdf_is_refused():
    error = refused("doc.pdf", b"<!doctype html><html><script>alert(1)</script></html>")
    assert error.status == 415 and "doc.pdf" in error.message


def test_pdf_magic_after_junk_is_refused():
    # Polyglots hide the PDF header behind something else; only offset 0 counts.
    assert refused("doc.pdf", b"<html>" + hostile_pdf()).status == 415


def test_truncated_jpeg_is_refused_without_crash():
    data = jpeg_with_exif(size=(64, 64))
    error = refused("potong.jpg", data[: len(data) // 2])
    assert error.status == 415 and "potong.jpg" in error.message


def test_decompression_bomb_is_refused():
    # A valid PNG header announcing 10000x10000 pixels: refused before any pixel is decoded.
    def chunk(kind: bytes, body: bytes) -> bytes:
        import zlib
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 10000, 10000, 8, 2, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", b"x") + chunk(b"IEND", b"")
    error = refused("bom.png", bomb)
    assert error.status == 413 and "megapiksel" in error.message


def test_too_large_is_refused_with_413():
    data = jpeg_with_exif()
    error = refused("besar.jpg", data, max_bytes=len(data) - 1)
    assert error.status == 413 and "besar.jpg" in error.message
    # Exactly at the limit is fine.
    assert inspect_upload("pas.jpg", io.BytesIO(data), len(data)).content_type == "image/jpeg"


def test_reads_at_most_max_bytes_plus_one():
    stream = io.BytesIO(b"\xff" * 10_000)
    with pytest.raises(UploadRefused):
        inspect_upload("x.jpg", stream, 100)
    assert stream.tell() == 101


def test_empty_file_is_refused_with_422():
    error = refused("kosong.jpg", b"")
    assert error.status == 422 and "kosong.jpg" in error.message


def test_unreadable_stream_is_refused_with_422():
    class Broken(io.RawIOBase):
        def read(self, size=-1):
            raise OSError("connection reset")
    with pytest.raises(UploadRefused) as info:
        inspect_upload("putus.jpg", Broken(), MAX)
    assert info.value.status == 422


def test_more_files_than_allowed_is_refused():
    files = [(f"f{i}.jpg", io.BytesIO(jpeg_with_exif())) for i in range(6)]
    with pytest.raises(UploadRefused) as info:
        inspect_uploads(files, max_files=5, max_bytes=MAX)
    assert info.value.status == 422 and "5" in info.value.message


def test_empty_file_inputs_are_skipped():
    files = [("", io.BytesIO(b"")), ("a.jpg", io.BytesIO(jpeg_with_exif())), ("", io.BytesIO(b""))]
    files += [(f"f{i}.jpg", io.BytesIO(jpeg_with_exif())) for i in range(4)]
    cleaned = inspect_uploads(files, max_files=5, max_bytes=MAX)
    assert [c.original_name for c in cleaned] == ["a.jpg", "f0.jpg", "f1.jpg", "f2.jpg", "f3.jpg"]


def test_one_bad_file_refuses_the_submission():
    files = [("a.jpg", io.BytesIO(jpeg_with_exif())), ("b.jpg", io.BytesIO(b"not an image"))]
    with pytest.raises(UploadRefused) as info:
        inspect_uploads(files, max_files=5, max_bytes=MAX)
    assert info.value.status == 415 and "b.jpg" in info.value.message


# ----------------------------------------------------------------------------- PDF


def test_pdf_loses_metadata_xmp_and_javascript():
    original = hostile_pdf(pages=2)
    assert b"Budi Canary" in original and b"/JavaScript" in original and b"/OpenAction" in original

    clean = inspect_upload("laporan.pdf", io.BytesIO(original), MAX)

    assert clean.content_type == "application/pdf" and clean.original_name == "laporan.pdf"
    for needle in (b"Budi Canary", b"/JavaScript", b"/JS", b"app.alert", b"/OpenAction", b"/AA",
                   b"/Metadata", b"/Author", b"/Creator", b"/Producer", b"xpacket"):
        assert needle not in clean.data, needle
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 2
    assert not reader.metadata and reader.xmp_metadata is None
    # The link annotation survives without its action (the page looks the same).
    annots = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert all("/A" not in a for a in annots)


def test_pdf_embedded_jpeg_loses_exif():
    photo = jpeg_with_exif(size=(16, 16))
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    image = StreamObject()
    image.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(16), NameObject("/Height"): NumberObject(16),
        NameObject("/ColorSpace"): NameObject("/DeviceRGB"), NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): NameObject("/DCTDecode"),
    })
    image.set_data(photo)
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)}),
    })
    original = pdf_bytes(writer)
    assert b"Budi Canary" in original

    clean = inspect_upload("scan.pdf", io.BytesIO(original), MAX)

    assert b"Budi Canary" not in clean.data and b"Exif" not in clean.data
    xobject = PdfReader(io.BytesIO(clean.data)).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert Image.open(io.BytesIO(xobject.get_data())).size == (16, 16)  # still a decodable JPEG


def test_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="rahasia", owner_password="lebih-rahasia", algorithm="AES-128")
    error = refused("kunci.pdf", pdf_bytes(writer))
    assert error.status == 415 and "kata sandi" in error.message


def test_owner_password_only_pdf_is_rewritten_unencrypted():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": "Budi Canary"})
    writer.encrypt(user_password="", owner_password="pemilik", algorithm="AES-128")
    clean = inspect_upload("izin.pdf", io.BytesIO(pdf_bytes(writer)), MAX)
    reader = PdfReader(io.BytesIO(clean.data))
    assert not reader.is_encrypted and len(reader.pages) == 1
    assert b"Budi Canary" not in clean.data and not reader.metadata


@pytest.mark.parametrize("body", [
    b"%PDF-1.7\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n",
    b"%PDF-" + os.urandom(2000),
])
def test_broken_pdf_is_refused_without_crash(body):
    error = refused("rusak.pdf", body)
    assert error.status == 415 and "rusak.pdf" in error.message


def test_truncated_pdf_is_refused_or_cleaned():
    data = hostile_pdf()
    try:
        clean = inspect_upload("potong.pdf", io.BytesIO(data[: len(data) // 2]), MAX)
    except UploadRefused as error:
        assert error.status == 415
    else:
        assert b"Budi Canary" not in clean.data and b"/JavaScript" not in clean.data


def test_strip_jpeg_segments_keeps_pixels():
    photo = jpeg_with_exif(size=(16, 16))
    stripped = uploads.strip_jpeg_segments(photo)
    assert b"Budi Canary" not in stripped and b"Exif" not in stripped
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(photo)).tobytes()
    assert uploads.strip_jpeg_segments(b"garbage") == b"garbage"


# ----------------------------------------------------------------------------- storage


@pytest.fixture
def ring(tmp_path):
    return KeyRing(tmp_path / "k.json")


def test_store_load_roundtrip_ciphertext_only_on_disk(tmp_path, ring):
    root = tmp_path / "uploads"
    secret = b"RAHASIA-WHISTLEBLOWER-" + os.urandom(64)
    name = uploads.store(secret, root=root, ring=ring)

    assert len(name) == 32 and int(name, 16) >= 0
    path = root / name[:2] / name
    on_disk = path.read_bytes()
    assert b"RAHASIA" not in on_disk and secret not in on_disk
    assert uploads.load(name, root=root, ring=ring) == secret
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    # No temp file left behind next to it.
    assert sorted(p.name for p in path.parent.iterdir()) == [name]


def test_store_names_are_unique(tmp_path, ring):
    names = {uploads.store(b"x", root=tmp_path, ring=ring) for _ in range(20)}
    assert len(names) == 20


def test_load_needs_the_key(tmp_path, ring):
    name = uploads.store(b"data", root=tmp_path, ring=ring)
    other = KeyRing(tmp_path / "other.json")
    with pytest.raises(Exception) as info:
        uploads.load(name, root=tmp_path, ring=other)
    assert type(info.value).__name__ == "InvalidToken"


@pytest.mark.parametrize("name", [
    "../etc/passwd", "../../../../etc/passwd", "/etc/passwd", "0" * 31, "0" * 33, "A" * 32,
    "0" * 32 + "\n", "0" * 30 + "/.", "", None,
])
def test_load_and_delete_refuse_bad_names(tmp_path, ring, name):
    with pytest.raises(ValueError):
        uploads.load(name, root=tmp_path, ring=ring)
    with pytest.raises(ValueError):
        uploads.delete(name, root=tmp_path)


def test_delete_removes_file(tmp_path, ring):
    name = uploads.store(b"hapus aku", root=tmp_path, ring=ring)
    uploads.delete(name, root=tmp_path)
    assert not (tmp_path / name[:2] / name).exists()
    with pytest.raises(FileNotFoundError):
        uploads.load(name, root=tmp_path, ring=ring)
    uploads.delete(name, root=tmp_path)  # twice is fine


def test_in_memory_request_never_spills_to_disk():
    from werkzeug.test import EnvironBuilder

    big = os.urandom(2 * 1024 * 1024)  # Werkzeug's default spills anything over 500 KB to /tmp
    builder = EnvironBuilder(method="POST", data={"files": (io.BytesIO(big), "besar.jpg")})
    request = uploads.InMemoryRequest(builder.get_environ())
    stream = request.files["files"].stream
    assert isinstance(stream, io.BytesIO) and stream.getvalue() == big
    builder.close()


def test_default_storage_is_instance_uploads_with_app_keyring(tmp_path):
    from portal import create_app

    app = create_app({"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "instance_path": str(tmp_path / "instance")})
    secret = b"isi lampiran pengaduan " + os.urandom(32)
    with app.app_context():
        name = uploads.store(secret)
        assert uploads.load(name) == secret
    stored = tmp_path / "instance" / "uploads" / name[:2] / name
    assert stored.is_file() and secret not in stored.read_bytes()
    assert not str(stored.resolve()).startswith(str(app.static_folder))
    with app.app_context():
        uploads.delete(name)
    assert not stored.exists()


def test_pdf_parser_warnings_do_not_leak_content_into_logs(caplog):
    # pypdf warns about this damage and quotes the bytes around it; tip text must not be logged.
    caplog.set_level(logging.DEBUG)
    damaged = hostile_pdf().replace(b"/Rect [", b"/Rect @", 1)
    try:
        inspect_upload("rusak.pdf", io.BytesIO(damaged), MAX)
    except UploadRefused:
        pass
    assert "Subtype /Link" not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert all("rusak" not in r.getMessage() for r in caplog.records)
