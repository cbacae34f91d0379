"""The database file store (portal/filestore/database.py): ciphertext kept as numbered chunks.

No timestamps and no serial ids: like the files of the local store, a row must not tell when a
whistleblower's file arrived or in which order files came.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_file"

    namespace: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    chunks: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)


class StoredFileChunk(db.Model):
    __tablename__ = "stored_file_chunk"

    namespace: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
