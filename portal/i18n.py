"""Language selection (Indonesian first, English second) and catalogue compilation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request

from .auth.access import public
from .extensions import babel
from .fsutil import atomic_writer
from .params import safe_next

bp = public(Blueprint("i18n", __name__))  # the language switch, for anyone
SOURCE_DIR = Path(__file__).parent / "translations"
LANG_COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.blueprint == "api" or request.path.startswith("/api/"):
        # The API is cookie-less: clients ask with Accept-Language (Indonesian unless they prefer English).
        return request.accept_languages.best_match(current_app.config["PORTAL_LANGUAGES"],
                                                   default=current_app.config["BABEL_DEFAULT_LOCALE"])
    lang = request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["PORTAL_LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogues(target: Path) -> None:
    """Compile each .po into target/<lang>/LC_MESSAGES/messages.mo when missing or stale."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"):
        lang = po_path.parent.parent.name
        mo_path = target / lang / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        # Rebuilt from the .po at every start, so not worth an fsync.
        with atomic_writer(mo_path, 0o644, durable=False) as handle:
            write_mo(handle, catalog)


# Kept under this name for the sign-in view, which imports it from here.
_safe_next = safe_next


@bp.get("/bahasa/<code>")
def switch_language(code: str):
    response = redirect(_safe_next(request.args.get("next")))
    if code in current_app.config["PORTAL_LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    babel.init_app(app, locale_selector=select_locale)
