"""What every host of one portal must agree on, recorded by the first host that starts (portal/hosts.py)."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SecretFingerprint(db.Model):
    __tablename__ = "secret_fingerprint"

    # "app-keyring", "pepper", "recovery-pin": a keyed digest, never the secret itself.
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
