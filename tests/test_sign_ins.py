"""Each sign-in has its own record: signing out ends it (a copied cookie opens nothing any more), the account
page lists the person's sign-ins and ends any of them, and wrong passwords cannot lock the owner out."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.accounts import (
    MAX_FAILURES_PER_ACCOUNT,
    SEEN_EVERY,
    SIGN_IN_LIFETIME,
    end_all_sessions,
    load_session_user,
    start_session,
)
from tracker.extensions import db
from tracker.models import SignIn, User

from .conftest import PASSWORD, csrf_token, login
from .test_import_scale import counted

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def _copy_cookies(source, target, *names: str) -> None:
    """Put the source browser's cookies (all, or the named ones) into another browser, as a thief would."""
    for cookie in source._cookies.values():
        if not names or cookie.key in names:
            target.set_cookie(cookie.key, cookie.value, domain=cookie.domain)


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _browser(app, user_agent: str, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_signing_out_ends_the_session_a_copied_cookie_carried(seeded, client):
    assert login(client, "head_cda").status_code == 302
    thief = seeded.test_client()
    _copy_cookies(client, thief, "session")
    assert _signed_in(thief)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})

    assert not _signed_in(client)
    assert thief.get("/account").status_code == 302  # back to the sign-in page
    with seeded.app_context():
        sign_in = db.session.scalar(select(SignIn))
        assert sign_in is not None and sign_in.ended_at is not None


def test_signing_out_ends_the_remember_me_cookie_too(seeded, client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": "head_cda@example.org", "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    assert response.status_code == 302
    thief = seeded.test_client()
    _copy_cookies(client, thief, "remember_token")
    assert _signed_in(thief)  # the remember-me cookie alone opens a new session

    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})

    fresh_thief = seeded.test_client()
    _copy_cookies(client, fresh_thief, "remember_token")
    assert thief.get("/account").status_code == 302
    assert fresh_thief.get("/account").status_code == 302


def test_the_account_page_lists_each_sign_in_and_ends_another_one(seeded):
    phone, desktop = _browser(seeded, PHONE, "10.1.2.3"), _browser(seeded, DESKTOP, "10.9.8.7")
    assert login(phone, "head_cda").status_code == 302
    assert login(desktop, "head_cda").status_code == 302

    page = desktop.get("/account").get_data(as_text=True)
    assert "Safari trên iPhone" in page and "10.1.2.3" in page
    assert "Chrome trên Windows" in page and "10.9.8.7" in page
    assert page.count("(phiên này)") == 1

    with seeded.app_context():
        phone_sign_in = db.session.scalar(select(SignIn.id).where(SignIn.address == "10.1.2.3"))
    answer = desktop.post(
        f"/account/sessions/{phone_sign_in}/end", data={"csrf_token": csrf_token(desktop, "/account")}
    )
    assert answer.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(desktop)
    assert "Safari trên iPhone" not in desktop.get("/account").get_data(as_text=True)


def test_nobody_ends_another_persons_sign_in(seeded):
    owner, other = _browser(seeded, PHONE), _browser(seeded, DESKTOP)
    assert login(owner, "head_cda").status_code == 302
    assert login(other, "head_vpc").status_code == 302
    with seeded.app_context():
        owners = db.session.scalar(select(SignIn.id).where(SignIn.user_agent == PHONE))
    answer = other.post(f"/account/sessions/{owners}/end", data={"csrf_token": csrf_token(other, "/account")})
    assert answer.status_code == 404
    assert _signed_in(owner)


def test_a_password_change_keeps_this_sign_in_and_ends_the_others(seeded):
    here, elsewhere = _browser(seeded, DESKTOP), _browser(seeded, PHONE)
    assert login(here, "head_cda").status_code == 302
    assert login(elsewhere, "head_cda").status_code == 302
    new = "mat-khau-moi-hoan-toan-2024"
    answer = here.post(
        "/account",
        data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": csrf_token(here, "/account")},
    )
    assert answer.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert re.search(r"\(phiên này\)", here.get("/account").get_data(as_text=True))


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(seeded):
    attacker, owner = _browser(seeded, "curl/8.5.0", "203.0.113.9"), _browser(seeded, DESKTOP, "10.0.0.5")
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert login(attacker, "admin", "doan-bua-mat-khau").status_code == 401
    assert login(attacker, "admin").status_code == 429  # the guesser is stopped, even with the right password
    assert login(owner, "admin").status_code == 302  # the owner, elsewhere, signs in


# --- the user a cookie names (accounts.load_session_user), at a given moment ---------------------------------

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _cookie_value(who: str, *, at: datetime) -> tuple[str, int]:
    """A new sign-in of one of PEOPLE made at `at` and committed: the value its cookie carries, and its id."""
    user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
    assert user is not None
    start_session(user, address="127.0.0.1", user_agent=DESKTOP, now=at)
    db.session.commit()
    value, sign_in_id = user.get_id(), user.sign_in_id
    db.session.remove()  # the next request's session starts empty
    return value, sign_in_id


def _end(sign_in_id: int) -> None:
    db.session.get(SignIn, sign_in_id).ended_at = T0


def _disable(sign_in_id: int) -> None:
    db.session.get(SignIn, sign_in_id).user.is_active = False


def _sign_out_everywhere(sign_in_id: int) -> None:
    end_all_sessions(db.session.get(SignIn, sign_in_id).user)


@pytest.mark.parametrize(
    ("change", "cookie", "later", "opens"),
    [
        (None, "as made", timedelta(minutes=1), True),
        (None, "as made", SIGN_IN_LIFETIME - timedelta(minutes=1), True),
        (None, "as made", SIGN_IN_LIFETIME, False),  # not seen for as long as a sign-in lasts
        (_end, "as made", timedelta(minutes=1), False),  # signed out
        (_disable, "as made", timedelta(minutes=1), False),
        (_sign_out_everywhere, "as made", timedelta(minutes=1), False),
        (None, "another user's id", timedelta(minutes=1), False),  # a secret with someone else's id
        (None, "another secret", timedelta(minutes=1), False),
        (None, "no secret", timedelta(minutes=1), False),
    ],
)
def test_a_cookie_opens_its_sign_in_while_it_is_valid(seeded, change, cookie, later, opens):
    with seeded.app_context():
        value, sign_in_id = _cookie_value("head_cda", at=T0)
        if change is not None:
            change(sign_in_id)
            db.session.commit()
            db.session.remove()
        user_part, secret = value.split(":")
        value = {
            "as made": value,
            "another user's id": f"{int(user_part) + 1}:{secret}",
            "another secret": f"{user_part}:{secret[::-1]}",
            "no secret": f"{user_part}:",
        }[cookie]
        user = load_session_user(value, now=T0 + later)
        assert (user is not None) == opens
        if opens:
            assert user.email == "head_cda@example.org" and user.sign_in_id == sign_in_id


def test_the_user_a_cookie_names_comes_with_its_unit_and_can_be_changed_like_any_other(seeded):
    with seeded.app_context():
        value, _sign_in_id = _cookie_value("head_cda", at=T0)
        with counted() as statements:
            user = load_session_user(value, now=T0 + timedelta(minutes=1))
            assert user is not None
            assert len(statements) == 1  # the sign-in, the user, its unit and the data's stamp, in one statement
            assert user.unit is not None and user.unit.code == "CDA"
            assert user.data_stamp is not None
            assert user in db.session and not db.session.dirty and not db.session.new
            assert len(statements) == 1  # reading its unit asked for nothing more
        user.name = "Trưởng Cục Điện ảnh"
        db.session.commit()
        db.session.remove()
        stored = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        assert stored is not None and stored.name == "Trưởng Cục Điện ảnh"


def test_a_user_without_a_unit_is_named_by_a_cookie_too(seeded):
    with seeded.app_context():
        value, _sign_in_id = _cookie_value("admin", at=T0)
        user = load_session_user(value, now=T0 + timedelta(minutes=1))
        assert user is not None and user.role == "admin" and user.unit is None


def test_the_last_seen_time_is_written_every_few_minutes_not_on_every_request(seeded):
    with seeded.app_context():
        value, sign_in_id = _cookie_value("head_cda", at=T0)
        for later, seen in [
            (SEEN_EVERY - timedelta(seconds=1), T0),  # read, not written
            (SEEN_EVERY, T0 + SEEN_EVERY),
            (SEEN_EVERY + timedelta(minutes=1), T0 + SEEN_EVERY),
            (2 * SEEN_EVERY, T0 + 2 * SEEN_EVERY),
        ]:
            assert load_session_user(value, now=T0 + later) is not None
            db.session.commit()
            db.session.remove()
            assert db.session.get(SignIn, sign_in_id).last_seen_at == seen
            db.session.remove()


def test_the_user_a_session_already_holds_is_the_one_a_cookie_gives(seeded):
    with seeded.app_context():
        value, _sign_in_id = _cookie_value("head_cda", at=T0)
        held = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        db.session.commit()  # expires what the session holds
        with counted() as statements:
            assert load_session_user(value, now=T0 + timedelta(minutes=1)) is held
            assert held.email == "head_cda@example.org" and held.unit is not None and held.unit.code == "CDA"
            assert len(statements) == 1  # what the commit expired came with the sign-in's row
        assert not db.session.dirty
