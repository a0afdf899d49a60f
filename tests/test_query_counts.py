"""Pages issue a bounded number of SQL statements: the count does not grow with the number of rows."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, Plan, Unit
from tracker.plan_import import import_document


def synthetic_plan(items: int, number: str) -> bytes:
    """A plan in the seed's text layout with `items` items led by Cục Điện ảnh (yearly ones among them),
    coordinated by the IT Centre."""
    rows = [
        "KẾ HOẠCH",
        "THỬ TẢI NĂM 2023",
        f"(Kèm theo Quyết định số {number} ngày 01 tháng 7 năm 2023)",
        "\tSTT",
        "\tNhiệm vụ",
        "\tĐơn vị chủ trì",
        "\tĐơn vị phối hợp",
        "\tDự kiến kết quả",
        "\tThời gian hoàn thành",
        "",
        "\tI",
        "\tNhiệm vụ thử",
        "",
    ]
    for n in range(1, items + 1):
        deadline = ("Tháng 8/2023", "Hàng năm", "Quý IV/2023", "Thường xuyên")[n % 4]
        rows += [
            f"\t{n}",
            f"\tNhiệm vụ số {n}",
            "- chi tiết",
            "\tCục Điện ảnh",
            "\tTrung tâm Công nghệ thông tin",
            "\tBáo cáo",
            f"\t{deadline}",
            "",
        ]
    return "\n".join(rows).encode()


@contextlib.contextmanager
def count_statements():
    counter = {"n": 0}

    def on_execute(*_args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)


def _give_history(app, changes: int) -> None:
    """Some history on every assignment, so pages that show it have rows to load."""
    from tracker.assignments import change_assignment
    from tracker.models import User
    from tracker.rules.lifecycle import Change

    with app.app_context():
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        for assignment in db.session.scalars(select(Assignment).join(Unit).where(Unit.code == "CDA")):
            for n in range(changes):
                change_assignment(
                    assignment,
                    Change("in_progress", comment=f"Tiến độ {n}"),
                    actor=head,
                    expected_version=assignment.version,
                    today=app_today(app),
                    now=utcnow(),
                )
        db.session.commit()


def _give_remarks(app, item_id: int, count: int) -> None:
    """Comments on the item and edits of the item itself, each by a person."""
    from tracker.models import ItemComment, ItemEvent, User

    with app.app_context():
        author = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        for n in range(count):
            db.session.add(ItemComment(item_id=item_id, author=author, at=utcnow(), body=f"Ý kiến {n}"))
            changes = [{"field": "deadline", "old": "Tháng 8/2023", "new": f"Tháng {n % 12 + 1}/2024"}]
            db.session.add(ItemEvent(item_id=item_id, actor=author, at=utcnow(), kind="changed", changes=changes))
        db.session.commit()


def app_today(app):
    from datetime import date

    return date.fromisoformat(app.config["TODAY"])


def statements_for(app, client, path: str) -> int:
    with app.app_context():
        with count_statements() as counter:
            response = client.get(path)
        assert response.status_code == 200, path
    return counter["n"]


# The unit, item and plan pages: at most 12 statements whatever the data's size (issue 7's target).
@pytest.mark.parametrize(
    "who, path, most",
    [
        ("head_cda", "/units/CDA", 12),
        ("viewer", "/plans/{plan}", 12),
        # The overdue list: its total from the letter's per-unit counts, then one joined SELECT for the page.
        ("monitor", "/monitoring", 10),
        ("monitor", "/monitoring?per_page=100", 10),
        ("monitor", "/monitoring?per_page=25&sort=due", 10),
        # Narrowed by a filter, or another class: the total is counted (one statement), the page one SELECT.
        ("monitor", "/monitoring?plan={plan}&sort=unit&per_page=100", 10),
        ("monitor", "/monitoring?class=not_started&per_page=100", 9),
        ("viewer", "/dashboard?plan={plan}", 12),
        ("monitor", "/dashboard/assignments?plan={plan}&class=not_done_in_time", 5),
    ],
)
def test_page_queries_do_not_grow_with_the_number_of_assignments(seeded, login_as, client, who, path, most):
    login_as(who)
    counts = []
    for size in (10, 200):
        with seeded.app_context():
            report = import_document(synthetic_plan(size, f"{size}/QĐ-THU"), "load.txt", now=utcnow())
            db.session.commit()
            plan_id = db.session.scalar(select(Plan.id).where(Plan.number == report.plan))
        _give_history(seeded, 1)
        counts.append(statements_for(seeded, client, path.format(plan=plan_id)))
    assert counts[0] == counts[1], f"{path}: {counts[0]} statements with 10 assignments, {counts[1]} with 200+"
    assert counts[1] <= most


def test_item_page_queries_do_not_grow_with_its_history(seeded, login_as, client):
    from tracker.models import ActionItem

    with seeded.app_context():
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2")
        item_id = item.id
    login_as("viewer")
    counts = []
    for changes in (1, 20):
        _give_history(seeded, changes)
        _give_remarks(seeded, item_id, changes)
        counts.append(statements_for(seeded, client, f"/items/{item_id}"))
    assert counts[0] == counts[1]
    # Sign-in, the item (section, plan), its units, assignments, their history (authors, files), comments,
    # its own edits, each with what it refers to joined to it.
    assert counts[1] <= 8, counts


def test_the_unit_page_queries_do_not_grow_with_the_number_of_kpi_reports(seeded, login_as, client):
    from datetime import date, timedelta

    from tracker.figures import record_figures
    from tracker.rules.kpi import Counts

    counts = Counts(
        procedures_total=12,
        full_online_eligible=6,
        full_online_provided=6,
        partial_online_accepting=6,
        procedures_with_dossiers=10,
        procedures_with_online_dossiers=8,
        dossiers_total=1458,
        dossiers_online=134,
    )
    login_as("head_cda")
    totals = []
    for reports in (1, 30):
        with seeded.app_context():
            unit = db.session.scalar(select(Unit).where(Unit.code == "CDA"))
            for n in range(reports):
                record_figures(
                    unit,
                    counts,
                    as_of=date(2023, 1, 1) + timedelta(days=n),
                    today=app_today(seeded),
                    now=utcnow(),
                    reporter=None,
                    source="cli",
                )
            db.session.commit()
        totals.append(statements_for(seeded, client, "/units/CDA"))
    assert totals[0] == totals[1] <= 12
