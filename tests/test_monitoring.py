"""The IT Centre's desk: everything overdue across units, filters and sorting, the units × class
matrix that matches the list, units missing figures, and urging a unit (đôn đốc)."""

from __future__ import annotations

import email
import re
from datetime import date
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, ItemComment, OutboxMessage, Unit

from .conftest import csrf_token


@pytest.fixture
def today():
    return "2023-11-15"


def rows(page: str) -> list[str]:
    table = page[page.index('id="monitoring-list"') : page.index("</table>", page.index('id="monitoring-list"'))]
    body = table[table.index("<tbody>") :]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_everything_overdue_on_15_november_is_listed(seeded, login_as, client):
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    listed = rows(page)
    assert len(listed) == 1 + 11  # item 1 (Vụ Pháp chế) and the 11 assignments of item 2
    assert "Quá hạn: 12" in page
    assert (
        "Vụ Pháp chế" in listed[0] and "I.1" in listed[0] and "<strong>76</strong>" in listed[0]
    )  # most overdue first
    assert all("I.2" in row and "<strong>15</strong>" in row for row in listed[1:])


def test_a_done_assignment_is_no_longer_overdue_and_the_matrix_matches_the_list(seeded, login_as, client):
    with seeded.app_context():
        cda = db.session.scalar(select(Assignment).join(Unit).where(Unit.code == "CDA"))
        cda.status, cda.completed_on = "done", cda.due_on.replace(day=30)
        db.session.commit()
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    assert len(rows(page)) == 11
    units_page = client.get("/monitoring/units").get_data(as_text=True)
    matrix = units_page[units_page.index('id="matrix"') :]
    overdue_total = sum(int(n) for n in re.findall(r'aria-label="(\d+) phân công “Quá hạn”', matrix))
    assert overdue_total == 11
    assert "phân công “Hoàn thành đúng hạn” của Cục Điện ảnh" in matrix


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?unit=VPC", 1),
        ("?unit=CDA", 1),
        ("?min_days=30", 1),
        ("?section=I", 12),
        ("?section=II", 0),
        ("?class=not_started&unit=TTCNTT", 2),
        ("?sort=unit", 12),
        ("?unit=pháp chế", 1),  # a piece of the name, in any case and tone placement
        ("?unit=cục điện ảnh", 1),
    ],
)
def test_the_list_filters(seeded, login_as, client, query, expected):
    login_as("monitor")
    page = client.get("/monitoring" + query).get_data(as_text=True)
    assert (len(rows(page)) if 'id="monitoring-list"' in page else 0) == expected


def test_a_group_filter_lists_that_groups_units_only(seeded, login_as, client):
    from tracker.models import UnitGroup

    with seeded.app_context():
        group3 = db.session.scalar(select(UnitGroup.id).where(UnitGroup.number == 3))
    login_as("monitor")
    page = client.get(f"/monitoring?group={group3}").get_data(as_text=True)
    assert len(rows(page)) == 4


def _group_options(page: str) -> list[str]:
    select_ = page[page.index('id="f-group"') : page.index("</select>", page.index('id="f-group"'))]
    return re.findall(r'<option value="(\d+)"', select_)


def test_a_directory_with_hundreds_of_groups_lists_the_chosen_plans_groups(seeded, login_as, client):
    """Past GROUP_LIST_LIMIT groups the group filter does not list them all: it asks for the plan first, then
    lists that plan's groups; a group already chosen stays chosen and filters the list."""
    from tracker.models import Plan, UnitGroup
    from tracker.views.monitoring import GROUP_LIST_LIMIT

    with seeded.app_context():
        plan = db.session.scalar(select(Plan))
        assert plan is not None
        group3 = db.session.scalar(select(UnitGroup.id).where(UnitGroup.plan_id == plan.id, UnitGroup.number == 3))
        own = set(db.session.scalars(select(UnitGroup.id).where(UnitGroup.plan_id == plan.id)))
        other = Plan(number="99/KH-UBND", title="Kế hoạch khác", year=2024)
        db.session.add(other)
        db.session.flush()
        db.session.add_all(
            UnitGroup(plan_id=other.id, number=n, name=f"Nhóm {n}") for n in range(1, GROUP_LIST_LIMIT + 1)
        )
        db.session.commit()
        plan_id = plan.id
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    assert _group_options(page) == [] and "Chọn kế hoạch rồi bấm" in page
    page = client.get(f"/monitoring?plan={plan_id}").get_data(as_text=True)
    assert set(map(int, _group_options(page))) == own and "Chọn kế hoạch rồi bấm" not in page
    page = client.get(f"/monitoring?group={group3}").get_data(as_text=True)
    assert _group_options(page) == [str(group3)] and f'<option value="{group3}" selected>' in page
    assert len(rows(page)) == 4


@pytest.mark.parametrize("query", ["?class=lost", "?sort=random", "?min_days=abc", "?page=x"])
def test_malformed_filters_get_a_clear_400(seeded, login_as, client, query):
    login_as("monitor")
    response = client.get("/monitoring" + query)
    assert response.status_code == 400


def test_units_missing_figures_are_listed(seeded, login_as, client):
    login_as("viewer")
    page = client.get("/monitoring/units").get_data(as_text=True)
    section = page[page.index('id="thieu-so-lieu"') :]
    assert section.count("chưa báo cáo số liệu tháng 10/2023") == 11


def test_the_it_centre_urges_a_unit_by_email_now_and_it_is_on_the_items_history(seeded, login_as, client):
    with seeded.app_context():
        vpc = db.session.scalar(select(Assignment).join(Unit).where(Unit.code == "VPC"))
        assignment_id, item_id = vpc.id, vpc.item_id
    login_as("monitor")
    token = csrf_token(client, "/monitoring")
    response = client.post(
        f"/monitoring/urge/{assignment_id}", data={"csrf_token": token, "text": "Đề nghị hoàn thành trong tuần này."}
    )
    assert response.status_code == 302
    assert "Đã gửi thư đôn đốc Vụ Pháp chế về nhiệm vụ I.1." in client.get("/monitoring").get_data(as_text=True)
    with seeded.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert (message.kind, message.status) == ("daily", "sent")  # the unit's one email of the day
        comment = db.session.scalar(select(ItemComment).where(ItemComment.item_id == item_id))
        assert comment.body == "Đôn đốc Vụ Pháp chế qua thư điện tử: Đề nghị hoàn thành trong tuần này."
    [eml] = Path(seeded.config["OUTBOX_DIR"]).glob("*.eml")
    sent = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert sent["Subject"] == "[Theo dõi kế hoạch] Đôn đốc thực hiện nhiệm vụ I.1 — Vụ Pháp chế"
    assert "quá hạn 76 ngày" in sent.get_body(preferencelist=("plain",)).get_content()
    # A second urge the same day is refused: one email per unit per day.
    again = client.post(
        f"/monitoring/urge/{assignment_id}", data={"csrf_token": token, "text": "x"}, follow_redirects=True
    )
    assert "đã được đôn đốc hôm nay" in again.get_data(as_text=True)


def test_unit_heads_and_leadership_cannot_urge(seeded, login_as, client):
    with seeded.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).join(Unit).where(Unit.code == "VPC"))
    login_as("viewer")
    response = client.post(f"/monitoring/urge/{assignment_id}", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 403


def test_with_many_units_the_unit_filter_is_a_text_box_and_the_matrix_comes_a_page_at_a_time(seeded, login_as, client):
    from tracker.rules.names import fold_name
    from tracker.views.monitoring import PER_PAGE, UNIT_LIST_LIMIT

    with seeded.app_context():
        item = db.session.scalar(select(Assignment)).item_id
        for n in range(UNIT_LIST_LIMIT):
            name = f"UBND xã Thử Nghiệm {n}"
            unit = Unit(code=f"XA{n}", name=name, folded_name=fold_name(name))
            db.session.add(unit)
            db.session.flush()
            db.session.add(Assignment(item_id=item, unit_id=unit.id, due_on=None, created_at=utcnow()))
        db.session.commit()
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    assert '<input id="f-unit" name="unit" type="search"' in page and "UBND xã Thử Nghiệm 7" not in page
    first = client.get("/monitoring/units").get_data(as_text=True)
    assert first.count('<tr><th scope="row">') == PER_PAGE
    assert first.index("Vụ Pháp chế") < first.index("UBND xã Thử Nghiệm")  # the overdue units first
    assert f"{UNIT_LIST_LIMIT + 13} đơn vị" in first and "Trang sau" in first
    last = client.get(f"/monitoring/units?page={(UNIT_LIST_LIMIT + 13) // PER_PAGE + 1}").get_data(as_text=True)
    assert last.count('<tr><th scope="row">') == (UNIT_LIST_LIMIT + 13) % PER_PAGE


def test_the_list_exports_to_xlsx_as_filtered_every_row_not_one_page(seeded, login_as, client):
    from io import BytesIO

    from openpyxl import load_workbook

    from tracker.views.monitoring import PER_PAGE

    with seeded.app_context():
        item = db.session.scalar(select(Assignment)).item
        plan_id = item.plan_id
        for n in range(PER_PAGE):
            name = f"UBND xã Xuất Tệp {n}"
            unit = Unit(code=f"XT{n}", name=name, folded_name=name.casefold())
            db.session.add(unit)
            db.session.flush()
            db.session.add(Assignment(item_id=item.id, unit_id=unit.id, due_on=item.due_on, created_at=utcnow()))
        db.session.commit()
    login_as("monitor")
    page = client.get(f"/monitoring?plan={plan_id}").get_data(as_text=True)
    assert len(rows(page)) == PER_PAGE and f'href="/monitoring/export.xlsx?plan={plan_id}"' in page
    response = client.get(f"/monitoring/export.xlsx?plan={plan_id}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    sheet = book["Phân công"]
    table = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(table) == 12 + PER_PAGE  # every overdue assignment, past the page's 50
    first = table[0]
    assert first[1] == "I.1" and first[3] == "Vụ Pháp chế" and first[6] == 76  # days overdue as a number
    assert first[4].date() == date(2023, 8, 31)  # the due date as a date, shown dd/mm/yyyy
    assert sheet.cell(row=2, column=5).number_format == "DD/MM/YYYY"
    assert ("Kế hoạch", "1872/QĐ-BVHTTDL") in list(book["Bộ lọc"].iter_rows(values_only=True))
    # Filtered to one unit, the file holds that unit's rows only.
    book = load_workbook(BytesIO(client.get("/monitoring/export.xlsx?unit=CDA").data))
    assert [r[3] for r in book["Phân công"].iter_rows(min_row=2, values_only=True)] == ["Cục Điện ảnh"]


def test_the_matrix_has_a_total_per_unit_and_per_class_over_every_unit(seeded, login_as, client):
    login_as("monitor")
    page = client.get("/monitoring/units").get_data(as_text=True)
    matrix = page[page.index('id="matrix"') : page.index("</table>", page.index('id="matrix"'))]
    footer = matrix[matrix.index("<tfoot>") :]
    assert "Tổng cộng (" in footer
    assert "Tổng cộng: 12 phân công “Quá hạn” của mọi đơn vị" in footer
    vpc = re.search(r'<tr><th scope="row">Vụ Pháp chế</th>(.*?)</tr>', matrix, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", vpc, re.S)
    assert re.sub(r"<[^>]+>", "", cells[-1]) == str(sum(int(re.sub(r"<[^>]+>", "", c)) for c in cells[:-1]))


def test_the_list_quotes_a_task_by_its_excerpt_not_a_line_ending_in_a_colon(seeded, login_as, client):
    login_as("monitor")
    listed = rows(client.get("/monitoring").get_data(as_text=True))
    first = re.sub(r"<[^>]+>", " ", listed[0])
    # The line that opens a list is quoted with its first point, not left hanging on its colon.
    assert "ban hành: Chính sách khuyến khích" in " ".join(first.split())


def _sort_key(sort: str, unit_name: str, due_on, reference: str, assignment_id: int) -> tuple:
    """What a sort orders by, as the rows show it (ties within it may come in either order)."""
    return {
        "days": (due_on, assignment_id),
        "due": (due_on, assignment_id),
        "unit": (unit_name, due_on),
        "item": (reference, unit_name),
    }[sort]


@pytest.mark.parametrize("cls", ["overdue", "not_started", "in_progress", "blocked", "done_on_time", "done_late"])
@pytest.mark.parametrize("sort", ["days", "due", "unit", "item"])
def test_a_page_of_the_list_holds_the_rows_the_filters_select_in_their_order(seeded, cls, sort):
    """page_rows (narrow ids first, then the page's rows, one statement per shape) against list_assignments (the
    ORM's whole rows, the same filters as the count): every filter, every order, page after page."""
    from tracker.models import Plan, UnitGroup
    from tracker.monitoring import Filters, list_assignments, page_rows

    day = date(2023, 11, 15)
    with seeded.app_context():
        group = db.session.scalar(select(UnitGroup.id).where(UnitGroup.number == 3))
        plan = db.session.scalar(select(Plan.id))
        narrowings = [
            {},
            {"unit": "CDA"},
            {"unit": "pháp chế"},
            {"group": group},
            {"plan": plan},
            {"section": "I"},
            {"min_days": 30},
            {"plan": plan, "section": "I", "group": group},
        ]
        for narrowing in narrowings:
            shown, expected = [], []
            for page in range(1, 8):
                filters = Filters(cls=cls, sort=sort, page=page, **narrowing)
                rows_ = page_rows(filters, today=day, per_page=2).rows
                reference = list_assignments(filters, today=day, per_page=2).rows
                keys = [_sort_key(sort, r.unit_name, r.due_on, r.reference, r.id) for r in rows_]
                assert keys == [_sort_key(sort, a.unit.name, a.due_on, a.item.reference, a.id) for a in reference], (
                    narrowing,
                    page,
                )
                shown += [r.id for r in rows_]
                expected += [a.id for a in reference]
            assert sorted(shown) == sorted(expected), narrowing
            assert len(set(shown)) == len(shown)
