"""The one place where a LAPOR! export's columns are mapped to complaint fields (docs/lapor.md).

Keys are the export's header texts, compared case- and space-insensitively; several spellings may name
the same field, because the admin panel's export changed its headers between LAPOR! versions. Change
the mapping here only, and the documentation with it.
"""
from __future__ import annotations

# LAPOR! export header → complaint field (StaffComplaintInput).
COLUMNS = {
    "id laporan": "channel_ref",
    "tracking id": "channel_ref",
    "nomor tracking": "channel_ref",
    "tanggal laporan": "received_on",
    "tanggal": "received_on",
    "judul": "subject",
    "judul laporan": "subject",
    "isi laporan": "description",
    "isi": "description",
    "nama pelapor": "name",
    "email pelapor": "email",
    "email": "email",
    "telepon pelapor": "phone",
    "telepon": "phone",
    "lokasi": "location",
    "anonim": "anonymous",
    "rahasia": "confidential",
}
REQUIRED = ("channel_ref", "received_on", "description")
TRUE_WORDS = {"ya", "yes", "true", "1", "y"}


def normalise_header(text) -> str:
    return " ".join(str(text or "").strip().lower().split())


def field_of(header) -> str | None:
    return COLUMNS.get(normalise_header(header))
