"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""
import os

from portal import create_app, hosts

app = create_app()
if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
    # Serving (gunicorn): a host whose shared secrets differ from the other hosts' refuses to start.
    hosts.check_agreement(app)
