"""Entry point for WSGI servers and `flask --app wsgi`; the scheduler runs in its own process."""

from tracker import create_app

app = create_app()
