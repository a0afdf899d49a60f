"""GET /healthz and the scheduler's heartbeat: the judgement from a table, then the endpoint on the real
test database (and on databases that cannot answer)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from tracker import create_app
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.health import Facts, Limits, age_seconds, assess
from tracker.models import OutboxMessage, Setting, Unit
from tracker.scheduler import HEARTBEAT_KEY, record_heartbeat

from .conftest import login

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def facts(heartbeat=NOW - 5 * MIN, oldest=None, pending=0, failed=0):
    return Facts(
        database_ok=True,
        database_ms=1.5,
        version="0005",
        heartbeat_at=heartbeat,
        oldest_pending_at=oldest,
        pending=pending,
        failed=failed,
    )


# (case, facts, status, scheduler ok, outbox ok)
CASES = [
    ("all well", facts(), "ok", True, True),
    ("heartbeat exactly at the limit", facts(heartbeat=NOW - 15 * MIN), "ok", True, True),
    ("heartbeat too old", facts(heartbeat=NOW - 16 * MIN), "degraded", False, True),
    ("no heartbeat: the scheduler never ran", facts(heartbeat=None), "degraded", False, True),
    ("a fresh pending email", facts(oldest=NOW - 10 * MIN, pending=3), "ok", True, True),
    ("an email pending for over an hour", facts(oldest=NOW - 61 * MIN, pending=1), "degraded", True, False),
    ("failed emails wait for an admin, they do not degrade", facts(failed=4), "ok", True, True),
    ("both", facts(heartbeat=None, oldest=NOW - 2 * 60 * MIN, pending=1), "degraded", False, False),
    ("a stamp from a clock ahead counts as now", facts(heartbeat=NOW + 2 * MIN), "ok", True, True),
]


@pytest.mark.parametrize(("case", "found", "status", "scheduler_ok", "outbox_ok"), CASES, ids=[c[0] for c in CASES])
def test_assess(case, found, status, scheduler_ok, outbox_ok):
    body = assess(found, now=NOW)
    assert body["status"] == status
    assert body["scheduler"]["ok"] is scheduler_ok
    assert body["outbox"]["ok"] is outbox_ok
    assert body["database"] == {"ok": True, "ms": 1.5}
    assert body["version"] == "0005"
    assert body["outbox"]["pending"] == found.pending and body["outbox"]["failed"] == found.failed


def test_assess_reports_ages_in_seconds_and_null_when_there_is_nothing():
    body = assess(facts(heartbeat=NOW - 5 * MIN, oldest=NOW - 90 * timedelta(seconds=1), pending=1), now=NOW)
    assert body["scheduler"]["heartbeat_age_seconds"] == 300.0
    assert body["outbox"]["oldest_pending_age_seconds"] == 90.0
    body = assess(facts(heartbeat=None), now=NOW)
    assert body["scheduler"]["heartbeat_age_seconds"] is None and body["outbox"]["oldest_pending_age_seconds"] is None


def test_assess_uses_the_given_limits_and_the_outbox_clock():
    limits = Limits(heartbeat=2 * MIN, pending=5 * MIN)
    assert assess(facts(heartbeat=NOW - 3 * MIN), now=NOW, limits=limits)["status"] == "degraded"
    # Outbox rows are stamped by tracker.clock (a demo's pinned day): measured on that clock.
    pinned = datetime(2023, 9, 15, 3, 0, tzinfo=UTC)
    body = assess(
        facts(heartbeat=NOW - MIN, oldest=pinned - 4 * MIN, pending=1), now=NOW, outbox_now=pinned, limits=limits
    )
    assert body["status"] == "ok" and body["outbox"]["oldest_pending_age_seconds"] == 240.0


def test_an_unreachable_database_is_an_error():
    body = assess(Facts(database_ok=False, database_ms=3.0), now=NOW)
    assert body == {
        "status": "error",
        "database": {"ok": False, "ms": 3.0},
        "scheduler": {"heartbeat_age_seconds": None, "ok": False},
        "outbox": {"oldest_pending_age_seconds": None, "pending": None, "failed": None, "ok": False},
        "version": None,
    }


def test_age_seconds():
    assert age_seconds(NOW, None) is None
    assert age_seconds(NOW, NOW - timedelta(seconds=1.26)) == 1.3
    assert age_seconds(NOW, NOW + MIN) == 0.0


# --- the endpoint, on the test database ---


def _pending_email(at: datetime, status: str = "pending", kind: str = "daily") -> None:
    unit = db.session.scalar(select(Unit).where(Unit.code == "CDA"))
    db.session.add(
        OutboxMessage(
            unit_id=unit.id,
            kind=kind,
            reference_on=at.date(),
            recipients=["a@example.org"],
            cc=[],
            subject="s",
            body_text="t",
            body_html="h",
            entries=[],
            status=status,
            attempts=0,
            next_attempt_at=at,
            last_error="",
            created_at=at,
        )
    )


def test_healthz_on_an_empty_database_is_degraded_until_the_scheduler_beats(app, runner):
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True and body["database"]["ms"] >= 0
    assert body["scheduler"] == {"heartbeat_age_seconds": None, "ok": False}
    assert body["outbox"] == {"oldest_pending_age_seconds": None, "pending": 0, "failed": 0, "ok": True}
    with app.app_context():
        revision = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        record_heartbeat(datetime.now(UTC) - 2 * MIN)
        db.session.commit()
    assert body["version"] == revision
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert 119 <= body["scheduler"]["heartbeat_age_seconds"] < 180


def test_the_heartbeat_is_one_row_overwritten_with_the_process_and_host(app):
    with app.app_context():
        record_heartbeat(NOW)
        db.session.commit()
        record_heartbeat(NOW + 5 * MIN)
        db.session.commit()
        rows = list(db.session.scalars(select(Setting).where(Setting.key == HEARTBEAT_KEY)))
        assert len(rows) == 1
        assert datetime.fromisoformat(rows[0].value["at"]) == NOW + 5 * MIN
        assert rows[0].value["host"] == socket.gethostname() and isinstance(rows[0].value["pid"], int)


def test_healthz_degrades_on_an_old_heartbeat_or_an_email_waiting_too_long(app, runner):
    assert runner.invoke(args=["units", "load"]).exit_code == 0
    client = app.test_client()
    with app.app_context():
        record_heartbeat(datetime.now(UTC) - 20 * MIN)
        db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["scheduler"]["ok"] is False
    with app.app_context():
        record_heartbeat(datetime.now(UTC))
        # Outbox rows carry tracker.clock's time (the test's pinned day).
        _pending_email(utcnow() - 90 * MIN, kind="daily")
        _pending_email(utcnow() - 5 * MIN, status="sending", kind="urge")
        _pending_email(utcnow() - 300 * MIN, status="failed", kind="digest")
        _pending_email(utcnow() - 400 * MIN, status="sent", kind="other")
        db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["scheduler"]["ok"] is True
    assert body["outbox"]["pending"] == 2 and body["outbox"]["failed"] == 1 and body["outbox"]["ok"] is False
    assert 90 * 60 <= body["outbox"]["oldest_pending_age_seconds"] < 95 * 60


def test_healthz_asks_the_database_three_statements_and_reveals_no_host(seeded):
    with seeded.app_context():
        record_heartbeat(datetime.now(UTC))
        db.session.commit()
        engine = db.engine
    anonymous, signed_in = seeded.test_client(), seeded.test_client()
    login(signed_in, "admin")
    for client in (anonymous, signed_in):
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args, statements=statements):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get("/healthz")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200 and response.get_json()["status"] == "ok"
        assert len(statements) == 3, statements  # the signed-in user is not even loaded
        text = response.get_data(as_text=True)
        assert socket.gethostname() not in text and "pid" not in text and "host" not in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/tracker.sqlite3",
        f"postgresql://tracker:wrong@127.0.0.1:{_free_port()}/nothing",  # nothing listens there
    ],
    ids=["sqlite-cannot-open", "postgresql-refused"],
)
def test_healthz_answers_503_json_when_the_database_does_not(url):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DB_CONNECT_TIMEOUT": "3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"]["ok"] is False
    assert "wrong" not in response.get_data(as_text=True) and "127.0.0.1" not in response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_healthz_on_a_database_never_migrated_is_an_error(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "SECRET_KEY": "x"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.committed  # a second app, on a connection of its own
def test_healthz_thresholds_come_from_the_configuration(app, database_url):
    strict = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "HEALTH_HEARTBEAT_MINUTES": "1"})
    with strict.app_context():
        record_heartbeat(datetime.now(UTC) - 2 * MIN)
        db.session.commit()
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"
    assert strict.test_client().get("/healthz").get_json()["status"] == "degraded"
    with strict.app_context():
        db.engine.dispose()
