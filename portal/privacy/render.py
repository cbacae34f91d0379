"""The subject's data as a readable PDF (fpdf2 core fonts, as the published reports)."""
from __future__ import annotations

import json

from flask_babel import gettext as _

from ..reports.render import pdf_text


def _section(pdf, title: str, items) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    if not items:
        pdf.multi_cell(0, 5, "-", new_x="LMARGIN", new_y="NEXT")
    for key, value in items:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        pdf.multi_cell(0, 5, pdf_text(f"{key}: {'-' if value is None else text}"), new_x="LMARGIN", new_y="NEXT")


def render_pdf(data: dict) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(pdf_text(_("Data pribadi %(ticket)s", ticket=data["ticket"])))
    pdf.set_author("Portal Integritas")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, pdf_text(_("Data pribadi Anda di Portal Integritas")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, pdf_text(_("Tiket %(ticket)s, dibuat %(at)s (UU 27/2022 tentang Pelindungan Data Pribadi).",
                                    ticket=data["ticket"], at=data["generated_at"])), new_x="LMARGIN", new_y="NEXT")
    _section(pdf, _("Identitas dan kontak"), data["personal_data"].items())
    _section(pdf, _("Pihak lain yang Anda sebutkan"), data["third_party"].items())
    _section(pdf, _("Data laporan"), data["case"].items())
    _section(pdf, _("Tulisan Anda"), data["your_text"].items())
    _section(pdf, _("Riwayat"), [(e["at"], " ".join(str(v) for v in (e["kind"], e["status"], e["body"]) if v))
                                 for e in data["timeline"]])
    _section(pdf, _("Lampiran"), [(a["name"], f'{a["content_type"]}, {a["size"]} B') for a in data["attachments"]])
    _section(pdf, _("Permintaan Anda"), [(r["received_at"], f'{r["kind"]} {r["field"] or ""} {r["status"]} '
                                          f'{r["reason"] or ""}'.strip()) for r in data["requests"]])
    return bytes(pdf.output())
