"""Bare extension objects, initialised by the app factory."""
from flask import current_app, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .ratelimit import client_key

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()


def _per_app(name: str):
    """An attribute Flask-Limiter keeps on the extension object, kept per app instead."""

    def get(self):
        collecting = self.__dict__.get("_portal_collecting")
        default = self.__dict__.get("_portal_" + name)
        if collecting is not None:
            return collecting.get(name, default)
        if has_app_context():
            state = current_app.extensions.get("portal_limiter_state")
            if state is not None:
                return state.get(name, default)
        return default

    def set(self, value):
        collecting = self.__dict__.get("_portal_collecting")
        if collecting is not None:
            collecting[name] = value
        else:
            self.__dict__["_portal_" + name] = value

    return property(get, set)


class PortalLimiter(Limiter):
    """Flask-Limiter keeps its on/off switch, storage and key prefix on the one module-level
    object, so the app initialised last decided for every app in the process (an app built
    with RATELIMIT_ENABLED=False switched limits off for the others; two apps on memory://
    shared one counter). The route decorators stay shared; those settings live per app."""

    enabled = _per_app("enabled")
    _storage = _per_app("_storage")
    _limiter = _per_app("_limiter")
    _key_prefix = _per_app("_key_prefix")

    def init_app(self, app) -> None:
        state: dict = {}
        self.__dict__["_portal_collecting"] = state
        try:
            super().init_app(app)
        finally:
            del self.__dict__["_portal_collecting"]
        app.extensions["portal_limiter_state"] = state


limiter = PortalLimiter(key_func=client_key, default_limits=[])
mail = Mail()
login_manager = LoginManager()
babel = Babel()
