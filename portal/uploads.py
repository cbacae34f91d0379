"""Attachment checks, metadata stripping and encrypted storage (SECURITY.md promises 3 and 8)."""
from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Iterable, Protocol

from flask import Request
from flask_babel import gettext as _

from . import filestore
from .filestore import FileStore, check_name

if TYPE_CHECKING:  # Pillow and pypdf (≈ 15 MB with fontTools) load with the first attachment, not in every worker
    from PIL import Image
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, StreamObject

logger = logging.getLogger(__name__)
# pypdf's warnings quote fragments of the document being parsed; a tip's words must never
# reach a log (promise 3), and our own log lines name only the exception type.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

# A phone photo is 12-50 MP; 40 MP keeps decoded pixels under ~160 MB (RGBA) per file,
# far below Pillow's own bomb limit, which would only warn between 89 and 179 MP.
MAX_IMAGE_PIXELS = 40_000_000
# PDF work grows with pages, objects and references, not with bytes: a 5 MB file can declare
# 48,000 pages. The caps are far above a scanned letter (60 pages, a few hundred objects) and are
# checked on the raw bytes and the page tree root before pypdf builds or copies any page.
MAX_PDF_PAGES = 500
MAX_PDF_OBJECTS = 25_000
MAX_PDF_REFERENCES = 30_000
# What one PDF may cost after the checks passed; a file that still needs more is refused, not served.
PDF_TIME_BUDGET = 4.0
MAX_NAME_CHARS = 120
JPEG_QUALITY = 90
UPLOAD_DIR = UPLOAD_NAMESPACE = "uploads"  # the file store namespace (instance/uploads/ when local)

# Detected format -> (MIME type, file extension used in the download name).
_KINDS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "PDF": ("application/pdf", ".pdf"),
}

# PDF keys that carry metadata or run something when the document is opened or touched.
_PDF_DROP_KEYS = frozenset({
    "/Metadata",      # XMP packet: author, creator tool, dates, document ids
    "/PieceInfo",     # private data of the authoring application
    "/AA",            # additional actions (page open/close, field focus...)
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EF",            # embedded files inside file specifications
    "/RichMediaContent",
    "/LastModified",  # page and form dates: when the reporter last touched the file
})
# Annotation keys that name a person or a moment: author (/T), modification and creation dates,
# and the unique name some editors derive from user and time. The comment text (/Contents) stays.
_PDF_ANNOT_PERSONAL_KEYS = ("/T", "/M", "/CreationDate", "/NM")
_DCT_NAMES = ("/DCTDecode", "/DCT")
# Actions that run code, open other files or talk to the network without the reader asking.
_PDF_HOSTILE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE",
    "/Rendition", "/RichMediaExecute", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/Trans",
})
_PDF_HOSTILE_ANNOTS = frozenset({"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"})

# JPEG segments kept inside PDF images: APP0 (JFIF) and APP14 (Adobe colour transform) are
# needed to decode correctly; APP1-APP13, APP15 (EXIF, XMP, ICC, IPTC, MakerNotes) and COM go.
_JPEG_KEEP_APP = frozenset({0xE0, 0xEE})


class UploadRefused(Exception):
    """An attachment we will not store; `message` is shown to the citizen next to the file field."""

    field = "files"

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class CleanFile:
    original_name: str
    content_type: str
    data: bytes
    size: int


class _Ring(Protocol):
    def encrypt(self, data: bytes) -> bytes: ...
    def decrypt(self, token: bytes) -> bytes: ...


class InMemoryRequest(Request):
    """Keeps uploaded files in memory: Werkzeug spills parts over 500 KB to a plaintext temp file.

    Use with `app.request_class = InMemoryRequest` and a MAX_CONTENT_LENGTH that bounds memory.
    """

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


# --------------------------------------------------------------------------- names


def safe_name(filename: str | None, extension: str | None = None) -> str:
    """A display/download name with no path parts, control characters or shell/HTML specials."""
    name = unicodedata.normalize("NFC", filename or "")
    # Browsers on Windows may send "C:\\Users\\budi\\foto.jpg"; the folder can name the person.
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*;\'`$]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if extension is not None:
        # The stored type is what we detected, so the download name must not claim another.
        ext = extension.lstrip(".")
    suffix = f".{ext}"[:16] if ext else ""
    stem = stem.rstrip(" .")[: MAX_NAME_CHARS - len(suffix)].rstrip(" .")
    return (stem or "lampiran") + suffix


# --------------------------------------------------------------------------- inspection


def _read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    # Only at offset 0: readers tolerate junk before the header, which is how polyglots hide.
    if data.startswith(b"%PDF-"):
        return "PDF"
    return None


def _megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def inspect_upload(filename: str, stream: BinaryIO, max_bytes: int) -> CleanFile:
    """Read one attachment, check it by content and return a metadata-free copy."""
    shown = safe_name(filename)
    try:
        data = _read_limited(stream, max_bytes)
    except (OSError, ValueError) as exc:
        logger.info("attachment unreadable: %s", type(exc).__name__)
        raise UploadRefused(422, _("Lampiran «%(name)s» tidak dapat dibaca. Silakan kirim ulang.", name=shown)) from None
    if len(data) > max_bytes:
        raise UploadRefused(413, _("Lampiran «%(name)s» lebih besar dari %(limit)s MB.",
                                   name=shown, limit=_megabytes(max_bytes)))
    if not data:
        raise UploadRefused(422, _("Lampiran «%(name)s» kosong.", name=shown))
    kind = _sniff(data)
    if kind is None:
        raise UploadRefused(415, _("Lampiran «%(name)s» bukan foto JPEG/PNG/WebP atau PDF.", name=shown))
    if kind == "PDF":
        clean = _clean_pdf(data, shown)
    else:
        clean = _clean_image(data, kind, shown)
    content_type, extension = _KINDS[kind]
    return CleanFile(original_name=safe_name(filename, extension), content_type=content_type,
                     data=clean, size=len(clean))


def inspect_uploads(files: Iterable[tuple[str | None, BinaryIO]], max_files: int, max_bytes: int) -> list[CleanFile]:
    """Check every attachment of one submission; the first refusal stops the whole submission."""
    # An <input type=file> left empty still arrives as a part with an empty filename.
    chosen = [(name, stream) for name, stream in files if name]
    if len(chosen) > max_files:
        raise UploadRefused(422, _("Paling banyak %(limit)d lampiran dalam satu laporan.", limit=max_files))
    return [inspect_upload(name, stream, max_bytes) for name, stream in chosen]


# --------------------------------------------------------------------------- images


def _clean_image(data: bytes, kind: str, shown: str) -> bytes:
    from PIL import Image
    too_big = UploadRefused(413, _(
        "Foto «%(name)s» resolusinya terlalu besar (lebih dari %(limit)d megapiksel). "
        "Perkecil fotonya lalu kirim lagi.", name=shown, limit=MAX_IMAGE_PIXELS // 1_000_000))
    broken = UploadRefused(415, _("Foto «%(name)s» rusak atau tidak dapat dibuka.", name=shown))
    try:
        # formats=[kind]: only the decoder the magic bytes asked for, never Pillow's whole zoo.
        with Image.open(io.BytesIO(data), formats=[kind]) as opened:
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise too_big
            opened.load()
            image = _upright(opened)
            image = _to_srgb(image)
            return _encode(image, kind)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a file we cannot vouch for
        logger.info("image refused: %s", type(exc).__name__)
        raise broken from None


def _upright(image: Image.Image) -> Image.Image:
    from PIL import ImageOps
    try:
        return ImageOps.exif_transpose(image)
    except Exception as exc:  # noqa: BLE001 - a broken EXIF block must not cost the citizen the photo
        logger.info("exif orientation ignored: %s", type(exc).__name__)
        return image.copy()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Bake the embedded colour profile into the pixels, because the profile itself is dropped.

    Camera profiles can name the device model, so they go; converting first keeps the colours.
    """
    from PIL import ImageCms
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB")
    except Exception as exc:  # noqa: BLE001 - a bad profile only costs colour accuracy
        logger.info("colour profile ignored: %s", type(exc).__name__)
        return image


def _encode(image: Image.Image, kind: str) -> bytes:
    # Pillow's writers copy comments, ICC and transparency from .info; keep only transparency.
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    out = io.BytesIO()
    if kind == "JPEG":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
            image.info = {}
        image.save(out, "JPEG", quality=JPEG_QUALITY, exif=b"", optimize=True)
    elif kind == "PNG":
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            image.info = {}
        image.save(out, "PNG", optimize=False)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            image.info = {}
        image.save(out, "WEBP", quality=JPEG_QUALITY, exif=b"", xmp=b"", icc_profile=b"")
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


# A number, not a reference ("/N 12 0 R" in an appearance dictionary names object 12).
_RAW_SIZE = re.compile(rb"/Size\s+(\d{1,12})(?!\s+\d+\s+R)")
_RAW_N = re.compile(rb"/N\s+(\d{1,12})(?!\s+\d+\s+R)")


def _pdf_too_big(shown: str) -> UploadRefused:
    return UploadRefused(413, _(
        "PDF «%(name)s» terlalu rumit untuk diperiksa (terlalu banyak objek). Kirim hanya halaman yang "
        "penting, atau simpan ulang (cetak ke PDF) lalu kirim lagi.", name=shown))


def _pdf_too_many_pages(shown: str) -> UploadRefused:
    return UploadRefused(413, _(
        "PDF «%(name)s» lebih dari %(limit)d halaman. Kirim hanya halaman yang penting.",
        name=shown, limit=MAX_PDF_PAGES))


def _precheck_pdf(data: bytes, shown: str) -> None:
    """Refuse on the raw bytes (byte counts at C speed, a few ms for 5 MB) before pypdf parses anything.

    Upper bounds, not exact counts: "obj" keywords not part of "endobj", the objects that object
    streams say they hold (their `/N`), the declared cross-reference size, and references ("n g R").
    """
    objects = data.count(b"obj") - data.count(b"endobj")
    # An object stream's dictionary is small and flat: its /N (objects inside) sits near /ObjStm.
    start = data.find(b"/ObjStm")
    while start != -1:
        found = _RAW_N.search(data[max(0, start - 300):start + 300])
        objects += int(found[1]) if found else 0
        start = data.find(b"/ObjStm", start + 1)
    declared = max((int(m[1]) for m in _RAW_SIZE.finditer(data)), default=0)
    if max(objects, declared) > MAX_PDF_OBJECTS:
        raise _pdf_too_big(shown)
    references = sum(data.count(space + b"R") for space in (b" ", b"\n", b"\r", b"\t", b"\x00", b"\x0c"))
    if references > MAX_PDF_REFERENCES:
        raise _pdf_too_big(shown)


def _count_pages(reader: PdfReader, shown: str, deadline: float) -> int:
    """Pages in the tree, read from its root's /Count and then walked without copying anything.

    The walk guards against a /Count that lies; it stops as soon as the cap is passed.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
    pages_root = reader.trailer["/Root"].get_object()["/Pages"].get_object()
    declared = pages_root.get("/Count")
    if not isinstance(declared, int) or declared > MAX_PDF_PAGES:
        raise _pdf_too_many_pages(shown)
    leaves, visited = 0, 0
    pending = [pages_root]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        visited += 1
        if visited > 4 * MAX_PDF_PAGES or time.monotonic() > deadline:
            raise _pdf_too_big(shown)
        kids = node.get("/Kids")
        if kids is None:
            leaves += 1
            if leaves > MAX_PDF_PAGES:
                raise _pdf_too_many_pages(shown)
            continue
        kids = kids.get_object()
        if not isinstance(kids, ArrayObject) or len(kids) > MAX_PDF_PAGES:
            raise _pdf_too_many_pages(shown)
        for kid in kids:
            if isinstance(kid, IndirectObject):
                if kid.idnum in seen:
                    # A page listed twice is how a small file claims thousands of pages.
                    raise _pdf_too_many_pages(shown)
                seen.add(kid.idnum)
            target = kid.get_object()
            if isinstance(target, DictionaryObject):
                pending.append(target)
    return leaves


def _clean_pdf(data: bytes, shown: str) -> bytes:
    from pypdf import PasswordType, PdfReader, PdfWriter
    broken = UploadRefused(415, _(
        "PDF «%(name)s» rusak atau tidak dapat dibaca. Simpan ulang sebagai PDF lalu kirim lagi.", name=shown))
    _precheck_pdf(data, shown)
    deadline = time.monotonic() + PDF_TIME_BUDGET
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An owner-password-only PDF (print/copy restrictions) opens with the empty user
            # password; we rewrite it unencrypted. One that needs a password is refused.
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise UploadRefused(415, _(
                    "PDF «%(name)s» dikunci dengan kata sandi. Kirim PDF yang tidak dikunci.", name=shown))
        if _count_pages(reader, shown, deadline) == 0 or len(reader.pages) == 0:
            raise broken
        # One copy, pages only: no catalog (OpenAction, Names/JavaScript, AcroForm, XMP), no /Info
        # and no original file ID come along. Then strip what hangs off the pages, and leave out
        # of the file what the stripping unlinked (scripts, XMP streams, embedded files).
        final = PdfWriter()
        for page in reader.pages:
            final.add_page(page)
            if time.monotonic() > deadline:
                raise _pdf_too_big(shown)
        _strip_pdf_objects(final.root_object, deadline, shown)
        final.metadata = None
        final.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        final.write(out)
        return out.getvalue()
    except UploadRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile input
        logger.info("pdf refused: %s", type(exc).__name__)
        raise broken from None


def _is_hostile(obj: object) -> bool:
    from pypdf.generic import DictionaryObject
    if not isinstance(obj, DictionaryObject):
        return False
    return obj.get("/S") in _PDF_HOSTILE_ACTIONS or (
        obj.get("/Type") in (None, "/Annot") and obj.get("/Subtype") in _PDF_HOSTILE_ANNOTS)


def _filters(stream: StreamObject) -> list:
    from pypdf.generic import ArrayObject, IndirectObject
    chain = stream.get("/Filter")
    chain = chain.get_object() if isinstance(chain, IndirectObject) else chain
    if chain is None:
        return []
    return list(chain) if isinstance(chain, ArrayObject) else [chain]


def _clean_jpeg_stream(stream: StreamObject) -> None:
    """Drop EXIF & co. from a JPEG image stream, whatever filters were chained before /DCTDecode.

    pypdf's get_data() undoes the filters before DCT and hands the JPEG bytes through; they are
    stored back under /DCTDecode alone, so no filter in the chain can hide the metadata.
    """
    from pypdf.generic import ArrayObject, IndirectObject, NameObject, StreamObject
    chain = _filters(stream)
    if not any(name in _DCT_NAMES for name in chain):
        return
    if chain[-1] not in _DCT_NAMES:
        raise ValueError("DCTDecode must be the last filter")
    parms = stream.get("/DecodeParms")
    parms = parms.get_object() if isinstance(parms, IndirectObject) else parms
    jpeg = strip_jpeg_segments(stream.get_data())
    StreamObject.set_data(stream, jpeg)
    if hasattr(stream, "decoded_self"):
        stream.decoded_self = None
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    if isinstance(parms, ArrayObject) and len(parms) == len(chain) and parms[-1] is not None:
        stream[NameObject("/DecodeParms")] = parms[-1]
    elif "/DecodeParms" in stream:
        del stream[NameObject("/DecodeParms")]


def _is_annotation(node: DictionaryObject) -> bool:
    return node.get("/Type") == "/Annot" or ("/Subtype" in node and "/Rect" in node)


def _strip_pdf_objects(root: DictionaryObject, deadline: float | None = None, shown: str = "") -> None:
    """Walk every object reachable from `root` once (iteratively: hostile files nest deeply) and clean it."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
    seen: set[int] = set()
    pending: list[object] = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if deadline is not None and len(seen) % 256 == 0 and time.monotonic() > deadline:
            raise _pdf_too_big(shown)
        if isinstance(node, DictionaryObject):
            if _is_annotation(node):
                for key in _PDF_ANNOT_PERSONAL_KEYS:
                    node.pop(key, None)
            for key in list(node.keys()):
                if key in _PDF_DROP_KEYS:
                    del node[key]
                    continue
                target = node[key].get_object() if isinstance(node[key], IndirectObject) else node[key]
                if _is_hostile(target):
                    del node[key]
                elif isinstance(target, (DictionaryObject, ArrayObject)):
                    pending.append(target)
            if isinstance(node, StreamObject):
                _clean_jpeg_stream(node)
        elif isinstance(node, ArrayObject):
            kept = []
            for item in node:
                target = item.get_object() if isinstance(item, IndirectObject) else item
                if _is_hostile(target):
                    continue
                kept.append(item)
                if isinstance(target, (DictionaryObject, ArrayObject)):
                    pending.append(target)
            node[:] = kept


def strip_jpeg_segments(data: bytes) -> bytes:
    """Drop EXIF/XMP/IPTC/ICC/comment segments from a JPEG without re-encoding it.

    Used for JPEGs embedded in PDFs, where re-encoding could break the PDF's colour setup.
    Unparseable data is returned unchanged (the PDF viewer will not show it either).
    """
    if not data.startswith(b"\xff\xd8"):
        return data
    out = [b"\xff\xd8"]
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return data
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end of image: the rest is pixel data
            out.append(data[i:])
            return b"".join(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(data[i:i + 2])
            i += 2
            continue
        if i + 4 > len(data):
            return data
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if end > len(data):
            return data
        if not ((0xE1 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP) or marker == 0xFE):
            out.append(data[i:end])
        i = end
    return b"".join(out)


# --------------------------------------------------------------------------- storage


def _store(root: Path | None) -> FileStore:
    """The configured file store of attachments; `root` (tests, tools) forces a local directory."""
    if root is not None:
        from .filestore.local import LocalStore

        return LocalStore(Path(root), UPLOAD_NAMESPACE)
    return filestore.get(UPLOAD_NAMESPACE)


def _ring(ring: _Ring | None) -> _Ring:
    if ring is not None:
        return ring
    from .crypto.appkey import keyring
    return keyring()


def store(data: bytes, *, root: Path | None = None, ring: _Ring | None = None) -> str:
    """Encrypt in memory and write through the file store; returns the storage name to keep in the database.

    `ring` is anything with encrypt/decrypt (default: the app key ring), so a caller with its
    own per-case key can store through the same path.
    """
    return filestore.put(_store(root), _ring(ring).encrypt(data)).name


def load(name: str, *, root: Path | None = None, ring: _Ring | None = None) -> bytes:
    """Decrypted bytes of a stored attachment (FileNotFoundError if absent, ValueError if the name is bad)."""
    check_name(name)
    return _ring(ring).decrypt(filestore.read_all(_store(root), name))


def delete(name: str, *, root: Path | None = None) -> None:
    check_name(name)
    _store(root).delete(name)


__all__ = [
    "CleanFile", "InMemoryRequest", "UploadRefused", "delete", "inspect_upload", "inspect_uploads",
    "load", "safe_name", "store", "strip_jpeg_segments",
]


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}


def extension_for(content_type: str) -> str:
    return _EXTENSIONS.get(content_type, ".bin")


def download_response(data: bytes, content_type: str, download_name: str):
    """Served only as a download under a safe name, never rendered inline by the browser."""
    from flask import Response

    response = Response(data, mimetype=content_type if content_type in _EXTENSIONS else "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name(download_name)}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
