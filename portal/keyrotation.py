"""Application key rotation: every EncryptedText column re-encrypted under the newest key."""
from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select, update

from .crypto.appkey import keyring
from .database import write_transaction
from .extensions import db
from .models.types import EncryptedText


def encrypted_columns():
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                yield table, column


def rotate(drop_old: bool = False, batch: int = 500, grace_seconds: float | None = None) -> int:
    if grace_seconds is None:
        grace_seconds = float(current_app.config.get("KEY_ROTATION_GRACE_SECONDS", 1.0))
    ring = keyring()
    ring.add_primary()
    # Workers notice the new key file at their next encryption; let requests that began under the
    # old key commit before the scan, so none of their rows is missed by the re-encryption.
    if grace_seconds > 0:
        time.sleep(grace_seconds)
    count = 0
    for table, column in encrypted_columns():
        pk = list(table.primary_key.columns)[0]
        last = None
        while True:
            # Read raw tokens (bypassing the type) and rewrap them under the new primary key.
            raw = select(pk, db.literal_column(column.name).label("v")).select_from(table).where(
                column.isnot(None)).order_by(pk).limit(batch)
            if last is not None:
                raw = raw.where(pk > last)
            rows = db.session.execute(raw).all()
            db.session.rollback()
            if not rows:
                break
            with write_transaction() as session:
                for key, token in rows:
                    session.execute(update(table).where(pk == key).values(
                        {column.name: db.literal(ring.rotate_token(bytes(token)), db.LargeBinary)}))
                    count += 1
            last = rows[-1][0]
    if drop_old:
        ring.drop_old()
    return count
