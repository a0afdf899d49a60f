"""The benchmark's app for gunicorn: the real app (configured from TRACKER_* as in production) plus the
floor route. `gunicorn tools.bench.wsgi:app`; used by tools.bench's wrk run only."""

from tools.bench import add_floor
from tracker import create_app

app = create_app()
add_floor(app)
