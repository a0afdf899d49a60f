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


@pytest.mark.committed  # another connection holds the write lock
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


def test_a_tokens_last_use_is_written_every_few_minutes_not_on_each_request(seeded, runner):
    """An API client's reads do not each write (under a long SQLite write they would all wait)."""
    from datetime import timedelta

    from sqlalchemy import event

    from tracker.api_tokens import LAST_USE_EVERY, token_hash, user_for_bearer
    from tracker.models import ApiToken

    plain = runner.invoke(args=["users", "token", "--email", "head_cda@example.org"]).output.strip()
    client = seeded.test_client()
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with seeded.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            for _ in range(10):
                assert client.get("/api/v1/plans", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE API_TOKENS")]
    assert len(writes) == 1  # the first use only
    with seeded.app_context():
        first = db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.token_hash == token_hash(plain)))
        header = f"Bearer {plain}"
        assert user_for_bearer(header, now=first + LAST_USE_EVERY - timedelta(seconds=1)) is not None
        db.session.commit()
        assert db.session.scalar(select(ApiToken.last_used_at)) == first
        later = first + LAST_USE_EVERY
        assert user_for_bearer(header, now=later) is not None
        db.session.commit()
        assert db.session.scalar(select(ApiToken.last_used_at)) == later


def test_an_urge_longer_than_its_limit_or_with_a_control_character_is_refused_and_nothing_sent(
    seeded, client, login_as
):
    from tracker.forms import URGE_TEXT_MAX
    from tracker.models import OutboxMessage

    from .conftest import find_assignment

    with seeded.app_context():
        assignment_id = find_assignment("I.1", "VPC").id
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    assert f'maxlength="{URGE_TEXT_MAX}"' in page  # the page shows the limit
    token = csrf_token(client, "/monitoring")
    for text, reason in [
        ("x" * 1_000_000, f"Dài tối đa {URGE_TEXT_MAX} ký tự"),
        ("Đề nghị\x01khẩn trương", "ký tự điều khiển không hiển thị được (U+0001)"),
    ]:
        answer = client.post(
            f"/monitoring/urge/{assignment_id}", data={"csrf_token": token, "text": text}, follow_redirects=True
        )
        assert "Chưa đôn đốc" in answer.get_data(as_text=True) and reason in answer.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalar(select(OutboxMessage.id)) is None


def test_words_pasted_from_word_keep_their_line_breaks_and_the_report_still_opens(seeded, client, login_as):
    """Word's manual line break (\\x0b) in a difficulty is a line break, stored as such; the leadership's
    .docx and .xlsx reports (which XML carries) still open."""
    from tracker.models import Assignment

    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(
        client, assignment, version, to_state="blocked", difficulty="Thiếu kinh phí\x0bChưa có nhân lực\u2028Chờ ý kiến"
    )
    assert response.status_code == 302
    with seeded.app_context():
        assert db.session.get(Assignment, assignment).difficulty == "Thiếu kinh phí\nChưa có nhân lực\nChờ ý kiến"
        plan_id = db.session.get(Assignment, assignment).item.plan_id
    refused = post_status(client, assignment, version + 1, to_state="blocked", difficulty="Thiếu\x01kinh phí")
    assert refused.status_code == 422
    assert "ký tự điều khiển không hiển thị được (U+0001)" in refused.get_data(as_text=True)
    monitor = seeded.test_client()
    login(monitor, "monitor")
    for suffix in ("docx", "xlsx"):
        report = monitor.get(f"/reports/{plan_id}.{suffix}?start=2023-01-01&end=2023-12-31")
        assert report.status_code == 200 and report.data[:2] == b"PK"


def test_json_nested_thousands_deep_is_a_400_in_vietnamese(seeded, runner):
    plain = runner.invoke(args=["users", "token", "--email", "head_cda@example.org"]).output.strip()
    client = seeded.test_client()
    headers = {"Authorization": f"Bearer {plain}", "Content-Type": "application/json"}
    for body in ("[" * 100_000 + "]" * 100_000, '{"as_of": "2023-09-01", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        answer = client.post("/api/v1/units/CDA/figures", data=body, headers=headers)
        assert answer.status_code == 400
        error = answer.get_json()["error"]
        assert error["code"] == "invalid_json" and "lồng nhau quá nhiều tầng" in error["message"]
