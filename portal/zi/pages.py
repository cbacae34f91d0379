"""Public Zona Integritas pages (DOMAIN.md §5) that the admin writes: pencanangan, pakta integritas,
maklumat pelayanan, and the introduction of standar pelayanan (whose components per service are
portal.zi.standards)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..database import write_transaction
from ..extensions import db
from ..models import ZiPage
from ..models.types import utcnow
from . import text_field
from .renja import RenjaError

PAGES = {
    "pencanangan": _l("Pencanangan Zona Integritas"),
    "pakta-integritas": _l("Pakta Integritas"),
    "maklumat-pelayanan": _l("Maklumat Pelayanan"),
    "standar-pelayanan": _l("Standar Pelayanan"),
}
HINTS = {
    "maklumat-pelayanan": _l("Contoh: «Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai "
                             "standar pelayanan yang telah ditetapkan … apabila tidak menepati janji ini, kami "
                             "siap menerima sanksi sesuai peraturan perundang-undangan yang berlaku.»"),
    "standar-pelayanan": _l("Pengantar halaman Standar Pelayanan (boleh kosong). Komponen PermenPANRB 15/2014 "
                            "per jenis layanan diisi di halaman Standar pelayanan per layanan."),
}
MAX_BODY = 20_000


def get(slug: str) -> ZiPage | None:
    return db.session.get(ZiPage, slug) if slug in PAGES else None


def published() -> list[tuple[str, str]]:
    found = {p.slug for p in db.session.query(ZiPage).all() if p.body.strip()}
    return [(slug, str(title)) for slug, title in PAGES.items() if slug in found]


def save(slug: str, body: str | None, actor) -> None:
    if slug not in PAGES:
        raise RenjaError("slug", _("Halaman tidak dikenal."))
    body = text_field((body or "").replace("\r\n", "\n"), "body", MAX_BODY, RenjaError, required=False)
    with write_transaction():
        page = db.session.get(ZiPage, slug)
        if page is None:
            page = ZiPage(slug=slug, body=body)
            db.session.add(page)
        page.body, page.updated_by_id, page.updated_at = body, actor.id if actor else None, utcnow()
        audit.log("zi_page_edit", actor=actor, case_ref=f"zi-page:{slug}", detail={"chars": len(body)})
