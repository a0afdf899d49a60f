"""TRACKER_LOG_FORMAT=json: one JSON object per line on stderr, an access line per request with its request
id, and no secret (calendar token, password) in any line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from tracker import create_app
from tracker.logs import JsonFormatter, redact

from .conftest import PASSWORD, csrf_token, login, user_id


@pytest.fixture(autouse=True)
def json_logs(monkeypatch):
    """Every app of this module logs JSON; the process's logging is put back afterwards."""
    monkeypatch.setenv("TRACKER_LOG_FORMAT", "json")
    root, app_logger = logging.getLogger(), logging.getLogger("tracker")
    saved = root.handlers[:], root.level, app_logger.handlers[:]
    yield
    root.handlers[:], app_logger.handlers[:] = saved[0], saved[2]
    root.setLevel(saved[1])


def json_lines(capsys) -> list[dict]:
    """What was written to stderr since the last call, each line parsed (it must parse)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "_tracker_json", False)]


def test_a_request_writes_one_json_access_line(app, capsys):
    create_app({"SECRET_KEY": "x"})
    create_app({"SECRET_KEY": "x"})
    assert len(ours()) == 1  # however many apps were made
    json_lines(capsys)
    response = app.test_client().get("/login")
    lines = json_lines(capsys)
    assert len(lines) == 1, lines
    line = lines[0]
    assert set(line) == {
        "ts",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
    }
    assert line["logger"] == "tracker.access" and line["level"] == "INFO"
    assert line["ts"].endswith("Z")
    logged_at = datetime.fromisoformat(line["ts"].replace("Z", "+00:00"))
    assert logged_at.tzinfo == UTC and abs((datetime.now(UTC) - logged_at).total_seconds()) < 60
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/login", 200, None)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"] == f"GET /login 200 {line['duration_ms']}ms"


def test_the_access_line_names_the_signed_in_user_and_never_the_password(seeded, capsys):
    client = seeded.test_client()
    json_lines(capsys)
    login(client, "admin")
    client.get("/account")
    text = capsys.readouterr().err
    assert PASSWORD not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/login", 200),
        ("POST", "/login", 302),
        ("GET", "/account", 200),
    ]
    assert lines[0]["user_id"] is None
    assert lines[1]["user_id"] is None or lines[1]["user_id"] == user_id(seeded, "admin")
    assert lines[2]["user_id"] == user_id(seeded, "admin")


def test_a_password_change_is_logged_without_either_password(seeded, capsys):
    client = seeded.test_client()
    login(client, "head_cda")
    token = csrf_token(client, "/account")
    json_lines(capsys)
    new = "mat-khau-moi-an-toan-2026"
    response = client.post("/account", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token})
    assert response.status_code == 302
    text = capsys.readouterr().err
    assert PASSWORD not in text and new not in text and token not in text
    (line,) = [json.loads(row) for row in text.splitlines()]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/account", 302)


def test_the_calendar_token_is_redacted(seeded, capsys):
    from tracker.accounts import find_unit
    from tracker.calendar_feed import new_calendar_token
    from tracker.extensions import db

    with seeded.app_context():
        token = new_calendar_token(find_unit("CDA"))
        db.session.commit()
    client = seeded.test_client()
    json_lines(capsys)
    assert client.get(f"/units/CDA/calendar.ics?token={token}").status_code == 200
    assert client.get("/units/CDA/calendar.ics?lang=vi&token=not-the-token-4711").status_code == 404
    text = capsys.readouterr().err
    assert token not in text and "not-the-token-4711" not in text
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["path"] == "/units/CDA/calendar.ics" and first["query"] == "token=[redacted]"
    assert second["status"] == 404 and second["query"] == "lang=vi&token=[redacted]"


def test_an_error_is_logged_with_its_traceback_and_the_request_id(app, capsys):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not the test's exception

    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput while reading ?token=s3cr3t-value")

    from tracker.extensions import db

    from .conftest import make_user

    with app.app_context():
        make_user("admin", "admin")
        db.session.commit()
    client = app.test_client()
    login(client, "admin")
    json_lines(capsys)
    response = client.get("/boom")
    assert response.status_code == 500
    *errors, access = json_lines(capsys)
    # Flask's own record of the exception ("Exception on /boom [GET]"), then the app's with its request id.
    assert [error["logger"] for error in errors] == ["tracker", "tracker.requests"]
    for error in errors:
        assert error["level"] == "ERROR" and error["exc_type"] == "RuntimeError"
        assert "Traceback" in error["exc_info"] and "kaput" in error["exc_info"]
        assert "s3cr3t-value" not in json.dumps(error) and "token=[redacted]" in error["exc_info"]
        assert error["request_id"] == response.headers["X-Request-Id"]
    assert access["status"] == 500 and access["request_id"] == response.headers["X-Request-Id"]


def test_records_outside_a_request_are_json_too(app, capsys):
    json_lines(capsys)
    logging.getLogger("tracker.scheduler").info("swept %s: %s new messages", "2023-09-15", 3)
    (line,) = json_lines(capsys)
    assert line["message"] == "swept 2023-09-15: 3 new messages" and line["logger"] == "tracker.scheduler"
    assert "request_id" not in line


def test_the_cli_logs_json(app, capsys):
    """`reminders dispatch` against an SMTP server that does not answer: the outbox's warning is a JSON line."""
    import socket

    from tracker.accounts import find_unit
    from tracker.clock import utcnow
    from tracker.extensions import db
    from tracker.models import OutboxMessage

    runner = app.test_cli_runner()
    assert runner.invoke(args=["units", "load"]).exit_code == 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port, SMTP_TIMEOUT=3.0)
    with app.app_context():
        now = utcnow()
        db.session.add(
            OutboxMessage(
                unit_id=find_unit("CDA").id,
                kind="daily",
                reference_on=now.date(),
                recipients=["a@example.org"],
                cc=[],
                subject="Nhắc hạn",
                body_text="t",
                body_html="<p>t</p>",
                entries=[],
                status="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )
        )
        db.session.commit()
    result = runner.invoke(args=["reminders", "dispatch"])
    assert result.exit_code == 0, result.output
    # The runner stands in for the terminal: the lines are in its stderr.
    (line,) = [json.loads(text) for text in result.stderr.splitlines() if '"tracker.mail"' in text]
    assert line["level"] == "WARNING" and "not delivered" in line["message"]


def test_the_text_format_leaves_the_json_handler_out(monkeypatch):
    create_app({"SECRET_KEY": "x"})
    assert len(ours()) == 1
    create_app({"SECRET_KEY": "x", "LOG_FORMAT": "text"})
    assert ours() == []


def test_a_wrong_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        create_app({"SECRET_KEY": "x", "LOG_FORMAT": "yaml"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /units/CDA/calendar.ics?token=abc123 HTTP/1.1", "GET /units/CDA/calendar.ics?token=[redacted] HTTP/1.1"),
        ("lang=vi&token=abc&x=1", "lang=vi&token=[redacted]&x=1"),
        (
            "password=hunter2 access_token=zz API_KEY=k",
            "password=[redacted] access_token=[redacted] API_KEY=[redacted]",
        ),
        ("Authorization: Bearer pt_abcdef.123", "Authorization: Bearer [redacted]"),
        ("nothing to hide: tokens=3", "nothing to hide: tokens=3"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_the_formatter_keeps_vietnamese_intact_in_ascii_json():
    record = logging.LogRecord("tracker.mail", logging.WARNING, __file__, 1, "Lỗi gửi thư %s", ("Cục Điện ảnh",), None)
    line = JsonFormatter().format(record)
    assert line.isascii() and "\n" not in line
    assert json.loads(line)["message"] == "Lỗi gửi thư Cục Điện ảnh"
