"""The memory baseline of bench/memory.py: a bare Flask "hello" app (no extension, no database).

    gunicorn -w 2 --pythonpath bench _hello:app
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
