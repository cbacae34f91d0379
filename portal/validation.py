"""Field validators shared by every form and API endpoint: one rule, one message."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import gettext as _

# Control characters other than tab/newline break PostgreSQL (NUL) and hide text from handlers.
# Lone surrogates cannot be encoded as UTF-8 at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()\-.]+$")


class Errors(dict):
    """field -> list of messages."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


class Validator:
    """Reads raw values (str from forms or anything from JSON) and records clear errors."""

    def __init__(self, data):
        self.data = data
        self.errors = Errors()
        self.clean: dict = {}

    def raw(self, field):
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.errors.add(field, _("Isian harus berupa teks."))
            return None
        return str(value)

    def text(self, field, *, required=False, min_len=0, max_len=200, multiline=False, label=None):
        value = self.raw(field)
        if field in self.errors:
            return None
        value = unicodedata.normalize("NFC", value).strip() if value is not None else ""
        if not value:
            if required:
                self.errors.add(field, _("Wajib diisi."))
            self.clean[field] = None
            return None
        if _CONTROL.search(value):
            self.errors.add(field, _("Mengandung karakter yang tidak diizinkan."))
            return None
        if not multiline and ("\n" in value or "\r" in value):
            value = " ".join(value.split())
        if len(value) < min_len:
            self.errors.add(field, _("Terlalu pendek: minimal %(min)d karakter (sekarang %(n)d).", min=min_len, n=len(value)))
            return None
        if len(value) > max_len:
            self.errors.add(field, _("Terlalu panjang: maksimal %(max)d karakter (sekarang %(n)d).", max=max_len, n=len(value)))
            return None
        self.clean[field] = value
        return value

    def choice(self, field, options, *, required=False, default=None):
        value = self.raw(field)
        if field in self.errors:
            return None
        value = (value or "").strip()
        if not value:
            if required and default is None:
                self.errors.add(field, _("Silakan pilih salah satu."))
                return None
            self.clean[field] = default
            return default
        if value not in options:
            self.errors.add(field, _("Pilihan tidak dikenal."))
            return None
        self.clean[field] = value
        return value

    def past_date(self, field, *, today: date, earliest: date | None = None, required=False):
        value = self.raw(field)
        if field in self.errors:
            return None
        value = (value or "").strip()
        if not value:
            if required:
                self.errors.add(field, _("Wajib diisi."))
            self.clean[field] = None
            return None
        try:
            parsed = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.errors.add(field, _("Tanggal tidak valid; gunakan format TTTT-BB-HH, misalnya 2026-03-12."))
            return None
        if parsed > today:
            self.errors.add(field, _("Tanggal tidak boleh di masa depan."))
            return None
        if earliest and parsed < earliest:
            self.errors.add(field, _("Tanggal terlalu lama: paling awal %(d)s.", d=earliest.isoformat()))
            return None
        self.clean[field] = parsed
        return parsed

    def email(self, field):
        value = self.text(field, max_len=254)
        if value is None:
            return None
        if not _EMAIL.match(value):
            self.errors.add(field, _("Alamat surel tidak valid, contoh: nama@contoh.id."))
            self.clean.pop(field, None)
            return None
        return value

    def phone(self, field):
        value = self.text(field, max_len=30)
        if value is None:
            return None
        digits = re.sub(r"\D", "", value)
        if not _PHONE_ALLOWED.match(value) or not 8 <= len(digits) <= 15:
            self.errors.add(field, _("Nomor telepon tidak valid: 8 sampai 15 angka, contoh 0812 3456 7890."))
            self.clean.pop(field, None)
            return None
        self.clean[field] = value
        return value

    def nik(self, field):
        value = self.text(field, max_len=40)
        if value is None:
            return None
        digits = value.replace(" ", "").replace(".", "")
        if not re.fullmatch(r"\d{16}", digits):
            self.errors.add(field, _("NIK harus 16 angka."))
            self.clean.pop(field, None)
            return None
        if not nik_is_plausible(digits):
            self.errors.add(field, _("NIK tidak sesuai format kependudukan (kode wilayah atau tanggal lahir tidak valid)."))
            self.clean.pop(field, None)
            return None
        self.clean[field] = digits
        return digits

    def nip(self, field, *, required=False):
        value = self.text(field, required=required, max_len=40)
        if value is None:
            return None
        digits = value.replace(" ", "")
        if not re.fullmatch(r"\d{18}", digits):
            self.errors.add(field, _("NIP harus 18 angka."))
            self.clean.pop(field, None)
            return None
        self.clean[field] = digits
        return digits

    def integer(self, field, *, required=False, minimum=None, maximum=None):
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors.add(field, _("Wajib diisi."))
            self.clean[field] = None
            return None
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            self.errors.add(field, _("Harus berupa bilangan bulat."))
            return None
        if isinstance(value, str):
            text = value.strip().replace(".", "").replace(" ", "")
            if text.lower().startswith("rp"):
                text = text[2:]
            if not re.fullmatch(r"-?\d{1,18}", text):
                self.errors.add(field, _("Harus berupa bilangan bulat tanpa desimal."))
                return None
            value = int(text)
        elif isinstance(value, float):
            value = int(value)
        elif not isinstance(value, int):
            self.errors.add(field, _("Harus berupa bilangan bulat."))
            return None
        if minimum is not None and value < minimum:
            self.errors.add(field, _("Tidak boleh kurang dari %(min)s.", min=f"{minimum:,}".replace(",", ".")))
            return None
        if maximum is not None and value > maximum:
            self.errors.add(field, _("Tidak boleh lebih dari %(max)s.", max=f"{maximum:,}".replace(",", ".")))
            return None
        self.clean[field] = value
        return value

    def boolean(self, field, default=False):
        value = self.data.get(field)
        if value is None or value == "":
            self.clean[field] = default
            return default
        if isinstance(value, bool):
            self.clean[field] = value
            return value
        if isinstance(value, str) and value.strip().lower() in {"1", "true", "ya", "on", "yes", "y"}:
            self.clean[field] = True
            return True
        if isinstance(value, str) and value.strip().lower() in {"0", "false", "tidak", "off", "no", "n"}:
            self.clean[field] = False
            return False
        self.errors.add(field, _("Pilihan ya/tidak tidak valid."))
        return None


def nik_is_plausible(nik: str) -> bool:
    """Province code 11–94, and a DDMMYY birth date (day + 40 for women)."""
    province = int(nik[:2])
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    return 11 <= province <= 94 and 1 <= day <= 31 and 1 <= month <= 12
