"""`/api/v1/assignments?status=open`: every active assignment that is not done, counted and paged by the
database, declared in the OpenAPI description; an unknown status is still a 400 naming the choices."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Assignment

from .conftest import assignment_of
from .test_api import bearer, make_token


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        active = db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.is_active))
        done = db.session.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.is_active, Assignment.status == "done")
        )
        return active or 0, done or 0


def _finish(app, reference: str, unit: str) -> None:
    assignment_id, _version = assignment_of(app, reference, unit)
    with app.app_context():
        db.session.get(Assignment, assignment_id).status = "done"
        db.session.commit()


def test_open_lists_every_state_but_done(seeded, runner):
    _finish(seeded, "I.1", "VPC")
    active, done = _counts(seeded)
    assert done == 1 and active > done
    token = make_token(runner, "monitor")
    client = seeded.test_client()
    body = client.get("/api/v1/assignments?status=open&per_page=100", headers=bearer(token)).get_json()
    assert body["total"] == active - done == len(body["items"])
    assert {a["status"] for a in body["items"]} <= {"not_started", "in_progress", "blocked"}
    assert ("I.1", "VPC") not in {(a["item"], a["unit_code"]) for a in body["items"]}
    everything = client.get("/api/v1/assignments?per_page=100", headers=bearer(token)).get_json()
    assert everything["total"] == active
    just_done = client.get("/api/v1/assignments?status=done", headers=bearer(token)).get_json()
    assert [(a["item"], a["unit_code"]) for a in just_done["items"]] == [("I.1", "VPC")]


def test_open_pages_and_combines_with_the_other_filters(seeded, runner):
    token = make_token(runner, "monitor")
    client = seeded.test_client()
    seen = []
    total = None
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/assignments?status=open&per_page=5&page={page}", headers=bearer(token)).get_json()
        total = body["total"]
        seen += [a["id"] for a in body["items"]]
    assert len(seen) == len(set(seen)) == total
    late = client.get("/api/v1/assignments?status=open&overdue=1&as_of=2023-11-15", headers=bearer(token))
    assert late.status_code == 200
    assert late.get_json()["total"] == 12  # every overdue assignment is open
    mine = client.get("/api/v1/assignments?status=open&unit=VPC", headers=bearer(token)).get_json()
    assert [a["unit_code"] for a in mine["items"]] == ["VPC"]


def test_a_bad_status_is_a_400_naming_open_among_the_choices(seeded, runner):
    token = make_token(runner, "monitor")
    response = seeded.test_client().get("/api/v1/assignments?status=opened", headers=bearer(token))
    assert response.status_code == 400 and response.is_json
    error = response.get_json()["error"]
    message = error["message"]
    assert (
        error["code"] == "invalid_query"
        and "“status” phải là một trong" in message
        and "open" in message
        and "done" in message
    )


def test_the_openapi_description_declares_open(seeded):
    document = seeded.test_client().get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/assignments"]["get"]["parameters"]
    status = next(p for p in parameters if p["name"] == "status")
    assert status["schema"]["enum"] == ["not_started", "in_progress", "blocked", "done", "open"]
    assert "open" in status["description"] and "done" in status["description"]


def test_the_open_list_takes_the_same_statements_whatever_its_size(seeded, runner):
    """The token and its user, the count, the page's ids, the page's rows: five, at 14 assignments or 214."""
    from tracker.clock import utcnow
    from tracker.plan_import import import_document

    from .test_query_counts import count_statements, synthetic_plan

    token = make_token(runner, "monitor")
    client = seeded.test_client()
    client.get("/api/v1/assignments?per_page=1", headers=bearer(token))  # the token's first use is noted once
    counts = []
    for size in (0, 200):
        if size:
            with seeded.app_context():
                import_document(synthetic_plan(size, f"{size}/QĐ-THU"), "load.txt", now=utcnow())
                db.session.commit()
        with seeded.app_context(), count_statements() as counter:
            body = client.get("/api/v1/assignments?status=open&per_page=100", headers=bearer(token)).get_json()
        assert len(body["items"]) == min(body["total"], 100)
        counts.append(counter["n"])
    assert counts[0] == counts[1] <= 6
