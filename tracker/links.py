"""Absolute links for emails, reset links and the calendar feed: built from the app's own routes (a moved
route moves its links) on the public address TRACKER_BASE_URL, also where no request is running (the
scheduler's sweep, the command line)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, _anchor: str = "", **values: object) -> str:
    """The route's address under TRACKER_BASE_URL (its scheme, host and any path prefix), with an anchor."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "http"
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url
