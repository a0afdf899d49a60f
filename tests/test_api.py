"""The JSON API: personal tokens (no cookies, no CSRF; revoked or disabled → 401), the same permissions as the
pages, lists with filters and pages, errors as JSON in Vietnamese, the OpenAPI description, and a schemathesis
run that holds every answer to that description."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tracker.accounts import set_active
from tracker.api_tokens import revoke_token, token_hash
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import ActionItem, ApiToken, Assignment, Plan, User

from .conftest import assignment_of, csrf_token

PLAN_NUMBER = "1872/QĐ-BVHTTDL"
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


def make_token(runner, who: str, name: str = "thử nghiệm") -> str:
    """A token made the way an administrator would: `flask users token`, which prints only the token."""
    result = runner.invoke(args=["users", "token", "--email", f"{who}@example.org", "--name", name])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", result.stdout), result.stdout
    return result.stdout.strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def item_id(app, reference: str) -> int:
    with app.app_context():
        return next(i.id for i in db.session.scalars(select(ActionItem)) if i.reference == reference)


def plan_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Plan.id).where(Plan.number == PLAN_NUMBER))


# --- tokens ---------------------------------------------------------------------------------


def test_a_token_reads_and_writes_without_cookies_or_csrf(seeded, runner):
    token = make_token(runner, "head_cda")
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    client = seeded.test_client()
    read = client.get("/api/v1/plans", headers=bearer(token))
    assert read.status_code == 200 and read.get_json()["total"] == 1
    changed = client.post(
        f"/api/v1/assignments/{assignment}/status",
        headers=bearer(token),
        json={"status": "in_progress", "version": version, "comment": "Bắt đầu rà soát."},
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["status"], changed.get_json()["version"]) == ("in_progress", version + 1)
    figures = client.post("/api/v1/units/CDA/figures", headers=bearer(token), json={"as_of": "2023-09-01", **COUNTS})
    assert figures.status_code == 201, figures.get_json()
    # Nothing was put in a cookie: a token request never starts a session.
    assert "Set-Cookie" not in read.headers and "Set-Cookie" not in changed.headers
    assert client.get_cookie("session") is None
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert saved.status == "in_progress" and saved.events[-1].actor.email == "head_cda@example.org"
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
        assert row.last_used_at is not None and row.prefix == token[:8] and row.name == "thử nghiệm"
        assert token not in {row.token_hash, row.prefix}  # only the hash is kept


def test_a_token_opens_the_api_only_not_the_pages(seeded, runner):
    token = make_token(runner, "admin")
    client = seeded.test_client()
    page = client.get("/units/CDA", headers=bearer(token))
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_a_revoked_token_gets_401(seeded, runner):
    token = make_token(runner, "head_cda")
    client = seeded.test_client()
    assert client.get("/api/v1/plans", headers=bearer(token)).status_code == 200
    with seeded.app_context():
        revoke_token(db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token))), now=utcnow())
        db.session.commit()
    refused = client.get("/api/v1/plans", headers=bearer(token))
    assert refused.status_code == 401
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_token" and "thu hồi" in error["message"] and error["request_id"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_disabled_users_token_gets_401(seeded, runner):
    token = make_token(runner, "head_vpc")
    with seeded.app_context():
        user = db.session.scalar(select(User).where(User.email == "head_vpc@example.org"))
        set_active(user, False, now=utcnow())
        db.session.commit()
    refused = seeded.test_client().get("/api/v1/assignments", headers=bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    # Enabled again, the account does not bring its old tokens back to life.
    with seeded.app_context():
        set_active(db.session.scalar(select(User).where(User.email == "head_vpc@example.org")), True, now=utcnow())
        db.session.commit()
    still = seeded.test_client().get("/api/v1/assignments", headers=bearer(token))
    assert still.status_code == 401 and still.get_json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "Bearer not-a-token", "bearer  a b"])
def test_a_malformed_or_unknown_token_gets_401(seeded, header):
    refused = seeded.test_client().get("/api/v1/plans", headers={"Authorization": header})
    assert refused.status_code == 401 and refused.get_json()["error"]["message"]


def test_a_unit_token_changes_its_own_assignment_but_not_another_units(seeded, runner):
    token = make_token(runner, "head_cda")
    client = seeded.test_client()
    vpc, vpc_version = assignment_of(seeded, "I.1", "VPC")
    refused = client.post(
        f"/api/v1/assignments/{vpc}/status",
        headers=bearer(token),
        json={"status": "in_progress", "version": vpc_version, "comment": "thử"},
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert "không có quyền" in refused.get_json()["error"]["message"]
    own, own_version = assignment_of(seeded, "I.2", "CDA")
    accepted = client.post(
        f"/api/v1/assignments/{own}/status",
        headers=bearer(token),
        json={"status": "in_progress", "version": own_version, "comment": "Đang rà soát."},
    )
    assert accepted.status_code == 200
    assert (
        client.post(
            "/api/v1/units/VPC/figures", headers=bearer(token), json={"as_of": "2023-09-01", **COUNTS}
        ).status_code
        == 403
    )
    with seeded.app_context():
        assert db.session.get(Assignment, vpc).status == "not_started"
        assert db.session.get(Assignment, own).status == "in_progress"


def test_a_signed_in_session_still_needs_the_csrf_token_even_with_a_bearer_header(seeded, client, login_as):
    """The exemption is for requests whose user came from the token, never for a browser's cookie."""
    login_as("head_cda")
    own, version = assignment_of(seeded, "I.2", "CDA")
    refused = client.post(
        f"/api/v1/assignments/{own}/status",
        headers=bearer("made-up"),
        json={"status": "in_progress", "version": version, "comment": "x"},
    )
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"


def test_token_writes_keep_the_rules_and_their_errors(seeded, runner):
    token = make_token(runner, "staff_cda")
    client = seeded.test_client()
    own, version = assignment_of(seeded, "I.2", "CDA")
    url = f"/api/v1/assignments/{own}/status"
    refused = client.post(url, headers=bearer(token), json={"status": "done", "version": version})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_transition" and error["request_id"]
    assert {"completed_on", "document_number"} <= set(error["problems"])
    too_long = client.post(
        url, headers=bearer(token), json={"status": "in_progress", "version": version, "document_number": "x" * 121}
    )
    assert too_long.status_code == 400 and "document_number" in too_long.get_json()["error"]["message"]
    nul = client.post(
        url, headers=bearer(token), json={"status": "in_progress", "version": version, "comment": "a\x00"}
    )
    assert nul.status_code == 400
    flag = client.post(url, headers=bearer(token), json={"status": "in_progress", "version": True, "comment": "x"})
    assert flag.status_code == 400
    stale = client.post(
        url, headers=bearer(token), json={"status": "in_progress", "version": version + 5, "comment": "x"}
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"


# --- the token CLI and the account page -----------------------------------------------------


def test_the_cli_refuses_unknown_and_disabled_accounts(seeded, runner):
    unknown = runner.invoke(args=["users", "token", "--email", "nobody@example.org"])
    assert unknown.exit_code == 1 and unknown.stdout == "" and "không có tài khoản" in unknown.stderr
    with seeded.app_context():
        set_active(db.session.scalar(select(User).where(User.email == "viewer@example.org")), False, now=utcnow())
        db.session.commit()
    disabled = runner.invoke(args=["users", "token", "--email", "viewer@example.org"])
    assert disabled.exit_code == 1 and "đã bị khóa" in disabled.stderr
    with seeded.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None


def test_the_account_page_creates_a_token_shown_once_and_revokes_it(seeded, client, login_as):
    login_as("head_cda")
    page = client.get("/account").get_data(as_text=True)
    assert "Mã truy cập API" in page and "Bạn chưa có mã truy cập nào." in page
    # Without its CSRF token the form is refused.
    assert client.post("/account/tokens", data={"token-name": "Bảng tổng hợp"}).status_code == 400
    empty = client.post("/account/tokens", data={"token-name": "", "csrf_token": csrf_token(client, "/account")})
    assert empty.status_code == 422 and "Hãy đặt tên cho mã truy cập" in empty.get_data(as_text=True)
    created = client.post(
        "/account/tokens", data={"token-name": "Bảng tổng hợp", "csrf_token": csrf_token(client, "/account")}
    )
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    token = re.search(r'id="ma-moi" type="text" readonly value="([A-Za-z0-9_-]{43})"', html).group(1)
    assert "chỉ hiển thị một lần" in html
    api = seeded.test_client()
    assert api.get("/api/v1/assignments?unit=CDA", headers=bearer(token)).get_json()["total"] == 1
    # Shown once: the page lists the token by name and prefix, never the token again.
    again = client.get("/account").get_data(as_text=True)
    assert token not in again and f"{token[:8]}…" in again and "Bảng tổng hợp" in again
    assert "Dùng lần cuối" in again and "Chưa dùng" not in again
    with seeded.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    # Another person cannot revoke it.
    other = seeded.test_client()
    from .conftest import login

    login(other, "head_vpc")
    assert (
        other.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(other, "/account")}).status_code
        == 404
    )
    assert api.get("/api/v1/plans", headers=bearer(token)).status_code == 200
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/account")})
    assert revoked.status_code == 302 and revoked.headers["Location"].startswith("/account")
    after = client.get("/account").get_data(as_text=True)
    assert "Đã thu hồi mã truy cập “Bảng tổng hợp”" in after and "Đã thu hồi lúc" in after
    assert api.get("/api/v1/plans", headers=bearer(token)).status_code == 401


# --- lists, filters, pages ------------------------------------------------------------------


def test_overdue_as_of_a_date_lists_item_1_for_the_legal_department_and_the_11_of_item_2(seeded, runner):
    token = make_token(runner, "viewer")
    client = seeded.test_client()
    body = client.get("/api/v1/assignments?overdue=1&as_of=2023-11-15&per_page=200", headers=bearer(token)).get_json()
    rows = [(a["item"], a["unit_code"]) for a in body["items"]]
    assert rows[0] == ("I.1", "VPC")
    assert [item for item, _ in rows[1:]] == ["I.2"] * 11
    assert body["total"] == len(rows) == 12 and (body["page"], body["per_page"]) == (1, 200)
    assert all(a["overdue"] and a["days_left"] < 0 for a in body["items"])
    assert body["items"][0]["days_left"] == -76  # 31/08 → 15/11, judged on as_of, not on today
    # Today (15/09/2023) only I.1 is overdue; the other assignments are not.
    today = client.get("/api/v1/assignments?overdue=1", headers=bearer(token)).get_json()
    assert [(a["item"], a["unit_code"]) for a in today["items"]] == [("I.1", "VPC")] and today["total"] == 1
    not_overdue = client.get("/api/v1/assignments?overdue=0", headers=bearer(token)).get_json()
    assert not_overdue["total"] == 13


def test_pages_split_a_list_and_the_total_matches(seeded, runner):
    token = make_token(runner, "monitor")
    client = seeded.test_client()
    seen = []
    for page in (1, 2, 3):
        body = client.get(
            f"/api/v1/assignments?overdue=1&as_of=2023-11-15&per_page=5&page={page}", headers=bearer(token)
        ).get_json()
        assert (body["total"], body["page"], body["per_page"]) == (12, page, 5)
        seen += [a["id"] for a in body["items"]]
    assert len(seen) == len(set(seen)) == 12
    beyond = client.get("/api/v1/assignments?overdue=1&as_of=2023-11-15&per_page=5&page=4", headers=bearer(token))
    assert beyond.get_json() == {"items": [], "total": 12, "page": 4, "per_page": 5}
    everything = client.get("/api/v1/assignments", headers=bearer(token)).get_json()
    assert everything["total"] == 14 and everything["per_page"] == 50


@pytest.mark.parametrize(
    "query, expected",
    [
        ("unit=VPC", [("I.1", "VPC")]),
        ("unit=vpc", [("I.1", "VPC")]),
        ("unit=TTCNTT", [("I.3", "TTCNTT"), ("I.4", "TTCNTT")]),
        ("status=in_progress", [("I.2", "CDA")]),
        ("unit=CDA&status=not_started", []),
        (f"plan={PLAN_NUMBER}&unit=VPC", [("I.1", "VPC")]),
    ],
)
def test_assignments_filter_by_unit_status_and_plan(seeded, runner, query, expected):
    token = make_token(runner, "head_cda")
    client = seeded.test_client()
    own, version = assignment_of(seeded, "I.2", "CDA")
    assert (
        client.post(
            f"/api/v1/assignments/{own}/status",
            headers=bearer(token),
            json={"status": "in_progress", "version": version, "comment": "Bắt đầu."},
        ).status_code
        == 200
    )
    body = client.get(f"/api/v1/assignments?{query}", headers=bearer(token)).get_json()
    assert [(a["item"], a["unit_code"]) for a in body["items"]] == expected
    assert body["total"] == len(expected)


def test_a_plan_is_named_by_id_or_number_alike(seeded, runner):
    token = make_token(runner, "head_vpc")
    client = seeded.test_client()
    by_id = client.get(f"/api/v1/items?plan={plan_id(seeded)}", headers=bearer(token)).get_json()
    by_number = client.get(f"/api/v1/items?plan={PLAN_NUMBER}", headers=bearer(token)).get_json()
    assert by_id == by_number and by_id["total"] == 4
    assert [i["reference"] for i in by_id["items"]] == ["I.1", "I.2", "I.3", "I.4"]
    section = client.get("/api/v1/items?section=I&per_page=2&page=2", headers=bearer(token)).get_json()
    assert [i["reference"] for i in section["items"]] == ["I.3", "I.4"] and section["total"] == 4


def test_an_item_in_full_names_its_units_its_deadline_and_its_assignments(seeded, runner):
    token = make_token(runner, "head_vpc")
    body = seeded.test_client().get(f"/api/v1/items/{item_id(seeded, 'I.2')}", headers=bearer(token)).get_json()
    assert body["reference"] == "I.2" and body["plan"]["number"] == PLAN_NUMBER
    assert body["deadline"] == {
        "text": "Tháng 10/2023",
        "due": "2023-10-31",
        "recurrence": None,
        "ongoing": False,
        "parsed": True,
        "set_by_hand": False,
    }
    (lead,) = body["lead"]
    assert lead["kind"] == "collective" and lead["name"] == "Các cơ quan được giao giải quyết TTHC"
    assert len(lead["units"]) == 11 and {"code": "CDA", "name": "Cục Điện ảnh"} in lead["units"]
    assert [c["name"] for c in body["coordinating"]] == ["Trung tâm Công nghệ thông tin"]
    assert len(body["assignments"]) == body["assignment_count"] == 11
    assert {a["days_left"] for a in body["assignments"]} == {46}
    assert body["status"] == "not_started" and body["status_label"] == "Chưa triển khai"


def test_a_plan_has_its_sections_item_summaries_and_counts(seeded, runner):
    token = make_token(runner, "staff_cda")
    client = seeded.test_client()
    listed = client.get("/api/v1/plans", headers=bearer(token)).get_json()
    assert [(p["number"], p["item_count"], p["assignment_count"]) for p in listed["items"]] == [(PLAN_NUMBER, 4, 14)]
    body = client.get(f"/api/v1/plans/{plan_id(seeded)}", headers=bearer(token)).get_json()
    assert body["assignments_by_status"] == {"not_started": 14, "in_progress": 0, "blocked": 0, "done": 0, "overdue": 1}
    first = body["sections"][0]
    assert first["number"] == "I" and [i["reference"] for i in first["items"]] == ["I.1", "I.2", "I.3", "I.4"]
    assert first["items"][0]["status"] == "overdue" and "assignments" not in first["items"][0]
    assert client.get("/api/v1/plans/999999", headers=bearer(token)).status_code == 404


def test_every_role_reads_every_units_kpi_standing_but_a_units_own_endpoint_stays_its_own(seeded, runner):
    cda = make_token(runner, "head_cda")
    client = seeded.test_client()
    assert (
        client.post(
            "/api/v1/units/CDA/figures", headers=bearer(cda), json={"as_of": "2023-09-01", **COUNTS}
        ).status_code
        == 201
    )
    vpc = make_token(runner, "head_vpc")
    body = client.get(f"/api/v1/kpi?plan={PLAN_NUMBER}&per_page=200", headers=bearer(vpc)).get_json()
    standing = {s["unit_code"]: s for s in body["items"]}
    assert body["total"] == len(body["items"]) and "CDA" in standing and "VPC" not in standing
    assert standing["CDA"]["as_of"] == "2023-09-01"
    assert [i["percent"] for i in standing["CDA"]["indicators"]] == [100.0, 80.0, 9.2]
    earlier = client.get("/api/v1/kpi?as_of=2023-08-31&per_page=200", headers=bearer(vpc)).get_json()
    assert {s["unit_code"]: s["as_of"] for s in earlier["items"]}["CDA"] is None
    assert client.get("/api/v1/units/CDA/kpi", headers=bearer(vpc)).status_code == 403


@pytest.mark.parametrize(
    "path, words",
    [
        ("/api/v1/assignments?per_page=0", "“per_page” phải là số nguyên từ 1 đến 200"),
        ("/api/v1/assignments?per_page=201", "“per_page” phải là số nguyên từ 1 đến 200"),
        ("/api/v1/plans?page=abc", "“page” phải là số nguyên"),
        ("/api/v1/items?page=-1", "“page” phải là số nguyên"),
        ("/api/v1/assignments?as_of=15/11/2023", "“as_of” phải là ngày dạng YYYY-MM-DD"),
        ("/api/v1/assignments?as_of=2023-02-30", "“as_of” phải là ngày dạng YYYY-MM-DD"),
        ("/api/v1/assignments?overdue=yes", "chỉ nhận 1 hoặc 0"),
        ("/api/v1/assignments?status=finished", "“status” phải là một trong"),
        ("/api/v1/assignments?unit=XYZ", "Không có đơn vị mã “XYZ”"),
        ("/api/v1/assignments?unit=V%00PC", "chứa ký tự không hợp lệ"),
        ("/api/v1/items?plan=9999/QĐ-XYZ", "Không có kế hoạch “9999/QĐ-XYZ”"),
        ("/api/v1/items?section=IX", "Không có mục “IX”"),
        ("/api/v1/kpi?as_of=yesterday", "“as_of” phải là ngày dạng YYYY-MM-DD"),
        ("/api/v1/kpi?plan=99999999999999999999", "Không có kế hoạch"),
    ],
)
def test_bad_query_parameters_get_400_in_vietnamese(seeded, runner, path, words):
    token = make_token(runner, "monitor")
    response = seeded.test_client().get(path, headers=bearer(token))
    assert response.status_code == 400 and response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "invalid_query" and words in error["message"] and error["request_id"]


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/v1/items/2147483648", 404),
        ("get", "/api/v1/items/99999999999999999999999", 404),
        ("get", "/api/v1/assignments/0", 404),
        ("get", "/api/v1/no-such-thing", 404),
        ("delete", "/api/v1/plans", 405),
        ("get", "/api/v1/units/NOPE/kpi", 404),
    ],
)
def test_other_errors_are_json_with_a_request_id(seeded, runner, method, path, status):
    token = make_token(runner, "admin")
    response = getattr(seeded.test_client(), method)(path, headers=bearer(token))
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["message"] and error["request_id"] == response.headers["X-Request-Id"]


def test_a_body_that_cannot_be_used_gets_400_naming_the_first_field_at_fault(seeded, runner):
    """The schemas read the bodies; each refusal is the one Vietnamese message the API always gave, with its code."""
    token = make_token(runner, "head_cda")
    client = seeded.test_client()
    own, version = assignment_of(seeded, "I.2", "CDA")
    url = f"/api/v1/assignments/{own}/status"

    def refusal(path: str, **kwargs) -> tuple[int, str, str]:
        response = client.post(path, headers=bearer(token), **kwargs)
        error = response.get_json()["error"]
        return response.status_code, error["code"], error["message"]

    need = "Cần “status” (một trong not_started, in_progress, blocked, done) và “version” (số nguyên)."
    assert refusal(url, data="không phải JSON") == (400, "invalid_json", "Nội dung yêu cầu phải là một đối tượng JSON.")
    assert refusal(url, json=[1, 2]) == (400, "invalid_json", "Nội dung yêu cầu phải là một đối tượng JSON.")
    assert refusal(url, json={"version": version}) == (400, "invalid_request", need)
    assert refusal(url, json={"status": "in_progress", "version": 1.0}) == (400, "invalid_request", need)
    # The status and the version first, then the texts, then the dates.
    assert refusal(url, json={"status": "x", "version": version, "comment": 5}) == (400, "invalid_request", need)
    assert refusal(url, json={"status": "in_progress", "version": version, "comment": 5, "completed_on": "x"}) == (
        400,
        "invalid_request",
        "“comment” phải là một chuỗi văn bản dài tối đa 5000 ký tự.",
    )
    assert refusal(url, json={"status": "in_progress", "version": version, "document_date": "31/08/2023"}) == (
        400,
        "invalid_date",
        "“document_date” phải là ngày dạng YYYY-MM-DD.",
    )
    # No such assignment, or another unit's figures: said before anything about the body.
    assert refusal("/api/v1/assignments/999999/status", data="x")[0] == 404
    assert refusal("/api/v1/units/VPC/figures", data="x") == (
        403,
        "forbidden",
        "Bạn chỉ báo cáo được số liệu của đơn vị mình.",
    )
    figures = "/api/v1/units/CDA/figures"
    assert refusal(figures, json={}) == (400, "invalid_date", "“as_of” phải là ngày dạng YYYY-MM-DD.")
    assert refusal(figures, json={"as_of": "2023-09-01", "plan": True}) == (
        400,
        "invalid_plan",
        "“plan” phải là mã số (id) của một kế hoạch.",
    )
    assert refusal(figures, json={"as_of": "2023-09-01", "plan": 987654})[0] == 404
    # Null texts are empty and other keys are ignored, as they always were.
    saved = client.post(
        url,
        headers=bearer(token),
        json={"status": "in_progress", "version": version, "comment": "Bắt đầu.", "reason": None, "other": 1},
    )
    assert saved.status_code == 200 and saved.get_json()["status"] == "in_progress"


def test_query_parameters_are_stripped_and_bad_text_is_refused_in_the_order_of_the_parameters(seeded, runner):
    token = make_token(runner, "monitor")
    client = seeded.test_client()
    blank = client.get("/api/v1/assignments?page=%20&per_page=&unit=%20VPC%20", headers=bearer(token)).get_json()
    assert (blank["page"], blank["per_page"], blank["total"]) == (1, 50, 1)
    first = client.get("/api/v1/assignments?unit=V%00PC&page=abc", headers=bearer(token)).get_json()["error"]
    assert first["message"] == "Tham số “page” phải là số nguyên từ 1 đến 100000."
    nul = client.get("/api/v1/plans?per_page=1%00", headers=bearer(token)).get_json()["error"]
    assert nul["message"] == "Tham số “per_page” chứa ký tự không hợp lệ."


# --- the OpenAPI description ----------------------------------------------------------------


def test_the_openapi_description_is_public_and_covers_every_api_route(seeded):
    response = seeded.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.0")
    from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

    assert [error.message for error in OPENAPI_30_VALIDATOR.iter_errors(document)] == []  # a valid OpenAPI 3.0 document
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token.",
    }
    routes = set()
    for rule in seeded.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert described == routes


def test_the_openapi_description_is_made_from_the_schemas_and_printed_by_the_cli(seeded, runner):
    """One declaration per request and response: the document names the schemas the views read and write."""
    document = seeded.test_client().get("/api/v1/openapi.json").get_json()
    assert document["info"]["title"] == "Plan Tracker API" and document["security"] == [{"bearerAuth": []}]
    change = document["paths"]["/api/v1/assignments/{assignment_id}/status"]["post"]
    assert change["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StatusChange"
    }
    assert document["components"]["schemas"]["StatusChange"]["properties"]["document_number"]["maxLength"] == 120
    assert change["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Assignment"
    }
    assert document["components"]["responses"]["BAD_REQUEST"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    printed = runner.invoke(args=["openapi", "print"])
    assert printed.exit_code == 0 and json.loads(printed.output) == document


# --- schemathesis ---------------------------------------------------------------------------


def august_snapshot(app) -> int:
    """The seed plan's August 2023 frozen (issue 17), for the snapshot operation to meet a real one."""
    from tracker.rules.kpi import Period
    from tracker.snapshots import take_snapshot

    with app.app_context():
        (snapshot_id,) = take_snapshot(Period(2023, 8), now=utcnow())
        db.session.commit()
        return snapshot_id


def test_every_answer_of_the_api_matches_its_openapi_description(seeded, runner):
    """Generated requests to every operation (GETs, status changes, figures) as a unit head with a token:
    no 5xx, every status, content type and body as the description says, and no operation open without the token."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        ignored_auth,
        response_schema_conformance,
        status_code_conformance,
    )

    token = make_token(runner, "head_cda")
    own, _ = assignment_of(seeded, "I.2", "CDA")
    real = {"assignment_id": own, "item_id": item_id(seeded, "I.2"), "plan_id": plan_id(seeded), "code": "CDA"}
    real["snapshot_id"] = august_snapshot(seeded)  # issue 17
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", seeded)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        ignored_auth,
    ]
    # Bounded and repeatable: few examples, a fixed derivation of each example, no deadline on a slow machine.
    bounded = settings(
        max_examples=12,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    described = {f"{method.upper()} {path}" for path, ops in schema.raw_schema["paths"].items() for method in ops}
    # Every operation but the description's own path, which schemathesis leaves out.
    assert {o.label for o in operations} == described - {"GET /api/v1/openapi.json"}

    def current_version() -> int:
        with seeded.app_context():
            return db.session.get(Assignment, own).version

    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        strategies = [operation.as_strategy()]
        if names:  # also on records that exist, or nearly every request would only meet a 404
            strategies.append(operation.as_strategy(path_parameters={n: real[n] for n in names}))
        if operation.label == "POST /api/v1/units/{code}/figures":  # and once with counts that agree
            strategies.append(
                operation.as_strategy(path_parameters={"code": "CDA"}, body={"as_of": "2023-09-01", **COUNTS})
            )
        for strategy in strategies:

            @bounded
            @given(case=strategy)
            def call(case):
                if (
                    case.path_parameters
                    and case.path_parameters.get("assignment_id") == own
                    and isinstance(case.body, dict)
                ):
                    # The version read just before, so the change itself is judged, not only a 409.
                    case.body["version"] = current_version()
                case.call_and_validate(headers=bearer(token), checks=checks)

            call()


# --- cost -----------------------------------------------------------------------------------


def test_lists_issue_the_same_number_of_statements_for_any_number_of_rows(seeded, runner):
    from tracker.plan_import import import_document

    from .test_query_counts import count_statements, synthetic_plan

    seeded.config["PAGE_CACHE_MB"] = 0  # each list worked out again: a kept answer costs one (test_page_cache.py)
    token = make_token(runner, "monitor")
    client = seeded.test_client()
    # The token's first use is noted (a write); the requests counted below come within the same minutes and
    # write nothing, whichever list they ask for.
    assert client.get("/api/v1/plans", headers=bearer(token)).status_code == 200
    paths = [
        "/api/v1/plans",
        "/api/v1/plans/{plan}",
        "/api/v1/items?per_page=200",
        "/api/v1/items/{item}",
        "/api/v1/assignments?per_page=200&overdue=0",
        "/api/v1/kpi?per_page=200",
    ]

    def statements(plan: int, item: int) -> list[int]:
        counts = []
        for path in paths:
            with seeded.app_context(), count_statements() as counter:
                response = client.get(path.format(plan=plan, item=item), headers=bearer(token))
                assert response.status_code == 200, path
            counts.append(counter["n"])
        return counts

    small = statements(plan_id(seeded), item_id(seeded, "I.1"))
    with seeded.app_context():
        import_document(synthetic_plan(60, "60/QĐ-THU"), "thu.txt", now=utcnow())
        db.session.commit()
        big_plan = db.session.scalar(select(Plan.id).where(Plan.number == "60/QĐ-THU"))
        big_item = db.session.scalar(select(ActionItem.id).where(ActionItem.plan_id == big_plan, ActionItem.stt == "3"))
    assert statements(big_plan, big_item) == small
