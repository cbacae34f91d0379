"""The baseline for bench/complaint_submit.py: a bare Flask + Flask-SQLAlchemy app, one model,
one POST route that inserts a row and commits, with the portal's SQLite settings (WAL,
synchronous=FULL, busy timeout, BEGIN IMMEDIATE for writes).

    gunicorn -w 2 --chdir bench bare_app:app       (BARE_DATABASE_URL=sqlite:////tmp/x.db)
    python bench/bare_app.py --init                 creates the table once, before the workers start
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

BUSY_TIMEOUT_MS = 30_000


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "bench_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


def database_url() -> str:
    url = os.environ.get("BARE_DATABASE_URL", "sqlite:///" + os.path.abspath("bare.db"))
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url()
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = FULL")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    @app.post("/items")
    def add_item():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify({"error": "malformed JSON"}), 400
        item = Item(category=str(data.get("category", ""))[:30], description=str(data.get("description", "")),
                    created_at=datetime.now(timezone.utc).replace(tzinfo=None))
        db.session.add(item)
        db.session.commit()
        return jsonify({"id": item.id}), 201

    @app.get("/health")
    def health():
        return "ok"

    return app


app = create_app()

if __name__ == "__main__" and "--init" in sys.argv:
    with app.app_context():
        db.create_all()
        db.engine.dispose()
