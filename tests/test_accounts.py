"""Accounts: Argon2id passwords, failed sign-ins limited in the database, sessions that can be ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker.accounts import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS
from tracker.extensions import db
from tracker.models import LoginAttempt, User

from .conftest import PASSWORD, csrf_token, login


def test_passwords_are_stored_as_argon2id_hashes(seeded):
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_a_wrong_password_is_refused_in_vietnamese_and_counted(seeded, client):
    response = login(client, "head_cda", "sai-mat-khau-roi")
    assert response.status_code == 401
    assert "Thư điện tử hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(seeded, client):
    response = login(client, "nobody", "whatever-password")
    assert response.status_code == 401
    assert "Thư điện tử hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_failed_sign_ins_are_limited_per_account_even_with_the_right_password(seeded, client):
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert login(client, "head_cda", "sai-mat-khau-roi").status_code == 401
    response = login(client, "head_cda")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    # Other accounts are not locked by it (from another address).
    other = seeded.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert login(other, "head_vpc").status_code == 302


def test_failed_sign_ins_are_limited_per_address_across_accounts(seeded, client):
    with seeded.app_context():
        from tracker.clock import utcnow

        now = utcnow()
        db.session.add_all(
            LoginAttempt(email=f"guess{i}@example.org", address="127.0.0.1", at=now)
            for i in range(MAX_FAILURES_PER_ADDRESS)
        )
        db.session.commit()
    assert login(client, "head_cda").status_code == 429


def test_old_failures_no_longer_count(seeded, client):
    with seeded.app_context():
        from tracker.clock import utcnow

        long_ago = utcnow() - timedelta(hours=1)
        db.session.add_all(
            LoginAttempt(email="head_cda@example.org", address="127.0.0.1", at=long_ago)
            for _ in range(MAX_FAILURES_PER_ACCOUNT)
        )
        db.session.commit()
    assert login(client, "head_cda").status_code == 302


@pytest.mark.committed  # a second app, on connections of its own
def test_the_limit_holds_across_processes_because_it_is_in_the_database(seeded, client):
    """Two app instances (as two workers would be) share the count."""
    from tracker import create_app

    other_app = create_app(
        {"DATABASE_URL": seeded.config["DATABASE_URL"], "SECRET_KEY": "test", "TODAY": seeded.config["TODAY"]}
    )
    other = other_app.test_client()
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        target = client if n % 2 else other
        assert login(target, "head_cda", "sai-mat-khau-roi").status_code == 401
    assert login(other, "head_cda").status_code == 429
    with other_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_form_post_without_its_csrf_token_is_refused(seeded, client, login_as):
    login_as("head_cda")
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Phiên làm việc của biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # still signed in


def test_sign_in_sends_to_the_page_asked_for_but_never_off_site(seeded, client):
    token = csrf_token(client)
    response = client.post(
        "/login?next=/plans", data={"email": "viewer@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/plans"
    other = seeded.test_client()
    token = csrf_token(other)
    response = other.post(
        "/login?next=https://evil.example/",
        data={"email": "viewer@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_session_cookies_are_httponly_and_samesite(seeded, client):
    response = login(client, "viewer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_remember_cookie_lasts_14_days_not_a_year(seeded):
    assert seeded.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    assert seeded.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_cookies_are_secure_when_served_over_https(database_url):
    from tracker import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "HTTPS": "1"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_changing_the_password_ends_every_other_session(seeded, login_as, client):
    elsewhere = seeded.test_client()
    login(elsewhere, "head_cda")
    login_as("head_cda")
    new = "mat-khau-moi-an-toan-2023"
    response = client.post(
        "/account", data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 302  # the other one has ended
    assert login(seeded.test_client(), "head_cda", new).status_code == 302


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("sai-mat-khau-roi", "mat-khau-moi-an-toan", "mat-khau-moi-an-toan", "Mật khẩu hiện tại không đúng."),
        (PASSWORD, "ngan", "ngan", "ít nhất 10 ký tự"),
        (PASSWORD, "mat-khau-moi-an-toan", "mat-khau-khac-han", "không khớp"),
    ],
)
def test_a_refused_password_change_says_why(seeded, login_as, client, current, new, confirm, message):
    login_as("head_cda")
    response = client.post(
        "/account",
        data={"current": current, "new": new, "confirm": confirm, "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_sign_out_everywhere_ends_all_sessions(seeded, login_as, client):
    elsewhere = seeded.test_client()
    login(elsewhere, "head_cda")
    login_as("head_cda")
    client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302
    assert elsewhere.get("/account").status_code == 302


def test_disabling_an_account_ends_its_sessions_and_stops_sign_in(seeded, login_as, client):
    unit_head = seeded.test_client()
    login(unit_head, "head_cda")
    login_as("admin")
    with seeded.app_context():
        target = db.session.scalar(select(User.id).where(User.email == "head_cda@example.org"))
    response = client.post(f"/admin/users/{target}/active", data={"csrf_token": csrf_token(client, "/admin/users")})
    assert response.status_code == 302
    assert unit_head.get("/account").status_code == 302
    assert login(seeded.test_client(), "head_cda").status_code == 401


def test_rebinding_a_user_to_another_unit_applies_at_once(seeded, login_as, client):
    staff = seeded.test_client()
    login(staff, "staff_cda")
    login_as("admin")
    with seeded.app_context():
        from tracker.models import Unit

        target = db.session.scalar(select(User.id).where(User.email == "staff_cda@example.org"))
        vpc = db.session.scalar(select(Unit.id).where(Unit.code == "VPC"))
    response = client.post(
        f"/admin/users/{target}/role",
        data={
            f"u{target}-role": "unit_staff",
            f"u{target}-unit": str(vpc),
            "csrf_token": csrf_token(client, "/admin/users"),
        },
    )
    assert response.status_code == 302
    assert "Vụ Pháp chế" in client.get("/admin/users").get_data(as_text=True)
    assert staff.get("/units/CDA").status_code == 302  # its old session has ended
    login(staff, "staff_cda")
    assert staff.get("/units/CDA").status_code == 403 and staff.get("/units/VPC").status_code == 200


def test_the_admin_page_creates_a_user_and_refuses_a_unit_role_without_a_unit(seeded, login_as, client):
    login_as("admin")
    token = csrf_token(client, "/admin/users")
    refused = client.post(
        "/admin/users",
        data={
            "email": "moi@example.org",
            "role": "unit_head",
            "unit": "",
            "password": "mat-khau-du-dai-2023",
            "csrf_token": token,
        },
    )
    assert refused.status_code == 422
    assert "phải gắn với một đơn vị" in refused.get_data(as_text=True)
    created = client.post(
        "/admin/users",
        data={
            "email": "moi@example.org",
            "role": "viewer",
            "unit": "",
            "password": "mat-khau-du-dai-2023",
            "csrf_token": token,
        },
    )
    assert created.status_code == 302
    assert login(seeded.test_client(), "moi", "mat-khau-du-dai-2023").status_code == 302


def test_cli_creates_a_user_reading_the_password_from_stdin(seeded, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Truong.VTV@Example.org", "--role", "unit_head", "--unit", "Vụ Thư viện"],
        input="mat-khau-tu-stdin-2023\n",
    )
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản truong.vtv@example.org (Thủ trưởng đơn vị — Vụ Thư viện)." in result.stdout
    assert login(seeded.test_client(), "truong.vtv", "mat-khau-tu-stdin-2023").status_code == 302


@pytest.mark.parametrize(
    "args, message",
    [
        (["--email", "a@example.org", "--role", "unit_head"], "phải gắn với một đơn vị"),
        (["--email", "a@example.org", "--role", "viewer", "--unit", "VPC"], "không gắn với đơn vị"),
        (["--email", "a@example.org", "--role", "unit_staff", "--unit", "Cục Không Có"], "không có đơn vị"),
        (["--email", "viewer@example.org", "--role", "viewer"], "Đã có tài khoản"),
        (["--email", "a@example.org", "--role", "viewer", "--password", "ngan"], "ít nhất 10 ký tự"),
    ],
)
def test_cli_refuses_a_user_it_cannot_create(seeded, runner, args, message):
    result = runner.invoke(args=["users", "create", *args], input="mat-khau-du-dai-2023\n")
    assert result.exit_code == 1
    assert message in result.stderr


def test_there_is_no_default_admin_account(app, client):
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    assert login(client, "admin", "admin").status_code == 401
