"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app` (run `flask --app wsgi db upgrade`
first, and exactly one `flask --app wsgi scheduler run` beside it; see README › Production).

Read from the environment:
  TRACKER_BIND            address to listen on (default 127.0.0.1:8000: behind a reverse proxy on this host)
  TRACKER_WORKERS         worker processes (default 2 × CPU cores + 1)
  TRACKER_WORKER_TIMEOUT  seconds a request may take before its worker is restarted (default 60: reports)
  TRACKER_LOG_FORMAT      json: gunicorn's own lines are JSON too, and the app writes the access lines
  TRACKER_LOG_LEVEL       gunicorn's log level (default info)
"""

import multiprocessing
import os

import gunicorn.http.wsgi

# Every answer's Server header names the product, not the server software and its version (a scanner's hint).
gunicorn.http.wsgi.SERVER = "Plan Tracker"

chdir = os.path.dirname(os.path.abspath(__file__))  # so `wsgi:app` imports from any working directory
wsgi_app = "wsgi:app"
bind = [address.strip() for address in os.environ.get("TRACKER_BIND", "127.0.0.1:8000").split(",")]
workers = int(os.environ.get("TRACKER_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = int(os.environ.get("TRACKER_WORKER_TIMEOUT", "60"))
graceful_timeout = 30

# No preloading: each worker imports the app after the fork. Nothing (no engine, no pool, no connection)
# is then shared between processes, and `kill -HUP` on the master (systemctl reload) starts workers on
# the new code of a deploy; with preload_app the master would keep serving the code it loaded at start.
# The app never starts a scheduler, preloaded or not.
preload_app = False

# gunicorn's control socket (for `gunicornc`) defaults to one path per user: a second instance on the host
# would take it over. Stop and reload through signals (systemctl) instead.
control_socket_disable = True

loglevel = os.environ.get("TRACKER_LOG_LEVEL", "info").lower()
errorlog = "-"
if os.environ.get("TRACKER_LOG_FORMAT", "text") == "json":
    # The app writes one JSON access line per request itself (with its request id and user): gunicorn's
    # own access log stays off, and its error log (start, stop, worker timeouts) is JSON on stderr too.
    accesslog = None
    logconfig_dict = {
        "root": {"level": "INFO", "handlers": []},  # each worker's create_app() adds the app's JSON handler
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr_json"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
        "handlers": {
            "stderr_json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "formatters": {"json": {"()": "tracker.logs.JsonFormatter"}},
    }
else:
    # The human format: gunicorn's access log, without the query string (the calendar feed's link carries
    # its secret token there) and without the referrer (which could carry it too).
    accesslog = "-"
    access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
