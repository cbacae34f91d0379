"""Standar pelayanan per service (PermenPANRB 15/2014): its components as fields the ZI team fills in.

PermenPANRB 15/2014 splits the fourteen components of a service standard (DOMAIN.md §5) in two:
the six about delivering the service to the public (service delivery) are published, the eight
about producing it inside the office (manufacturing) are kept by the office and shown to
evaluators. The public page of a service shows the first six; the evidence pack (Renja row F.1,
source "standards") carries all fourteen. The split follows the regulation's annex as commonly
applied [M: check the official text]. The services are the codes of portal.catalog.COMPLAINT_SERVICES,
the same ones the complaint and SKM forms use.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit, catalog
from ..database import write_transaction
from ..extensions import db
from ..models import ServiceStandard
from ..models.types import utcnow
from . import ZiError, text_field

# (code, label, published): in the regulation's order, service delivery first.
COMPONENTS = (
    ("persyaratan", _l("Persyaratan"), True),
    ("prosedur", _l("Sistem, mekanisme, dan prosedur"), True),
    ("jangka_waktu", _l("Jangka waktu pelayanan"), True),
    ("biaya", _l("Biaya/tarif"), True),
    ("produk", _l("Produk pelayanan"), True),
    ("pengaduan", _l("Penanganan pengaduan, saran, dan masukan"), True),
    ("dasar_hukum", _l("Dasar hukum"), False),
    ("sarana", _l("Sarana dan prasarana, dan/atau fasilitas"), False),
    ("kompetensi", _l("Kompetensi pelaksana"), False),
    ("pengawasan", _l("Pengawasan internal"), False),
    ("jumlah_pelaksana", _l("Jumlah pelaksana"), False),
    ("jaminan_pelayanan", _l("Jaminan pelayanan"), False),
    ("jaminan_keamanan", _l("Jaminan keamanan dan keselamatan pelayanan"), False),
    ("evaluasi", _l("Evaluasi kinerja pelaksana"), False),
)
CODES = tuple(code for code, _label, _public in COMPONENTS)
PUBLIC = tuple(code for code, _label, public in COMPONENTS if public)
LABELS = {code: label for code, label, _public in COMPONENTS}
MAX_BODY = 10_000


class StandardError(ZiError):
    pass


@dataclass(frozen=True)
class Standard:
    service: str
    label: str
    fields: dict[str, str]  # component code → text ("" when not written)

    @property
    def published(self) -> bool:
        """Shown on the website once any public component is written."""
        return any(self.fields[code] for code in PUBLIC)

    @property
    def filled(self) -> int:
        return sum(1 for code in CODES if self.fields[code])

    def public_items(self) -> list[tuple[str, str]]:
        return [(str(LABELS[code]), self.fields[code]) for code in PUBLIC if self.fields[code]]


def services() -> dict[str, str]:
    return {code: str(label) for code, label in catalog.COMPLAINT_SERVICES.items()}


def all_standards() -> list[Standard]:
    """Every service in the catalogue's order, with what has been written for it."""
    written: dict[str, dict[str, str]] = {}
    for row in db.session.scalars(select(ServiceStandard)):
        written.setdefault(row.service, {})[row.component] = row.body
    return [Standard(code, label, {c: written.get(code, {}).get(c, "") for c in CODES})
            for code, label in services().items()]


def get(service: str) -> Standard | None:
    return next((s for s in all_standards() if s.service == service), None)


def published() -> list[Standard]:
    return [s for s in all_standards() if s.published]


def save(service: str, form, actor) -> Standard:
    """Write the components of one service's standard (an empty field clears it); audited."""
    if service not in services():
        raise StandardError("service", _("Layanan tidak dikenal."))
    values = {code: text_field((form.get(code) or "").replace("\r\n", "\n"), code, MAX_BODY, StandardError,
                               required=False) for code in CODES}
    with write_transaction():
        rows = {r.component: r for r in db.session.scalars(select(ServiceStandard)
                                                            .where(ServiceStandard.service == service))}
        changed = []
        for code, body in values.items():
            row = rows.get(code)
            if (row.body if row else "") == body:
                continue
            changed.append(code)
            if not body:
                db.session.delete(row)
            elif row is None:
                db.session.add(ServiceStandard(service=service, component=code, body=body,
                                               updated_by_id=actor.id if actor else None, updated_at=utcnow()))
            else:
                row.body, row.updated_by_id, row.updated_at = body, actor.id if actor else None, utcnow()
        audit.log("zi_standard_edit", actor=actor, case_ref=f"zi-standar:{service}", detail={"fields": changed})
    return get(service)


def table() -> list[list]:
    """The whole register (every service × every component) as rows, for the evidence pack."""
    rows: list[list] = [[_("Kode layanan"), _("Layanan"), _("Komponen"), _("Dipublikasikan"), _("Isi")]]
    for standard in all_standards():
        for code, label, public in COMPONENTS:
            rows.append([standard.service, standard.label, str(label), _("ya") if public else _("tidak"),
                         standard.fields[code]])
    return rows
