"""Friendly error pages (HTML) and JSON errors (API); never a raw traceback or "CSRF token missing"."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _titles():
    return {
        400: (_("Permintaan tidak dapat diproses"), _("Data yang dikirim tidak lengkap atau tidak sesuai. Silakan periksa kembali lalu coba lagi.")),
        403: (_("Akses ditolak"), _("Anda tidak memiliki izin untuk membuka halaman ini.")),
        404: (_("Halaman tidak ditemukan"), _("Halaman atau data yang Anda cari tidak ada.")),
        405: (_("Metode tidak diizinkan"), _("Halaman ini tidak dapat dibuka dengan cara tersebut.")),
        413: (_("Berkas terlalu besar"), _("Ukuran kiriman melebihi batas. Kurangi jumlah atau ukuran lampiran lalu kirim ulang.")),
        415: (_("Jenis berkas tidak diterima"), _("Lampiran harus berupa foto (JPEG/PNG) atau PDF.")),
        429: (_("Terlalu banyak permintaan"), _("Anda mengirim terlalu banyak permintaan dalam waktu singkat. Silakan tunggu beberapa saat lalu coba lagi.")),
        500: (_("Terjadi gangguan"), _("Maaf, terjadi gangguan pada sistem. Tidak ada data Anda yang setengah tersimpan; silakan coba lagi nanti.")),
    }


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = _titles().get(code, (_("Terjadi kesalahan"), ""))
    title = title or default_title
    message = message or default_message
    if wants_json():
        return jsonify({"error": title, "message": message, "status": code}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    from .params import NulInQuery, install_nul_guard

    install_nul_guard()

    @app.errorhandler(NulInQuery)
    def _nul(_err):
        return render_error(400, _("Permintaan tidak dapat diproses"),
                            _("Isian mengandung karakter yang tidak diizinkan (NUL). Hapus karakter itu lalu kirim ulang."))

    @app.errorhandler(CSRFError)
    def _csrf(err):
        return render_error(
            400,
            _("Formulir sudah kedaluwarsa"),
            _("Halaman formulir ini sudah terlalu lama terbuka atau cookie diblokir. Isian Anda belum terkirim. Muat ulang halaman, lalu kirim kembali."),
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code < 400:
            return err
        if err.response is not None:
            # A page prepared for this refusal (a form re-shown with the visitor's input on a 429).
            return err.response
        response = render_error(err.code)
        if err.code == 405 and err.valid_methods:
            body, code = response
            return body, code, {"Allow": ", ".join(err.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def _unexpected(err):
        if isinstance(err, HTTPException):
            return _http(err)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def _internal(err):
        return render_error(500)
