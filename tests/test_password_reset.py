"""Resetting a forgotten password: one-time, expiring links from an admin, the CLI or "Quên mật khẩu?" (by email,
through the outbox), limited per address and per client, ending every session of the person."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import OutboxMessage, PasswordResetToken, User
from tracker.password_resets import (
    MAX_REQUESTS_PER_ADDRESS,
    MAX_REQUESTS_PER_EMAIL,
    InvalidResetLink,
    TooManyResetRequests,
    request_reset,
    reset_with_token,
    valid_token,
)

from .conftest import csrf_token, login, make_user

NOW = datetime(2023, 9, 15, 3, 0, tzinfo=UTC)
TODAY = date(2023, 9, 15)
NEW_PASSWORD = "mat-khau-moi-rat-dai-2023"
LINK = re.compile(r"(?:https?://[^/\s]+)?/password/reset/([A-Za-z0-9_\-]+)")


@pytest.fixture
def people(app):
    with app.app_context():
        for key in ("admin", "monitor", "viewer"):
            make_user(key, key)
        db.session.commit()
    return app


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return messages


def _forgot(client, email: str, address: str = "10.0.0.1"):
    token = csrf_token(client, "/password/forgot")
    return client.post(
        "/password/forgot", data={"email": email, "csrf_token": token}, environ_base={"REMOTE_ADDR": address}
    )


def _set_password(client, token: str, password: str = NEW_PASSWORD):
    form_token = csrf_token(client, f"/password/reset/{token}")
    return client.post(
        f"/password/reset/{token}", data={"new": password, "confirm": password, "csrf_token": form_token}
    )


# --- Quên mật khẩu? ----------------------------------------------------------------------------------


def test_the_sign_in_page_offers_forgot_password(people, client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_forgot_password_puts_a_one_time_link_in_the_outbox_and_dispatch_sends_it(people, client, runner):
    response = _forgot(client, "Viewer@Example.org")
    assert response.status_code == 200
    [message] = _outbox(people)
    assert (message.kind, message.unit_id, message.status) == ("password_reset", None, "pending")
    assert message.recipients == ["viewer@example.org"]
    assert "Đặt lại mật khẩu" in message.subject
    assert "dùng được một lần, trong 60 phút" in message.body_text
    token = LINK.search(message.body_text).group(1)
    assert f'href="{people.config["BASE_URL"]}/password/reset/{token}"' in message.body_html
    with people.app_context():
        row = db.session.scalar(select(PasswordResetToken))
        assert token not in row.token_hash  # only the digest is kept
        assert row.expires_at.replace(tzinfo=UTC) - row.created_at.replace(tzinfo=UTC) == timedelta(hours=1)
    # The answer did not send it (that would take longer for a real account); the scheduler's dispatch does.
    result = runner.invoke(args=["reminders", "dispatch"])
    assert result.exit_code == 0, result.output
    assert _outbox(people)[0].status == "sent"
    [eml] = list(Path(people.config["OUTBOX_DIR"]).glob("*.eml"))
    assert token in eml.read_bytes().decode()


def _without_csrf(page: str) -> str:
    """A page without its CSRF token's value: the token is signed with the second it was written, so two answers a
    second apart differ there whatever they say."""
    return re.sub(r'(name="csrf_token" value=")[^"]+', r"\1…", page)


def test_the_answer_does_not_tell_whether_the_address_has_an_account(people, client):
    known = _forgot(client, "viewer@example.org")
    unknown = _forgot(client, "nobody@example.org", address="10.0.0.2")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(unknown.get_data(as_text=True))
    assert "Nếu địa chỉ này có tài khoản" in known.get_data(as_text=True)
    assert [m.recipients for m in _outbox(people)] == [["viewer@example.org"]]


def test_a_disabled_account_gets_no_link(people):
    with people.test_request_context():
        db.session.scalar(select(User).where(User.email == "viewer@example.org")).is_active = False
        assert request_reset("viewer@example.org", address="a", now=NOW, today=TODAY) is None
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_requests_are_limited_per_address_whether_or_not_it_has_an_account(people):
    with people.test_request_context():
        for email in ("viewer@example.org", "nobody@example.org"):
            for n in range(MAX_REQUESTS_PER_EMAIL):
                request_reset(email, address=f"10.0.1.{n}", now=NOW + timedelta(minutes=n), today=TODAY)
            with pytest.raises(TooManyResetRequests):
                request_reset(email, address="10.0.2.1", now=NOW + timedelta(minutes=5), today=TODAY)
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == MAX_REQUESTS_PER_EMAIL
        # An hour later the address may ask again.
        assert (
            request_reset("viewer@example.org", address="10.0.2.1", now=NOW + timedelta(minutes=61), today=TODAY)
            is not None
        )


def test_requests_are_limited_per_client_address(people):
    with people.test_request_context():
        for n in range(MAX_REQUESTS_PER_ADDRESS):
            request_reset(f"someone{n}@example.org", address="10.9.9.9", now=NOW, today=TODAY)
        with pytest.raises(TooManyResetRequests):
            request_reset("viewer@example.org", address="10.9.9.9", now=NOW, today=TODAY)
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_over_the_limit_the_page_says_so_with_429_and_sends_nothing(people, client):
    for _ in range(MAX_REQUESTS_PER_EMAIL):
        assert _forgot(client, "viewer@example.org").status_code == 200
    response = _forgot(client, "viewer@example.org")
    assert response.status_code == 429
    assert "quá nhiều yêu cầu" in response.get_data(as_text=True).lower()
    assert len(_outbox(people)) == MAX_REQUESTS_PER_EMAIL


# --- The link ----------------------------------------------------------------------------------------


def _emailed_token(app, now: datetime = NOW) -> str:
    with app.test_request_context():
        message_id = request_reset("viewer@example.org", address="a", now=now, today=TODAY)
        token = LINK.search(db.session.get(OutboxMessage, message_id).body_text).group(1)
        db.session.commit()
    return token


def test_a_link_expires_after_an_hour(people):
    token = _emailed_token(people)
    with people.app_context():
        assert valid_token(token, now=NOW + timedelta(minutes=59)) is not None
        assert valid_token(token, now=NOW + timedelta(minutes=60)) is None
        with pytest.raises(InvalidResetLink):
            reset_with_token(token, NEW_PASSWORD, now=NOW + timedelta(minutes=61))


def test_a_link_works_once_and_spends_the_other_open_links(people):
    first, second = _emailed_token(people), _emailed_token(people, NOW + timedelta(minutes=1))
    with people.app_context():
        reset_with_token(second, NEW_PASSWORD, now=NOW + timedelta(minutes=2))
        for token in (first, second):
            with pytest.raises(InvalidResetLink):
                reset_with_token(token, "mot-mat-khau-khac-nua", now=NOW + timedelta(minutes=3))


def test_the_new_password_follows_the_password_rules(people):
    token = _emailed_token(people)
    with people.app_context():
        with pytest.raises(Exception, match="ít nhất 10 ký tự"):
            reset_with_token(token, "ngan", now=NOW)
        assert valid_token(token, now=NOW) is not None  # a refused password does not spend the link


def test_setting_a_password_through_the_link_ends_every_session(people, client):
    people.config["TODAY"] = None  # the link is checked against the real clock here
    signed_in = people.test_client()
    assert login(signed_in, "viewer").status_code == 302
    _forgot(client, "viewer@example.org")
    token = LINK.search(_outbox(people)[0].body_text).group(1)
    assert client.get(f"/password/reset/{token}").status_code == 200
    response = _set_password(client, token)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert signed_in.get("/account").status_code == 302  # the other session is over
    assert client.get(f"/password/reset/{token}").status_code == 404  # spent
    assert _set_password_without_page(client, token).status_code == 404
    assert login(people.test_client(), "viewer").status_code == 401  # the old password no longer works
    assert login(people.test_client(), "viewer", NEW_PASSWORD).status_code == 302
    with people.app_context():
        assert db.session.scalar(select(User).where(User.email == "viewer@example.org")).password_hash.startswith(
            "$argon2id$"
        )


def _set_password_without_page(client, token: str):
    return client.post(
        f"/password/reset/{token}",
        data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, "/password/forgot")},
    )


def test_an_unknown_link_is_not_found(people, client):
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 404
    assert "không hợp lệ" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/password/forgot", "/password/reset/{token}", "/admin/users/{user}/password"])
def test_the_forms_refuse_a_post_without_its_csrf_token(people, client, path):
    people.config["TODAY"] = None
    _forgot(client, "viewer@example.org")
    token = LINK.search(_outbox(people)[0].body_text).group(1)
    with people.app_context():
        user = db.session.scalar(select(User.id).where(User.email == "viewer@example.org"))
    if "admin" in path:
        assert login(client, "admin").status_code == 302
    response = client.post(
        path.format(token=token, user=user),
        data={"email": "viewer@example.org", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert len(_outbox(people)) == 1
    with people.app_context():
        assert db.session.scalars(select(PasswordResetToken.used_at)).all() == [None]  # no new link, none spent


# --- An admin, the CLI --------------------------------------------------------------------------------


def _viewer_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "viewer@example.org"))


@pytest.mark.parametrize("who", ["monitor", "viewer"])
def test_only_an_admin_resets_another_persons_password(people, client, who):
    assert login(client, who).status_code == 302
    response = client.post(
        f"/admin/users/{_viewer_id(people)}/password", data={"csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 403
    with people.app_context():
        assert db.session.scalar(select(func.count(PasswordResetToken.id))) == 0


def test_an_admin_reset_ends_the_sessions_and_shows_a_one_time_link_once(people, client):
    people.config["TODAY"] = None
    person = people.test_client()
    assert login(person, "viewer").status_code == 302
    assert login(client, "admin").status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{_viewer_id(people)}/password"' in page
    response = client.post(
        f"/admin/users/{_viewer_id(people)}/password", data={"csrf_token": csrf_token(client, "/admin/users")}
    )
    assert response.status_code == 201
    token = LINK.search(response.get_data(as_text=True)).group(1)
    assert token not in client.get("/admin/users").get_data(as_text=True)  # shown on that response only
    assert person.get("/account").status_code == 302  # the person's session ended
    assert login(people.test_client(), "viewer").status_code == 401  # and the old password stopped working
    assert _set_password(people.test_client(), token).status_code == 302
    assert login(people.test_client(), "viewer", NEW_PASSWORD).status_code == 302
    assert _outbox(people) == []  # handed over by the admin, not emailed


def test_an_admin_reset_spends_the_links_sent_before(people):
    from tracker.password_resets import admin_reset

    emailed = _emailed_token(people)
    with people.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        viewer = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
        handed = admin_reset(viewer, actor=admin, now=NOW + timedelta(minutes=1))
        assert valid_token(emailed, now=NOW + timedelta(minutes=2)) is None
        assert valid_token(handed, now=NOW + timedelta(hours=23)) is not None
        assert valid_token(handed, now=NOW + timedelta(hours=25)) is None


def test_the_email_log_does_not_show_a_reset_links_text(people, client):
    _forgot(client, "viewer@example.org")
    token = LINK.search(_outbox(people)[0].body_text).group(1)
    assert login(client, "monitor").status_code == 302
    page = client.get("/admin/emails").get_data(as_text=True)
    assert "Đặt lại mật khẩu" in page and token not in page


def test_the_cli_prints_a_one_time_link_and_ends_the_sessions(people, runner):
    people.config["TODAY"] = None
    person = people.test_client()
    assert login(person, "viewer").status_code == 302
    result = runner.invoke(args=["users", "reset-password", "--email", "viewer@example.org"])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith(people.config["BASE_URL"].rstrip("/") + "/password/reset/")
    assert person.get("/account").status_code == 302
    assert _set_password(people.test_client(), LINK.search(link).group(1)).status_code == 302
    assert login(people.test_client(), "viewer", NEW_PASSWORD).status_code == 302
    result = runner.invoke(args=["users", "reset-password", "--email", "nobody@example.org"])
    assert result.exit_code != 0 and "không có tài khoản" in result.output
