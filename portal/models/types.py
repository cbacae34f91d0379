"""Column types: encrypted text for personal data, UTC timestamps."""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.types import TypeDecorator

from ..clock import utcnow  # noqa: F401 (the models' name for it)
from ..crypto.appkey import keyring


class EncryptedText(TypeDecorator):
    """Text encrypted with the application key ring; the database only ever sees Fernet tokens."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(value.encode("utf-8"))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return keyring().decrypt(bytes(value)).decode("utf-8")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive values)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


