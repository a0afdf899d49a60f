"""Hostile input answered without a server error: file names with control and direction characters, and the
HTTP details a scanner checks (405 with Allow)."""

from __future__ import annotations

import io
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import EvidenceFile

from .conftest import PASSWORD, assignment_of, csrf_token, login, post_status

PDF = b"%PDF-1.7\n% bien ban nghiem thu\n"


def test_an_evidence_file_named_with_nul_and_bidi_characters_is_kept_under_a_clean_name(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(
        client,
        assignment,
        version,
        to_state="done",
        completed_on="2023-09-04",
        evidence=(io.BytesIO(PDF), "bien\x00ban\u202efdp.exe.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        record = db.session.scalar(select(EvidenceFile))
        assert record.filename == "bienbanfdp.exe.pdf"
        file_id = record.id
        stored = Path(seeded.config["UPLOAD_DIR"]) / record.stored_name
    # Readable by the account that runs the app only, and so is the folder.
    assert stat.S_IMODE(stored.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(stored.parent.stat().st_mode) & 0o077 == 0
    download = client.get(f"/evidence/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    assert "\x00" not in download.headers["Content-Disposition"]
    download.close()


def test_a_method_not_allowed_says_which_methods_are(seeded, client, login_as):
    login_as("head_cda")
    page = client.delete("/account")
    assert page.status_code == 405
    assert set(page.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    api = client.delete("/api/v1/plans")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]


def test_a_write_that_waits_too_long_for_sqlite_is_a_503_that_says_nothing_was_saved(seeded):
    """Another process holds SQLite's write lock (a long import): a sign-in, which writes, waits the busy
    timeout, then answers 503 in Vietnamese with Retry-After, and works once the lock is gone."""
    url = seeded.config["DATABASE_URL"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's single writer only")
    from tracker import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "TESTING": True, "DB_BUSY_TIMEOUT": "0.2"})
    client = app.test_client()
    token = csrf_token(client, "/login")
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        answer = client.post(
            "/login", data={"email": "head_cda@example.org", "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert "Hệ thống đang bận ghi dữ liệu khác" in answer.get_data(as_text=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert login(client, "head_cda").status_code == 302
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
