"""Logs: the human format by default, or one JSON object per line on stderr (TRACKER_LOG_FORMAT=json, for
production), the same in the web workers, the scheduler process and the CLI; and an access line per
request. Secrets never reach a log line: query strings are logged with token values redacted, and no
header, cookie or form field is logged at all."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.local import LocalProxy

access_log = logging.getLogger("tracker.access")

# `token=…` (the calendar feed's secret link), and the like, wherever they appear in a message: a query
# string, werkzeug's request line, an exception's text.
_SECRET_PARAMETER = re.compile(r"(?i)\b((?:access_|api_|csrf_)?token|password|passwd|secret|api_?key)=[^&\s\"'#;]+")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
REDACTED = "[redacted]"

# LogRecord's own attributes; anything else on a record came through `extra=` and is logged as a field.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    """The text with the values of token, password and secret parameters and bearer tokens replaced."""
    return _BEARER.sub(rf"\1 {REDACTED}", _SECRET_PARAMETER.sub(rf"\1={REDACTED}", text))


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: ts (UTC, ISO 8601), level, logger, message, the request id when
    logged during a request, the fields passed as `extra=`, and the exception if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc_type"] = getattr(record.exc_info[0], "__name__", None)
            entry["exc_info"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc_info"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack_info"] = redact(self.formatStack(record.stack_info))
        # ASCII only: the line stays one valid JSON object whatever the encoding of stderr.
        return json.dumps(entry, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the moment (as logging's last-resort handler does), so a handler
    made by one create_app() never holds a stream that was replaced since."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _is_ours(handler: logging.Handler) -> bool:
    return getattr(handler, "_tracker_json", False)


def configure_logging(app: Flask) -> None:
    """Set up the log format of this process from the app's LOG_FORMAT. Safe to call many times (tests
    make an app per test): the JSON handler on the root logger is replaced, never added twice."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(handler)
    if app.config["LOG_FORMAT"] != "json":
        return  # the human format: Flask's default handler for the app, werkzeug's lines for `flask run`
    handler = _StderrHandler()
    handler._tracker_json = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # Flask's own handler on the app's logger would print each of the app's records a second time.
    logging.getLogger(app.name).removeHandler(default_handler)


def _loaded_user_id() -> int | None:
    """The signed-in user's id if this request already loaded the user (Flask-Login keeps it in
    g._login_user); asking current_user here would add a query to every request that did not."""
    user = g.get("_login_user")
    # Had a view called login_user(current_user), g would hold the proxy itself, which resolves to itself
    # forever (views.auth passes the real user since this was found): never follow a proxy here.
    if user is None or isinstance(user, LocalProxy):
        return None
    return user.id if user.is_authenticated else None


def register_access_log(app: Flask) -> None:
    """One line per request on the `tracker.access` logger, written once the response is made: method,
    path (the query string with secrets redacted, apart), status, duration and the signed-in user."""

    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_access(response: Response) -> Response:
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        fields: dict[str, Any] = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _loaded_user_id(),
        }
        if request.query_string:
            fields["query"] = redact(request.query_string.decode("latin-1"))
        access_log.info("%s %s %s %sms", request.method, request.path, response.status_code, duration_ms, extra=fields)
        return response
