"""The ceiling for bench/public_pages.py: a bare Flask app whose one route answers "Hello, World!".

    gunicorn -w 2 --pythonpath bench _hello_app:app
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
