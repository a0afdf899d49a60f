"""The benchmark's app for gunicorn: the real app (configured from TRACKER_* as in production) plus the
floor route. `gunicorn tracker.bench.wsgi:app`; used by tracker.bench's wrk run only."""

from tracker import create_app
from tracker.bench import add_floor

app = create_app()
add_floor(app)
