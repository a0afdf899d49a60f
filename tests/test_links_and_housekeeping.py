"""Issue 13, points 5 and 15: the plan page links only the units the viewer may open; HSTS over HTTPS;
failed sign-ins pruned; no evidence file left on disk by a refused change."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.accounts import WINDOW
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, EvidenceFile, LoginAttempt, Plan, Unit, User

from .conftest import assignment_of, csrf_token, login


def _plan_page(app, client) -> str:
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _linked_unit_codes(page: str) -> set[str]:
    return set(re.findall(r'href="/units/([^"/#?]+)', page))


@pytest.mark.parametrize("who, own", [("head_cda", "CDA"), ("staff_cda", "CDA"), ("head_vpc", "VPC")])
def test_a_unit_role_sees_a_link_only_to_its_own_unit_and_every_link_opens(seeded, client, login_as, who, own):
    login_as(who)
    page = _plan_page(seeded, client)
    linked = _linked_unit_codes(page)
    assert linked <= {own}
    for code in linked:
        assert client.get(f"/units/{code}").status_code == 200
    with seeded.app_context():
        other = db.session.scalar(select(Unit).where(Unit.code == "CBQTG"))
        name = other.name
    # Another unit's name is still shown, as plain text.
    assert name in page


@pytest.mark.parametrize("who", ["admin", "monitor", "viewer"])
def test_roles_that_may_open_every_unit_see_every_unit_linked(seeded, client, login_as, who):
    login_as(who)
    linked = _linked_unit_codes(_plan_page(seeded, client))
    assert len(linked) >= 10  # the units of Appendix 1 with a KPI row (11 in the seed plan)
    for code in sorted(linked)[:3]:
        assert client.get(f"/units/{code}").status_code == 200


def test_hsts_is_sent_over_https_only(database_url, tmp_path):
    from tracker import create_app

    for https, expected in (("1", "max-age=31536000; includeSubDomains"), ("0", None)):
        app = create_app(
            {"DATABASE_URL": database_url, "SECRET_KEY": "x", "HTTPS": https, "UPLOAD_DIR": str(tmp_path / "uploads")}
        )
        response = app.test_client().get("/login", base_url="https://localhost" if https == "1" else "http://localhost")
        assert response.headers.get("Strict-Transport-Security") == expected


def test_hsts_is_not_sent_by_default(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_failed_sign_ins_older_than_the_window_are_pruned(seeded):
    from tracker.accounts import prune_login_attempts

    with seeded.app_context():
        now = utcnow()
        db.session.add_all(
            [
                LoginAttempt(email="old@example.org", address="10.0.0.1", at=now - WINDOW - timedelta(minutes=1)),
                LoginAttempt(email="old@example.org", address="10.0.0.1", at=now - timedelta(days=30)),
                LoginAttempt(email="recent@example.org", address="10.0.0.1", at=now - timedelta(minutes=1)),
            ]
        )
        db.session.commit()
        assert prune_login_attempts(now) == 2
        db.session.commit()
        assert list(db.session.scalars(select(LoginAttempt.email))) == ["recent@example.org"]


def test_a_sign_in_prunes_the_failures_that_aged_out(seeded, client):
    with seeded.app_context():
        db.session.add(LoginAttempt(email="old@example.org", address="10.0.0.1", at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert login(client, "head_cda", "sai-mat-khau-roi").status_code == 401
    with seeded.app_context():
        emails = list(db.session.scalars(select(LoginAttempt.email)))
    assert emails == ["head_cda@example.org"]


def _post_with_file(client, assignment: int, version: int, **fields):
    data = {f"a{assignment}-{k}": v for k, v in fields.items()}
    data.update(
        {
            f"a{assignment}-version": str(version),
            "csrf_token": csrf_token(client, "/account"),
            f"a{assignment}-evidence": (io.BytesIO(b"%PDF-1.7\n% minh chung\n"), "quyet-dinh.pdf"),
        }
    )
    return client.post(f"/assignments/{assignment}/status", data=data, content_type="multipart/form-data")


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return list(folder.iterdir()) if folder.exists() else []


def test_a_file_sent_with_a_stale_form_is_not_left_on_disk(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = _post_with_file(client, assignment, version - 1, to_state="done", completed_on="2023-09-04")
    assert response.status_code == 409
    assert _stored_files(seeded) == []
    with seeded.app_context():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_a_file_sent_with_a_refused_change_is_not_left_on_disk(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    # "Done" with a file but no completion date: refused.
    response = _post_with_file(client, assignment, version, to_state="done")
    assert response.status_code == 422
    assert _stored_files(seeded) == []
    with seeded.app_context():
        assert db.session.get(Assignment, assignment).status == "not_started"


def test_a_file_sent_with_an_accepted_change_stays(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = _post_with_file(client, assignment, version, to_state="done", completed_on="2023-09-04")
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = _stored_files(seeded)
    assert len(stored) == 1
    with seeded.app_context():
        assert db.session.scalar(select(EvidenceFile.stored_name)) == stored[0].name


def test_links_in_emails_resets_and_the_calendar_follow_the_routes_under_the_public_address(
    seeded, runner, client, login_as
):
    """Issue 13 point 15: every absolute link is built from the app's routes on TRACKER_BASE_URL, path prefix
    included (a proxy serving the app under /ke-hoach), whether a request is running or not."""
    from tracker.models import OutboxMessage
    from tracker.password_resets import reset_by_hand, reset_url

    base = "https://kehoach.example.gov.vn/ke-hoach"
    seeded.config["BASE_URL"] = base + "/"
    result = runner.invoke(args=["reminders", "sweep", "--date", "2023-09-05"])
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        bodies = [m.body_text + m.body_html for m in db.session.scalars(select(OutboxMessage))]
        item_id = next(a.item_id for a in db.session.scalars(select(Assignment)) if a.item.reference == "I.1")
        links = {link for body in bodies for link in re.findall(r"https?://[^\s\"<>]+", body)}
        assert links and all(link.startswith(base + "/") for link in links), links
        assert f"{base}/items/{item_id}" in links and f"{base}/units/CDA#chi-tieu" in links
        user = db.session.scalar(select(User).where(User.email == "viewer@example.org"))
        assert reset_url(reset_by_hand(user, now=utcnow())).startswith(f"{base}/password/reset/")
        db.session.rollback()
    login_as("head_vpc")
    token_page = client.post("/units/VPC/calendar/token", data={"csrf_token": csrf_token(client, "/units/VPC")})
    assert token_page.status_code == 302
    with seeded.app_context():
        token = db.session.scalar(select(Unit.calendar_token).where(Unit.code == "VPC"))
    feed = client.get(f"/units/VPC/calendar.ics?token={token}").get_data(as_text=True).replace("\r\n ", "")
    assert f"URL:{base}/items/{item_id}" in feed
