"""LAPOR! exchange pages for the complaints team: upload an export file, download the follow-ups to post back."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import roles_required
from ..backoffice import bp
from ..clock import local_today
from ..validation import PastDate, check_value
from . import exporter, importer

MAX_BYTES = 10 * 1024 * 1024


@bp.get("/pengaduan/lapor")
@roles_required("complaints")
def lapor_exchange():
    return render_template("backoffice/lapor.html", result=None, error=None)


@bp.post("/pengaduan/lapor")
@roles_required("complaints")
def lapor_import():
    upload = request.files.get("file")
    error, result = None, None
    data = upload.stream.read(MAX_BYTES + 1) if upload else b""
    if not data:
        error = _("Pilih berkas ekspor LAPOR! (CSV atau XLSX).")
    elif len(data) > MAX_BYTES:
        error = _("Berkas terlalu besar (paling besar 10 MB).")
    else:
        try:
            result = importer.import_file(data, upload.filename or "", current_user._get_current_object())
        except importer.ImportRefused as refused:
            error = str(refused)
        except Exception:  # a damaged XLSX/ZIP: a clear answer, never a 500
            error = _("Berkas tidak dapat dibaca sebagai ekspor LAPOR!.")
    return render_template("backoffice/lapor.html", result=result, error=error), 422 if error else 200


@bp.get("/pengaduan/lapor/tindak-lanjut.csv")
@roles_required("complaints")
def lapor_export():
    since, _problem = check_value(PastDate(max_age_days=3650), request.args.get("dari"), {"today": local_today()})
    return Response(exporter.follow_ups_csv(since), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="lapor-tindak-lanjut.csv"'})
