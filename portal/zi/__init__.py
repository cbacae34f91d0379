"""Zona Integritas: the Renja as data with its evidence, the conflict-of-interest register and
the evidence pack handed to the TPI/TPN evaluators (CONTRACT.md `zi evidence`).

The ZI team is the accounts with role `admin` or `leader`: CONTRACT.md fixes the roles that
`users create` accepts, and the head of office (leader) and the portal admin are the ones who
run the ZI work plan in a Disdukcapil, so no new role is needed.
"""
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


def area_label(code: str) -> str:
    entry = AREAS.get(code)
    return str(entry[0]) if entry else code
