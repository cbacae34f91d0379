"""Portal Integritas: public complaints, gratification reports and whistleblowing for one office."""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from flask import Flask

from . import config as config_module

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config or {})
    from .uploads import InMemoryRequest

    # Uploads stay in memory (bounded by MAX_CONTENT_LENGTH): no plaintext temp file on disk.
    app.request_class = InMemoryRequest
    from . import pagecache

    pagecache.init_app(app)  # stored public pages served before the request machinery (inside ProxyFix)
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        # Behind a reverse proxy, rate limits must key on the citizen's address, not the proxy's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def load_config(app: Flask, overrides: dict) -> None:
    env_name = overrides.get("PORTAL_ENV") or os.environ.get("PORTAL_ENV", "development")
    if env_name not in config_module.CONFIGS:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(config_module.CONFIGS)}")
    app.config.from_object(config_module.CONFIGS[env_name])
    if overrides.get("instance_path"):
        app.instance_path = overrides["instance_path"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update({k: v for k, v in overrides.items() if k != "instance_path"})
    secret = app.config.get("SECRET_KEY")
    if app.config["PORTAL_ENV"] == "production":
        if not secret or str(secret).strip().lower() in config_module.DEFAULT_SECRET_MARKERS or len(str(secret)) < 32:
            raise RuntimeError("PORTAL_ENV=production needs SECRET_KEY set to a long random value")
    elif not secret:
        from .instance_files import secret_key
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite pools one connection per thread; keep them around (no pool_pre_ping churn).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # fpdf2's font subsetting logs every glyph list at INFO: dozens of lines per rendered PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    hide_client_addresses(logging.getLogger("werkzeug"))


class _NoClientAddress(logging.Filter):
    """Drops the client address that Werkzeug's development server puts before each request line."""

    _prefix = re.compile(r"^\S+ - - (?=\[)")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._prefix.sub("", record.msg)
        return True


def hide_client_addresses(logger: logging.Logger) -> None:
    """`make dev` (Flask's debug server) logs requests without who sent them (SECURITY.md promise 4)."""
    if not any(isinstance(f, _NoClientAddress) for f in logger.filters):
        logger.addFilter(_NoClientAddress())


def register_extensions(app: Flask) -> None:
    from . import database, i18n, security
    from .crypto import appkey
    from .extensions import csrf, db, limiter, mail
    from .upgrade import MigrateConfig

    appkey.init_app(app)
    from . import hosts

    hosts.init_app(app)  # PORTAL_SHARED_SECRETS: the key ring, pepper and session secret every host shares
    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    # Flask-Migrate's configuration, without importing Flask-Migrate and Alembic (see MigrateConfig).
    app.extensions["migrate"] = MigrateConfig(db, str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                                              render_item=database.render_item, include_name=database.include_name,
                                              compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    from .auth import access

    access.init_app(app)
    from . import templating
    templating.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The whole URL map in one place: the public areas, sign-in, the API, and the back office with
    its areas nested under /kantor (endpoints `backoffice.<area>.<view>`)."""
    from . import backoffice
    from .api import bp as api_bp
    from .auth.views import bp as auth_bp
    from .complaints.views import bp as complaints_bp
    from .extensions import csrf
    from .gratification.views import bp as gratification_bp
    from .i18n import bp as i18n_bp  # /bahasa/<code>
    from .ops import bp as ops_bp  # /healthz
    from .privacy import backoffice as privacy_office
    from .privacy.views import bp as privacy_bp
    from .public import bp as public_bp
    from .reports import backoffice as reports_office
    from .reports.public import bp as reports_public_bp
    from .surveys import backoffice as surveys_office
    from .surveys.views import bp as surveys_bp
    from .whistle import backoffice as wbs_office
    from .whistle import bp as whistle_bp
    from .zi import backoffice as zi_office
    from .zi.public import bp as zi_public_bp

    for area in (public_bp, complaints_bp, gratification_bp, whistle_bp, surveys_bp, reports_public_bp, zi_public_bp,
                 privacy_bp, i18n_bp, auth_bp):
        app.register_blueprint(area)
    app.register_blueprint(backoffice.nest((wbs_office.AREA, reports_office.AREA, zi_office.ZI_AREA,
                                            zi_office.COI_AREA, surveys_office.AREA,
                                            privacy_office.AREA)))
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ops_bp)


def register_errorhandlers(app: Flask) -> None:
    from . import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)
