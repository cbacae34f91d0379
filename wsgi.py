"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""
import gc
import os

# Start-up allocates ~150,000 long-lived objects (modules, classes, mappers, routes) and no garbage
# worth collecting: with the collector off meanwhile, importing the portal takes ~10 % less CPU.
gc.disable()
try:
    from portal import create_app, hosts

    app = create_app()
finally:
    gc.enable()
# What start-up made lives as long as the process: moved out of the collector's generations, each
# later full collection scans only what requests made (and, under `gunicorn --preload`, does not
# write to the pages the workers share with the master).
gc.freeze()
if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
    # Serving (gunicorn): a host whose shared secrets differ from the other hosts' refuses to start.
    hosts.check_agreement(app)
