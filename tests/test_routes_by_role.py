"""Every route of the app, for every role: allowed or forbidden, from one table. A route added without
an entry here fails test_the_table_covers_every_route."""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.clock import utcnow

from tracker.evidence import store_evidence
from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Unit, User

from .conftest import csrf_token

COUNTS = {"procedures_total": 12, "full_online_eligible": 6, "full_online_provided": 6, "partial_online_accepting": 6,
          "procedures_with_dossiers": 10, "procedures_with_online_dossiers": 8, "dossiers_total": 1458,
          "dossiers_online": 134}
ROLES = ("anonymous", "admin", "monitor", "viewer", "head_cda", "staff_cda", "head_vpc")
A, F, P = "allowed", "forbidden", "public"
# endpoint: (method, path, expected for each role in ROLES order). Anonymous is always sent to sign in
# (401 for the API) unless the route is public.
TABLE = {
    "plans.home":            ("GET", "/", (None, A, A, A, A, A, A)),
    "plans.index":           ("GET", "/plans", (None, A, A, A, A, A, A)),
    "plans.show":            ("GET", "/plans/{plan}", (None, A, A, A, A, A, A)),
    "units.show":            ("GET", "/units/CDA", (None, A, A, A, A, A, F)),
    "items.show":            ("GET", "/items/{item}", (None, A, A, A, A, A, A)),
    "items.update_status":   ("POST", "/assignments/{assignment}/status", (None, F, F, F, A, A, F)),
    "items.comment":         ("POST", "/items/{item}/comments", (None, A, A, F, A, A, F)),
    "items.evidence":        ("GET", "/evidence/{evidence}", (None, A, A, A, A, A, F)),
    "units.report_figures":  ("POST", "/units/CDA/figures", (None, F, F, F, A, A, F)),
    "units.calendar":        ("GET", "/units/CDA/calendar.ics?token={calendar}", (P, A, A, A, A, A, A)),
    "units.calendar_token":  ("POST", "/units/CDA/calendar/token", (None, A, F, F, A, A, F)),
    "monitoring.urge_unit":  ("POST", "/monitoring/urge/{assignment}", (None, A, A, F, F, F, F)),
    "reports.index":         ("GET", "/reports", (None, A, A, A, F, F, F)),
    "reports.print_view":    ("GET", "/reports/{plan}/print?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "reports.docx":          ("GET", "/reports/{plan}.docx?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "reports.xlsx":          ("GET", "/reports/{plan}.xlsx?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "admin.units":           ("GET", "/admin/units", (None, A, F, F, F, F, F)),
    "admin.edit_unit":       ("GET", "/admin/units/{cda}", (None, A, F, F, F, F, F)),
    "admin.import_plan":     ("GET", "/admin/import", (None, A, F, F, F, F, F)),
    "admin.confirm_import":  ("POST", "/admin/import/confirm", (None, A, F, F, F, F, F)),
    "admin.import_preview":  ("GET", "/admin/import/preview", (None, A, F, F, F, F, F)),
    "admin.cancel_import":   ("POST", "/admin/import/cancel", (None, A, F, F, F, F, F)),
    "admin.import_create_units": ("POST", "/admin/import/units", (None, A, F, F, F, F, F)),
    "admin.deadlines":       ("GET", "/admin/deadlines", (None, A, F, F, F, F, F)),
    "admin.unknown_unit_names": ("GET", "/admin/unknown-names", (None, A, F, F, F, F, F)),
    "monitoring.overdue":    ("GET", "/monitoring", (None, A, A, A, F, F, F)),
    "monitoring.units":      ("GET", "/monitoring/units", (None, A, A, A, F, F, F)),
    "kpi.overview":          ("GET", "/kpi", (None, A, A, A, F, F, F)),
    "kpi.export":            ("GET", "/kpi/export.xlsx?plan={plan}", (None, A, A, A, F, F, F)),
    "kpi.template":          ("GET", "/kpi/template.xlsx", (None, A, A, A, A, A, A)),
    "kpi.import_figures":    ("GET", "/kpi/import", (None, A, A, F, F, F, F)),
    "admin.users":           ("GET", "/admin/users", (None, A, F, F, F, F, F)),
    "admin.toggle_active":   ("POST", "/admin/users/{user}/active", (None, A, F, F, F, F, F)),
    "admin.change_role":     ("POST", "/admin/users/{user}/role", (None, A, F, F, F, F, F)),
    "admin.reset_password":  ("POST", "/admin/users/{user}/password", (None, A, F, F, F, F, F)),
    "admin.reminder_rules":  ("GET", "/admin/reminders", (None, A, F, F, F, F, F)),
    "admin.emails":          ("GET", "/admin/emails", (None, A, A, F, F, F, F)),
    "admin.resend_email":    ("POST", "/admin/emails/{email}/resend", (None, A, F, F, F, F, F)),
    "api.get_assignment":    ("GET", "/api/v1/assignments/{assignment}", (None, A, A, A, A, A, A)),
    "api.set_status":        ("POST", "/api/v1/assignments/{assignment}/status", (None, F, F, F, A, A, F)),
    "api.unit_kpi":          ("GET", "/api/v1/units/CDA/kpi", (None, A, A, A, A, A, F)),
    "api.openapi":           ("GET", "/api/v1/openapi.json", (P, A, A, A, A, A, A)),
    "health.healthz":        ("GET", "/healthz", (P, A, A, A, A, A, A)),
    "api.list_plans":        ("GET", "/api/v1/plans", (None, A, A, A, A, A, A)),
    "api.get_plan":          ("GET", "/api/v1/plans/{plan}", (None, A, A, A, A, A, A)),
    "api.list_items":        ("GET", "/api/v1/items?plan={plan}", (None, A, A, A, A, A, A)),
    "api.get_item":          ("GET", "/api/v1/items/{item}", (None, A, A, A, A, A, A)),
    "api.list_assignments":  ("GET", "/api/v1/assignments?overdue=1&as_of=2023-11-15", (None, A, A, A, A, A, A)),
    "api.kpi":               ("GET", "/api/v1/kpi", (None, A, A, A, A, A, A)),
    "api.report_figures":    ("POST", "/api/v1/units/CDA/figures", (None, F, F, F, A, A, F)),
    "auth.account":          ("GET", "/account", (None, A, A, A, A, A, A)),
    "auth.login":            ("GET", "/login", (P, A, A, A, A, A, A)),
    "auth.forgot_password":  ("GET", "/password/forgot", (P, A, A, A, A, A, A)),
    "auth.reset_password":   ("GET", "/password/reset/{reset}", (P, A, A, A, A, A, A)),
    "auth.language":         ("POST", "/language", (P, A, A, A, A, A, A)),
    "auth.create_api_token": ("POST", "/account/tokens", (None, A, A, A, A, A, A)),
    "auth.revoke_api_token": ("POST", "/account/tokens/{token}/revoke", (None, A, A, A, A, A, A)),
    # issue 12: indicators as data
    "api.plan_indicators":   ("GET", "/api/v1/plans/{plan}/indicators", (None, A, A, A, A, A, A)),
    # Last: they end the session they run in.
    "auth.logout":           ("POST", "/logout", (None, A, A, A, A, A, A)),
    "auth.end_sessions":     ("POST", "/account/sessions/end", (None, A, A, A, A, A, A)),
}


def test_the_table_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(TABLE)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in TABLE:
            assert TABLE[rule.endpoint][0] in rule.methods, rule


@pytest.fixture
def ids(seeded):
    """The records the table's paths name: the seed plan, item I.2, Cục Điện ảnh's assignment of it,
    an evidence file of that assignment, and the CDA focal officer's account."""
    with seeded.app_context():
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2")
        assignment = db.session.scalar(select(Assignment).join(Unit).where(Unit.code == "CDA",
                                                                           Assignment.item_id == item.id))
        uploader = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        evidence = store_evidence(io.BytesIO(b"%PDF-1.4 test"), "qd.pdf", assignment=assignment, uploader=uploader,
                                  now=assignment.created_at, upload_dir=Path(seeded.config["UPLOAD_DIR"]),
                                  max_bytes=1 << 20)
        staff = db.session.scalar(select(User).where(User.email == "staff_cda@example.org"))
        from tracker.models import OutboxMessage

        message = OutboxMessage(unit_id=assignment.unit_id, kind="daily", reference_on=assignment.created_at.date(),
                                recipients=["a@example.org"], cc=[], subject="s", body_text="t", body_html="h",
                                entries=[], status="failed", attempts=1, next_attempt_at=assignment.created_at,
                                last_error="554", created_at=assignment.created_at)
        db.session.add(message)
        db.session.flush()
        from tracker.calendar_feed import new_calendar_token
        from tracker.password_resets import issue_link

        values = {"calendar": new_calendar_token(assignment.unit), "email": message.id, "plan": item.plan_id, "item": item.id, "assignment": assignment.id, "evidence": evidence.id,
                  "user": staff.id, "cda": assignment.unit_id,
                  # Another person's link: the staff account is disabled by an earlier row of the table.
                  "reset": issue_link(db.session.scalar(select(User).where(User.email == "head_vpc@example.org")),
                                      now=utcnow(), lifetime=timedelta(days=1))}
        db.session.commit()
    return values


def _sign_in(app, client, who):
    """Put the user's session in the client's cookie, as a successful sign-in does."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
        session_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def _own_token(app, who) -> int:
    """An API token of the user, so revoking "your own token" has one to revoke."""
    from tracker.api_tokens import create_token
    from tracker.clock import utcnow

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
        _plain, token = create_token(user, "kiểm thử", utcnow())
        db.session.commit()
        return token.id


def _version(app, assignment_id):
    with app.app_context():
        return db.session.get(Assignment, assignment_id).version


def _request(app, client, endpoint, path, ids):
    method = TABLE[endpoint][0]
    if method == "GET":
        return client.get(path)
    signed_in = client.get("/account").status_code == 200
    token = csrf_token(client, "/account" if signed_in else "/login")
    data = {"csrf_token": token}
    if endpoint == "items.update_status":
        data.update({f"a{ids['assignment']}-to_state": "in_progress", f"a{ids['assignment']}-comment": "Bắt đầu.",
                     f"a{ids['assignment']}-version": str(_version(app, ids["assignment"]))})
    elif endpoint == "items.comment":
        data["body"] = "Ý kiến."
    elif endpoint == "admin.change_role":
        data.update({f"u{ids['user']}-role": "unit_staff", f"u{ids['user']}-unit": str(ids["cda"])})
    elif endpoint == "auth.create_api_token":
        data["token-name"] = "Kiểm thử"
    elif endpoint == "auth.language":
        data["lang"] = "en"
    elif endpoint == "units.report_figures":
        data.update({"as_of": "2023-09-01", **{k: str(v) for k, v in COUNTS.items()}})
    elif endpoint == "api.report_figures":
        return client.post(path, json={"as_of": "2023-09-01", **COUNTS}, headers={"X-CSRFToken": token})
    elif endpoint == "api.set_status":
        return client.post(path, json={"status": "in_progress", "version": _version(app, ids["assignment"]),
                                        "comment": "API"}, headers={"X-CSRFToken": token})
    return client.post(path, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_table_says(seeded, ids, role):
    client = seeded.test_client()
    if role != "anonymous":
        _sign_in(seeded, client, role)
    ids = {**ids, "token": _own_token(seeded, "admin" if role == "anonymous" else role)}
    index = ROLES.index(role)
    for endpoint, (method, template, expected) in TABLE.items():
        path = template.format(**ids)
        response = _request(seeded, client, endpoint, path, ids)
        status = response.status_code
        response.close()
        where = f"{role} {method} {path} ({endpoint}) → {status}"
        outcome = expected[index]
        if outcome is None:  # anonymous on a protected route
            if path.startswith("/api/"):
                assert status == 401, where
            else:
                assert status == 302 and response.headers["Location"].startswith("/login"), where
        elif outcome == F:
            assert status == 403, where
        else:
            assert status in (200, 201, 302), where
            if status == 302:
                assert not response.headers["Location"].startswith("/login") or endpoint in (
                    "auth.logout", "auth.end_sessions"), where
