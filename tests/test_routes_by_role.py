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

COUNTS = {
    "procedures_total": 12,
    "full_online_eligible": 6,
    "full_online_provided": 6,
    "partial_online_accepting": 6,
    "procedures_with_dossiers": 10,
    "procedures_with_online_dossiers": 8,
    "dossiers_total": 1458,
    "dossiers_online": 134,
}
ROLES = ("anonymous", "admin", "monitor", "viewer", "head_cda", "staff_cda", "head_vpc")
A, F, P = "allowed", "forbidden", "public"
# endpoint: (method, path, expected for each role in ROLES order). Anonymous is always sent to sign in
# (401 for the API) unless the route is public.
TABLE = {
    "plans.home": ("GET", "/", (None, A, A, A, A, A, A)),
    "plans.index": ("GET", "/plans", (None, A, A, A, A, A, A)),
    "plans.show": ("GET", "/plans/{plan}", (None, A, A, A, A, A, A)),
    "plans.item_units": ("GET", "/plans/{plan}/items/{item}/units", (None, A, A, A, A, A, A)),
    "units.show": ("GET", "/units/CDA", (None, A, A, A, A, A, F)),
    "items.show": ("GET", "/items/{item}", (None, A, A, A, A, A, A)),
    "items.update_status": ("POST", "/assignments/{assignment}/status", (None, F, F, F, A, A, F)),
    "items.comment": ("POST", "/items/{item}/comments", (None, A, A, F, A, A, F)),
    "items.evidence": ("GET", "/evidence/{evidence}", (None, A, A, A, A, A, F)),
    "units.report_figures": ("POST", "/units/CDA/figures", (None, F, F, F, A, A, F)),
    "units.calendar": ("GET", "/units/CDA/calendar.ics?token={calendar}", (P, A, A, A, A, A, A)),
    "units.calendar_token": ("POST", "/units/CDA/calendar/token", (None, A, F, F, A, A, F)),
    "monitoring.urge_unit": ("POST", "/monitoring/urge/{assignment}", (None, A, A, F, F, F, F)),
    "reports.index": ("GET", "/reports", (None, A, A, A, F, F, F)),
    "reports.print_view": ("GET", "/reports/{plan}/print?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "reports.docx": ("GET", "/reports/{plan}.docx?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "reports.xlsx": ("GET", "/reports/{plan}.xlsx?start=2023-01-01&end=2023-06-30", (None, A, A, A, F, F, F)),
    "admin.units": ("GET", "/admin/units", (None, A, F, F, F, F, F)),
    "admin.edit_unit": ("GET", "/admin/units/{cda}", (None, A, F, F, F, F, F)),
    "admin.import_plan": ("GET", "/admin/import", (None, A, F, F, F, F, F)),
    "admin.confirm_import": ("POST", "/admin/import/confirm", (None, A, F, F, F, F, F)),
    "admin.import_preview": ("GET", "/admin/import/preview", (None, A, F, F, F, F, F)),
    "admin.cancel_import": ("POST", "/admin/import/cancel", (None, A, F, F, F, F, F)),
    "admin.import_create_units": ("POST", "/admin/import/units", (None, A, F, F, F, F, F)),
    "admin.deadlines": ("GET", "/admin/deadlines", (None, A, F, F, F, F, F)),
    "admin.unknown_unit_names": ("GET", "/admin/unknown-names", (None, A, F, F, F, F, F)),
    "monitoring.overdue": ("GET", "/monitoring", (None, A, A, A, F, F, F)),
    "monitoring.units": ("GET", "/monitoring/units", (None, A, A, A, F, F, F)),
    "monitoring.export": ("GET", "/monitoring/export.xlsx?class=overdue", (None, A, A, A, F, F, F)),
    # issue 17: the urging letter (công văn đôn đốc), to every unit with overdue items
    "monitoring.urging_letter": ("POST", "/monitoring/letter", (None, A, A, F, F, F, F)),
    "kpi.overview": ("GET", "/kpi", (None, A, A, A, F, F, F)),
    "kpi.export": ("GET", "/kpi/export.xlsx?plan={plan}", (None, A, A, A, F, F, F)),
    "kpi.template": ("GET", "/kpi/template.xlsx", (None, A, A, A, A, A, A)),
    "kpi.import_figures": ("GET", "/kpi/import", (None, A, A, F, F, F, F)),
    "admin.users": ("GET", "/admin/users", (None, A, F, F, F, F, F)),
    "admin.import_users": ("POST", "/admin/users/import", (None, A, F, F, F, F, F)),
    "admin.users_template": ("GET", "/admin/users/template.xlsx", (None, A, F, F, F, F, F)),
    "admin.toggle_active": ("POST", "/admin/users/{user}/active", (None, A, F, F, F, F, F)),
    "admin.change_role": ("POST", "/admin/users/{user}/role", (None, A, F, F, F, F, F)),
    "admin.reset_password": ("POST", "/admin/users/{user}/password", (None, A, F, F, F, F, F)),
    "admin.reminder_rules": ("GET", "/admin/reminders", (None, A, F, F, F, F, F)),
    "admin.emails": ("GET", "/admin/emails", (None, A, A, F, F, F, F)),
    "admin.resend_email": ("POST", "/admin/emails/{email}/resend", (None, A, F, F, F, F, F)),
    "api.get_assignment": ("GET", "/api/v1/assignments/{assignment}", (None, A, A, A, A, A, A)),
    "api.set_status": ("POST", "/api/v1/assignments/{assignment}/status", (None, F, F, F, A, A, F)),
    "api.unit_kpi": ("GET", "/api/v1/units/CDA/kpi", (None, A, A, A, A, A, F)),
    "api.openapi": ("GET", "/api/v1/openapi.json", (P, A, A, A, A, A, A)),
    "health.healthz": ("GET", "/healthz", (P, A, A, A, A, A, A)),
    "api.list_plans": ("GET", "/api/v1/plans", (None, A, A, A, A, A, A)),
    "api.get_plan": ("GET", "/api/v1/plans/{plan}", (None, A, A, A, A, A, A)),
    "api.list_items": ("GET", "/api/v1/items?plan={plan}", (None, A, A, A, A, A, A)),
    "api.get_item": ("GET", "/api/v1/items/{item}", (None, A, A, A, A, A, A)),
    "api.list_assignments": ("GET", "/api/v1/assignments?overdue=1&as_of=2023-11-15", (None, A, A, A, A, A, A)),
    "api.kpi": ("GET", "/api/v1/kpi", (None, A, A, A, A, A, A)),
    "api.report_figures": ("POST", "/api/v1/units/CDA/figures", (None, F, F, F, A, A, F)),
    "auth.account": ("GET", "/account", (None, A, A, A, A, A, A)),
    "auth.login": ("GET", "/login", (P, A, A, A, A, A, A)),
    "auth.forgot_password": ("GET", "/password/forgot", (P, A, A, A, A, A, A)),
    "auth.reset_password": ("GET", "/password/reset/{reset}", (P, A, A, A, A, A, A)),
    "auth.language": ("POST", "/language", (P, A, A, A, A, A, A)),
    "auth.create_api_token": ("POST", "/account/tokens", (None, A, A, A, A, A, A)),
    "auth.revoke_api_token": ("POST", "/account/tokens/{token}/revoke", (None, A, A, A, A, A, A)),
    # issue 12: plan editor
    "plan_editor.new_plan": ("GET", "/plans/new", (None, A, F, F, F, F, F)),
    "plan_editor.edit_plan": ("GET", "/plans/{plan}/edit", (None, A, F, F, F, F, F)),
    "plan_editor.sections": ("GET", "/plans/{plan}/sections", (None, A, F, F, F, F, F)),
    "plan_editor.move_plan_section": ("POST", "/plans/{plan}/sections/move", (None, A, F, F, F, F, F)),
    "plan_editor.new_item": ("GET", "/plans/{plan}/items/new", (None, A, F, F, F, F, F)),
    "plan_editor.edit_item_page": ("GET", "/items/{item}/edit", (None, A, F, F, F, F, F)),
    "plan_editor.move_plan_item": ("POST", "/items/{item}/move", (None, A, F, F, F, F, F)),
    "plan_editor.cancel_plan_item": ("GET", "/items/{item}/cancel", (None, A, F, F, F, F, F)),
    "plan_editor.restore_plan_item": ("POST", "/items/{item}/restore", (None, A, F, F, F, F, F)),
    "plan_editor.deadline_reading": (
        "GET",
        "/plans/{plan}/deadline-reading?text=Th%C3%A1ng%208",
        (None, A, F, F, F, F, F),
    ),
    # issue 12: units
    "admin.import_units": ("GET", "/admin/units/import", (None, A, F, F, F, F, F)),
    "admin.confirm_units_import": ("POST", "/admin/units/import/confirm", (None, A, F, F, F, F, F)),
    "admin.units_template": ("GET", "/admin/units/template.xlsx", (None, A, F, F, F, F, F)),
    # issue 12: plan indicators, groups and targets by hand (in this order: the admin's posts build on each other)
    "plan_kpi.indicators": ("GET", "/plans/{plan}/indicators", (None, A, A, A, F, F, F)),
    "plan_kpi.groups": ("GET", "/plans/{plan}/groups", (None, A, A, A, F, F, F)),
    "plan_kpi.targets": ("GET", "/plans/{plan}/targets?on=31/10/2023", (None, A, A, A, F, F, F)),
    "plan_kpi.edit_target": ("GET", "/plans/{plan}/targets/edit?holder=g1&indicator=1", (None, A, F, F, F, F, F)),
    "plan_kpi.set_scheme": ("POST", "/plans/{plan}/indicators/scheme", (None, A, F, F, F, F, F)),
    "plan_kpi.add_indicator_": ("POST", "/plans/{plan}/indicators", (None, A, F, F, F, F, F)),
    "plan_kpi.edit_indicator_": ("GET", "/plans/{plan}/indicators/4", (None, A, F, F, F, F, F)),
    "plan_kpi.remove_indicator_": ("POST", "/plans/{plan}/indicators/4/remove", (None, A, F, F, F, F, F)),
    "plan_kpi.add_group_": ("POST", "/plans/{plan}/groups", (None, A, F, F, F, F, F)),
    "plan_kpi.rename_group_": ("POST", "/plans/{plan}/groups/5/rename", (None, A, F, F, F, F, F)),
    "plan_kpi.add_members_": ("POST", "/plans/{plan}/groups/5/members", (None, A, F, F, F, F, F)),
    "plan_kpi.remove_member_": ("POST", "/plans/{plan}/groups/5/members/VPC/remove", (None, A, F, F, F, F, F)),
    "plan_kpi.delete_group_": ("POST", "/plans/{plan}/groups/5/remove", (None, A, F, F, F, F, F)),
    "plan_kpi.remove_target_": ("POST", "/plans/{plan}/targets/remove", (None, A, F, F, F, F, F)),
    # issue 12: reminders (before the two that end the session, which must stay last)
    "auth.reminder_choice": ("POST", "/account/reminders", (None, A, A, A, A, A, A)),
    # issue 12: versions
    "plan_versions.index": ("GET", "/plans/{plan}/versions", (None, A, A, A, F, F, F)),
    "plan_versions.show": ("GET", "/plans/{plan}/versions/1", (None, A, A, A, F, F, F)),
    "plan_versions.compare_versions": ("GET", "/plans/{plan}/versions/compare?from=1&to=1", (None, A, A, A, F, F, F)),
    "plan_versions.source": ("GET", "/plans/{plan}/versions/1/source", (None, A, A, F, F, F, F)),
    # issue 12: indicators as data
    "api.plan_indicators": ("GET", "/api/v1/plans/{plan}/indicators", (None, A, A, A, A, A, A)),
    # issue 17: the dashboard and the list behind its figures
    "dashboard.show": ("GET", "/dashboard?month=2023-08", (None, A, A, A, F, F, F)),
    "dashboard.assignments": (
        "GET",
        "/dashboard/assignments?plan={plan}&class=not_done_overdue",
        (None, A, A, A, F, F, F),
    ),
    # issue 17: the league table, its settings and monthly snapshots
    "league.show": ("GET", "/league?plan={plan}", (None, A, A, A, A, A, A)),
    "league.export": ("GET", "/league/export.xlsx?plan={plan}", (None, A, A, A, A, A, A)),
    "admin.score_settings": ("GET", "/admin/score", (None, A, F, F, F, F, F)),
    "api.league": ("GET", "/api/v1/league?plan={plan}", (None, A, A, A, A, A, A)),
    "api.list_snapshots": ("GET", "/api/v1/snapshots?plan={plan}", (None, A, A, A, A, A, A)),
    "api.get_snapshot": ("GET", "/api/v1/snapshots/{snapshot}", (None, A, A, A, A, A, A)),
    # issue 15: long imports run by a worker (each person sees the jobs they queued)
    "admin.import_job": ("GET", "/admin/import/jobs/{plan_job}", (None, A, F, F, F, F, F)),
    "admin.import_job_status": ("GET", "/admin/import/jobs/{plan_job}/status", (None, A, F, F, F, F, F)),
    "kpi.import_job": ("GET", "/kpi/import/jobs/{kpi_job}", (None, A, A, F, F, F, F)),
    "kpi.import_job_status": ("GET", "/kpi/import/jobs/{kpi_job}/status", (None, A, A, F, F, F, F)),
    # Last: they end the session they run in.
    "auth.end_one_session": ("POST", "/account/sessions/{sign_in}/end", (None, A, A, A, A, A, A)),
    "auth.logout": ("POST", "/logout", (None, A, A, A, A, A, A)),
    "auth.end_sessions": ("POST", "/account/sessions/end", (None, A, A, A, A, A, A)),
}

# What the plan KPI rows post (issue 12): the plan switches to its own indicators, gains and loses indicator (4),
# group 5 is made, filled, emptied and removed, and group 4's target for indicator (1) is removed.
PLAN_KPI_FORMS = {
    "plan_kpi.set_scheme": {"scheme-scheme": "plan"},
    "plan_kpi.add_indicator_": {
        "new-number": "4",
        "new-name": "Tỷ lệ thanh toán trực tuyến",
        "new-kind": "percent",
        "new-numerator_label": "Tỷ lệ thanh toán trực tuyến",
        "new-unit_of_measure": "%",
    },
    "plan_kpi.add_group_": {"new-name": "UBND cấp xã"},
    "plan_kpi.rename_group_": {"r5-name": "UBND xã, phường, thị trấn"},
    "plan_kpi.add_members_": {"g5-units": "VPC"},
    "plan_kpi.remove_target_": {"holder": "g4", "indicator": "1"},
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
        assignment = db.session.scalar(
            select(Assignment).join(Unit).where(Unit.code == "CDA", Assignment.item_id == item.id)
        )
        uploader = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        evidence = store_evidence(
            io.BytesIO(b"%PDF-1.4 test"),
            "qd.pdf",
            assignment=assignment,
            uploader=uploader,
            now=assignment.created_at,
            upload_dir=Path(seeded.config["UPLOAD_DIR"]),
            max_bytes=1 << 20,
        )
        staff = db.session.scalar(select(User).where(User.email == "staff_cda@example.org"))
        from tracker.models import OutboxMessage

        message = OutboxMessage(
            unit_id=assignment.unit_id,
            kind="daily",
            reference_on=assignment.created_at.date(),
            recipients=["a@example.org"],
            cc=[],
            subject="s",
            body_text="t",
            body_html="h",
            entries=[],
            status="failed",
            attempts=1,
            next_attempt_at=assignment.created_at,
            last_error="554",
            created_at=assignment.created_at,
        )
        db.session.add(message)
        db.session.flush()
        from tracker.calendar_feed import new_calendar_token
        from tracker.password_resets import issue_link
        from tracker.rules.kpi import Period
        from tracker.snapshots import take_snapshot

        values = {
            "calendar": new_calendar_token(assignment.unit),
            "email": message.id,
            "plan": item.plan_id,
            "item": item.id,
            "assignment": assignment.id,
            "evidence": evidence.id,
            "user": staff.id,
            "cda": assignment.unit_id,
            "snapshot": take_snapshot(Period(2023, 8), now=utcnow())[0],  # issue 17
            # Another person's link: the staff account is disabled by an earlier row of the table.
            "reset": issue_link(
                db.session.scalar(select(User).where(User.email == "head_vpc@example.org")),
                now=utcnow(),
                lifetime=timedelta(days=1),
            ),
        }
        db.session.commit()
    return values


def _sign_in(app, client, who):
    """Put the user's session in the client's cookie, as a successful sign-in does."""
    from tracker.accounts import start_session
    from tracker.clock import utcnow

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
        start_session(user, address="127.0.0.1", user_agent="", now=utcnow())
        session_id, sign_in_id = user.get_id(), user.sign_in_id
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return sign_in_id


def _own_token(app, who) -> int:
    """An API token of the user, so revoking "your own token" has one to revoke."""
    from tracker.api_tokens import create_token
    from tracker.clock import utcnow

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
        _plain, token = create_token(user, "kiểm thử", utcnow())
        db.session.commit()
        return token.id


def _own_job(app, who, kind) -> int:
    """A queued import job of the user's, for the job pages to show."""
    from tracker.jobs import enqueue

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == f"{who}@example.org"))
        job = enqueue(kind, user=user, token="0" * 32, suffix=".txt", filename="t.txt", params={}, now=utcnow())
        db.session.commit()
        return job.id


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
        data.update(
            {
                f"a{ids['assignment']}-to_state": "in_progress",
                f"a{ids['assignment']}-comment": "Bắt đầu.",
                f"a{ids['assignment']}-version": str(_version(app, ids["assignment"])),
            }
        )
    elif endpoint == "items.comment":
        data["body"] = "Ý kiến."
    elif endpoint == "monitoring.urging_letter":
        data["all"] = "1"
    elif endpoint == "admin.change_role":
        data.update({f"u{ids['user']}-role": "unit_staff", f"u{ids['user']}-unit": str(ids["cda"])})
    elif endpoint == "auth.create_api_token":
        data["token-name"] = "Kiểm thử"
    elif endpoint == "auth.language":
        data["lang"] = "en"
    elif endpoint == "units.report_figures":
        data.update({"as_of": "2023-09-01", **{k: str(v) for k, v in COUNTS.items()}})
    elif endpoint == "admin.import_users":
        data["file"] = (io.BytesIO("Thư điện tử;Vai trò\nmoi@example.gov.vn;Xem\n".encode()), "tai-khoan.csv")
    elif endpoint in PLAN_KPI_FORMS:
        data.update(PLAN_KPI_FORMS[endpoint])
    elif endpoint == "api.report_figures":
        return client.post(path, json={"as_of": "2023-09-01", **COUNTS}, headers={"X-CSRFToken": token})
    elif endpoint == "api.set_status":
        return client.post(
            path,
            json={"status": "in_progress", "version": _version(app, ids["assignment"]), "comment": "API"},
            headers={"X-CSRFToken": token},
        )
    return client.post(path, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_table_says(seeded, ids, role):
    client = seeded.test_client()
    sign_in = _sign_in(seeded, client, role) if role != "anonymous" else 0
    who = "admin" if role == "anonymous" else role
    ids = {
        **ids,
        "sign_in": sign_in,
        "token": _own_token(seeded, who),
        "plan_job": _own_job(seeded, who, "plan_preview"),
        "kpi_job": _own_job(seeded, who, "kpi_import"),
    }
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
                    "auth.logout",
                    "auth.end_sessions",
                    "auth.end_one_session",
                ), where
