"""The database backend: ciphertext as numbered chunks, streamed in and out (never a whole file in memory).

A write joins the caller's transaction when given its session (a WBS file commits with its tip,
or not at all); otherwise it commits on a connection of its own, before the caller's transaction
that refers to it, like a local file would be on disk first. Rows carry no time and no serial id.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import delete, insert, select

from ..extensions import db
from ..models.files import StoredFile, StoredFileChunk
from . import HashingWriter, check_name, new_name, sha256_of

# Rows of 256 KiB: small enough for any driver and memory budget, large enough to be few.
CHUNK_BYTES = 256 * 1024


@contextmanager
def _connection(session):
    if session is not None:
        yield session.connection()
        return
    conn = db.engine.connect()
    try:
        conn.execution_options(sqlite_immediate=True)  # SQLite: take the write lock up front
        with conn.begin():
            yield conn
    finally:
        conn.close()


class _DbWriter(HashingWriter):
    def __init__(self, namespace: str, name: str, conn):
        super().__init__(name)
        self.namespace = namespace
        self._conn = conn
        self._buffer = bytearray()
        self._seq = 0

    def write(self, data: bytes) -> int:
        self._take(data)
        self._buffer += data
        while len(self._buffer) >= CHUNK_BYTES:
            self._flush(bytes(self._buffer[:CHUNK_BYTES]))
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _flush(self, chunk: bytes) -> None:
        self._conn.execute(insert(StoredFileChunk).values(namespace=self.namespace, name=self.name,
                                                          seq=self._seq, data=chunk))
        self._seq += 1

    def close(self) -> None:
        if self._buffer:
            self._flush(bytes(self._buffer))
            self._buffer.clear()
        stored = self._finish()
        self._conn.execute(insert(StoredFile).values(namespace=self.namespace, name=self.name, size=stored.size,
                                                     chunks=self._seq, sha256=stored.sha256))


class _DbReader:
    """A read-only stream over the chunks, fetched one row at a time on the reader's own connection."""

    def __init__(self, conn, namespace: str, name: str, chunks: int):
        self._conn = conn
        self.namespace, self.name, self.chunks = namespace, name, chunks
        self._seq = 0
        self._buffer = b""

    def _next(self) -> bytes:
        if self._seq >= self.chunks:
            return b""
        data = self._conn.scalar(select(StoredFileChunk.data).where(
            StoredFileChunk.namespace == self.namespace, StoredFileChunk.name == self.name,
            StoredFileChunk.seq == self._seq))
        if data is None:
            raise OSError(f"stored file {self.name} lacks chunk {self._seq}")
        self._seq += 1
        return bytes(data)

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            parts = [self._buffer]
            self._buffer = b""
            while chunk := self._next():
                parts.append(chunk)
            return b"".join(parts)
        while len(self._buffer) < n:
            chunk = self._next()
            if not chunk:
                break
            self._buffer += chunk
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out


@contextmanager
def _reading():
    """A connection of its own: what other hosts and workers committed is visible at once, whatever
    snapshot the request's session holds (SQLite keeps one per transaction)."""
    with db.engine.connect() as conn:
        yield conn


class DatabaseStore:
    kind = "database"
    transactional = True  # given a session, files are written and deleted in the caller's transaction

    def __init__(self, namespace: str):
        self.namespace = namespace

    def _where(self, model, name: str):
        return (model.namespace == self.namespace, model.name == check_name(name))

    def _header(self, conn, name: str):
        return conn.execute(select(StoredFile.chunks, StoredFile.sha256).where(*self._where(StoredFile, name))).first()

    @contextmanager
    def create(self, name: str | None = None, *, session=None) -> Iterator[_DbWriter]:
        name = check_name(name or new_name())
        with _connection(session) as conn:
            writer = _DbWriter(self.namespace, name, conn)
            yield writer
            writer.close()

    @contextmanager
    def open(self, name: str) -> Iterator[_DbReader]:
        with _reading() as conn, conn.begin():  # one snapshot for the whole file
            header = self._header(conn, name)
            if header is None:
                raise FileNotFoundError(name)
            yield _DbReader(conn, self.namespace, name, header.chunks)

    def delete(self, name: str, *, session=None) -> None:
        with _connection(session) as conn:
            for model in (StoredFileChunk, StoredFile):
                conn.execute(delete(model).where(*self._where(model, name)))

    def exists(self, name: str) -> bool:
        with _reading() as conn:
            return self._header(conn, name) is not None

    def names(self, older_than: float | None = None) -> Iterator[str]:
        # Rows become visible only with the transaction that wrote them: no grace period needed.
        with _reading() as conn:
            found = conn.scalars(select(StoredFile.name).where(StoredFile.namespace == self.namespace)
                                 .order_by(StoredFile.name)).all()
        yield from found

    def checksum(self, name: str) -> str:
        """The digest recomputed from the chunks (`recorded_checksum` gives the one written with them)."""
        with self.open(name) as reader:
            return sha256_of(reader)

    def recorded_checksum(self, name: str) -> str | None:
        with _reading() as conn:
            header = self._header(conn, name)
        return header.sha256 if header else None
