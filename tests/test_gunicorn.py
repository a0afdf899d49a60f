"""Production set-up: real gunicorn (2 workers) and the scheduler process on a migrated database, JSON logs,
/healthz; the connection pool settings; ProxyFix behind a reverse proxy."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tracker import create_app
from tracker.extensions import db
from tracker.models import LoginAttempt

from .conftest import ROOT, csrf_token

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ok_or_none(answer: tuple[int, str]) -> tuple[int, str] | None:
    return answer if answer[0] == 200 else None


def _get(url: str) -> tuple[int, str]:
    """Status and body, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(condition, what: str, process: subprocess.Popen, log: Path):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what}: the process exited with {process.returncode}:\n{log.read_text()}")
        try:
            result = condition()
        except (urllib.error.URLError, ConnectionError, OSError):
            result = None
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _json_lines(path: Path) -> list[dict]:
    """Every line of a log file, parsed: with TRACKER_LOG_FORMAT=json each must be a JSON object."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_gunicorn_serves_the_app_with_two_workers_beside_one_scheduler(tmp_path):
    pytest.importorskip(
        "gunicorn", reason="gunicorn is not installed (it is in requirements.txt: pip install -r requirements.txt)"
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        TRACKER_SECRET_KEY="s" * 64,
        TRACKER_UPLOAD_DIR=str(tmp_path / "uploads"),
        TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"),
        TRACKER_LOG_FORMAT="json",
        TRACKER_BIND=f"127.0.0.1:{port}",
        TRACKER_WORKERS="2",
    )
    # The deploy's order: migrate first, then start the workers.
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr

    web_log, scheduler_log = tmp_path / "gunicorn.log", tmp_path / "scheduler.log"
    with web_log.open("w") as web_out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=web_out,
            stderr=subprocess.STDOUT,
        )
    scheduler = None
    try:
        status, body = _wait_for(
            lambda: _ok_or_none(_get(f"{base}/healthz")),
            "gunicorn answering /healthz",
            web,
            web_log,
        )
        health = json.loads(body)
        # No scheduler yet: the site works, reminders would not go out.
        assert health["status"] == "degraded" and health["scheduler"]["heartbeat_age_seconds"] is None
        assert health["database"]["ok"] is True and health["version"]

        status, page = _get(f"{base}/login")
        assert status == 200 and 'name="csrf_token"' in page and "<form" in page
        with urllib.request.urlopen(f"{base}/login", timeout=10) as response:
            assert "gunicorn" not in (response.headers.get("Server") or "").lower()  # no server name for scanners
        status, _ = _get(f"{base}/")
        assert status == 302

        with scheduler_log.open("w") as scheduler_out:
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
                cwd=ROOT,
                env=env,
                stdout=scheduler_out,
                stderr=subprocess.STDOUT,
            )

        def healthy():  # type: ignore[no-untyped-def]
            found = json.loads(_get(f"{base}/healthz")[1])
            return found if found["status"] == "ok" else None

        health = _wait_for(healthy, "the scheduler's heartbeat making /healthz ok", scheduler, scheduler_log)
        assert health["scheduler"]["ok"] is True and health["scheduler"]["heartbeat_age_seconds"] < 60

        # A reload (systemctl reload → SIGHUP) replaces both workers and keeps serving.
        booted = lambda: [line for line in _json_lines(web_log) if line["message"].startswith("Booting worker")]  # noqa: E731
        assert len(booted()) == 2
        web.send_signal(signal.SIGHUP)
        _wait_for(lambda: len(booted()) == 4, "two new workers after SIGHUP", web, web_log)
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, "serving after the reload", web, web_log)
    finally:
        if scheduler is not None:
            _stop(scheduler)
        _stop(web)

    lines = _json_lines(web_log)  # gunicorn's own lines and the app's, all JSON
    access = [line for line in lines if line["logger"] == "tracker.access"]
    assert {line["path"] for line in access} >= {"/healthz", "/login", "/"}
    assert all(len(line["request_id"]) == 12 and line["duration_ms"] >= 0 for line in access)
    assert any(line["logger"] == "gunicorn.error" and "Listening at" in line["message"] for line in lines)
    scheduler_lines = _json_lines(scheduler_log)
    assert any("scheduler started" in line["message"] for line in scheduler_lines)


def _instance_secret(instance: str) -> str:
    from tracker.config import load_config

    return load_config(instance)["SECRET_KEY"]


def test_workers_starting_together_agree_on_the_generated_secret_key(tmp_path, monkeypatch):
    """Without TRACKER_SECRET_KEY, the workers' first start races to create instance/secret_key."""
    import multiprocessing

    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    with multiprocessing.get_context("fork").Pool(8) as pool:
        keys = pool.map(_instance_secret, [str(tmp_path)] * 32)
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


# --- the database pool ---


def test_pool_settings_apply_to_postgresql_only(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DB_POOL_SIZE", "3")
    monkeypatch.setenv("TRACKER_DB_MAX_OVERFLOW", "4")
    monkeypatch.setenv("TRACKER_DB_POOL_RECYCLE", "600")
    monkeypatch.setenv("TRACKER_DB_POOL_TIMEOUT", "7")
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "postgresql://u:p@127.0.0.1/tracker"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "pool_size": 3,
        "max_overflow": 4,
        "pool_recycle": 600,
        "pool_timeout": 7.0,
        "connect_args": {"connect_timeout": 10},
    }
    with app.app_context():
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow, pool._recycle, pool._timeout) == (3, 4, 600, 7.0)
        db.engine.dispose()

    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'pool.sqlite3'}"})
    # No pool settings for SQLite, and no check before use: only how long a write waits for another writer's lock.
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"connect_args": {"timeout": 5.0}}
    with app.app_context():
        # The SQLite connect event still sets its pragmas, and the busy timeout is 5 s.
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.remove()
        db.engine.dispose()


def test_the_test_database_works_with_the_pool_settings(app):
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        if db.engine.dialect.name == "postgresql":
            assert db.engine.pool.size() == 5


# --- behind a reverse proxy ---


def _failed_sign_in(app, headers: dict[str, str]) -> str:
    client = app.test_client()
    token = csrf_token(client)
    with client:
        response = client.post(
            "/login",
            data={"email": "nobody@example.org", "password": "wrong password!", "csrf_token": token},
            headers=headers,
        )
        from flask import request

        scheme = request.scheme
    assert response.status_code == 401
    with app.app_context():
        address = db.session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id.desc())).first()
    return f"{address} {scheme}"


@pytest.mark.committed  # two more apps, on connections of their own
def test_proxy_fix_is_opt_in_and_trusts_the_given_number_of_proxies(app, database_url, tmp_path):
    forwarded = {
        "X-Forwarded-For": "198.51.100.9, 203.0.113.7",
        "X-Forwarded-Proto": "https",
        "Referer": "https://localhost/login",
    }
    # Without it, every sign-in seems to come from the proxy (and the per-address limit would lock everyone out).
    assert _failed_sign_in(app, forwarded) == "127.0.0.1 http"
    behind_one = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "TESTING": True, "PROXY_FIX": "1"})
    assert _failed_sign_in(behind_one, forwarded) == "203.0.113.7 https"
    # Two proxies: the address the outer one saw.
    behind_two = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "TESTING": True, "PROXY_FIX": "2"})
    assert _failed_sign_in(behind_two, {**forwarded, "X-Forwarded-Proto": "https,https"}) == "198.51.100.9 https"
    for extra in (behind_one, behind_two):
        with extra.app_context():
            db.engine.dispose()
