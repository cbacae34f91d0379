"""Zona Integritas: the Renja as data with its evidence, the conflict-of-interest register and
the evidence pack handed to the TPI/TPN evaluators (CONTRACT.md `zi evidence`).

The ZI team is the accounts with role `admin` or `leader`: CONTRACT.md fixes the roles that
`users create` accepts, and the head of office (leader) and the portal admin are the ones who
run the ZI work plan in a Disdukcapil, so no new role is needed.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

TEAM_ROLES = ("admin", "leader")

# DOMAIN.md §4: the six pengungkit areas and their weights (total 60%).
AREAS = {
    "manajemen_perubahan": (_l("Manajemen Perubahan"), 8),
    "tatalaksana": (_l("Penataan Tatalaksana"), 7),
    "sdm": (_l("Penataan Sistem Manajemen SDM"), 10),
    "akuntabilitas": (_l("Penguatan Akuntabilitas"), 10),
    "pengawasan": (_l("Penguatan Pengawasan"), 15),
    "pelayanan_publik": (_l("Peningkatan Kualitas Pelayanan Publik"), 10),
}


class ZiError(ValueError):
    """A refused input of the ZI pages: the form field it concerns and a message for the person."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def text_field(value: str | None, field: str, limit: int, error=ZiError, *, required: bool = True) -> str:
    """`value` stripped; refused with `error(field, …)` when it is empty (and required) or longer than `limit`."""
    text = (value or "").strip()
    if required and not text:
        raise error(field, _("Kolom ini wajib diisi."))
    if len(text) > limit:
        raise error(field, _("Paling banyak %(limit)d karakter.", limit=limit))
    return text


def area_label(code: str) -> str:
    entry = AREAS.get(code)
    return str(entry[0]) if entry else code
