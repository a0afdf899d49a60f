"""Admin: the unit directory with validation, plan import by upload with a dry-run preview, deadlines and
unknown unit names fixed by hand (the mapping remembered as an alias)."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Plan, Unit

from .conftest import SEED_PLAN, csrf_token
from .documents import PROVINCIAL_PLAN


def test_an_admin_edits_a_unit_and_bad_values_are_refused_field_by_field(seeded, login_as, client):
    login_as("admin")
    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
    token = csrf_token(client, f"/admin/units/{vpc.id}")
    bad = client.post(
        f"/admin/units/{vpc.id}",
        data={
            "csrf_token": token,
            "code": "vpc",
            "name": "Vụ Pháp chế",
            "aliases": "Cục Điện ảnh",
            "head_email": "not-an-address",
            "focal_email": "",
            "is_active": "y",
        },
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "không hợp lệ" in page and "đã là tên hoặc tên khác của Cục Điện ảnh" in page
    good = client.post(
        f"/admin/units/{vpc.id}",
        data={
            "csrf_token": token,
            "code": "VPC",
            "name": "Vụ Pháp chế",
            "aliases": "Vụ PC\nVụ Pháp chế Bộ VHTTDL",
            "head_email": "vuphapche@example.org",
            "focal_email": "",
            "is_active": "y",
        },
    )
    assert good.status_code == 302
    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        assert vpc.head_email == "vuphapche@example.org" and vpc.focal_email is None
        assert sorted(a.alias for a in vpc.aliases) == ["Vụ PC", "Vụ Pháp chế Bộ VHTTDL"]
    assert "Vụ PC" in client.get("/admin/units").get_data(as_text=True)


def test_plan_import_by_upload_previews_then_saves_on_confirmation(app, runner, login_as, client):
    from .conftest import make_user

    runner.invoke(args=["units", "load"])
    with app.app_context():
        make_user("admin", "admin")
        db.session.commit()
    login_as("admin")
    preview = client.post(
        "/admin/import",
        data={
            "csrf_token": csrf_token(client, "/admin/import"),
            "file": (io.BytesIO(SEED_PLAN.read_bytes()), "ke-hoach-1872.txt"),
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Xem trước (chưa lưu)" in page and "4 nhiệm vụ, 14 phân công, 12 chỉ tiêu" in page
    assert "mục II" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0  # nothing saved by the preview
    import re

    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    confirmed = client.post(
        "/admin/import/confirm",
        data={
            "csrf_token": csrf_token(client, "/admin/import"),
            "token": token,
            "suffix": ".txt",
            "filename": "ke-hoach-1872.txt",
            "number": "",
        },
    )
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 4
    again = client.post(
        "/admin/import",
        data={
            "csrf_token": csrf_token(client, "/admin/import"),
            "file": (io.BytesIO(SEED_PLAN.read_bytes()), "ke-hoach-1872.txt"),
        },
        content_type="multipart/form-data",
    )
    assert "Không có gì thay đổi so với dữ liệu hiện có." in again.get_data(as_text=True)


def test_an_unreadable_upload_says_where_and_changes_nothing(seeded, login_as, client):
    login_as("admin")
    response = client.post(
        "/admin/import",
        data={
            "csrf_token": csrf_token(client, "/admin/import"),
            "file": (io.BytesIO(b"\x00\x81\xfe binary \xff" * 20), "loi.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "dòng 1" in page and "UTF-8" in page and "Không có dữ liệu nào bị thay đổi" in page


def test_an_odd_row_is_previewed_with_its_warning_not_refused(seeded, login_as, client):
    login_as("admin")
    text = SEED_PLAN.read_text(encoding="utf-8").replace("\t3\n\tGiao chỉ tiêu", "\tba\n\tGiao chỉ tiêu")
    response = client.post(
        "/admin/import",
        data={"csrf_token": csrf_token(client, "/admin/import"), "file": (io.BytesIO(text.encode()), "loi.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "số thứ tự “ba” của nhiệm vụ không phải số" in page


def test_an_admin_dates_a_deadline_the_grammar_could_not_read(app, runner, login_as, client, tmp_path):
    from .conftest import make_user

    path = tmp_path / "tinh.txt"
    path.write_text(PROVINCIAL_PLAN, encoding="utf-8")
    runner.invoke(args=["units", "load"])
    runner.invoke(args=["plan", "import", str(path)])
    with app.app_context():
        make_user("admin", "admin")
        db.session.commit()
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "2.a.2")
    login_as("admin")
    page = client.get("/admin/deadlines").get_data(as_text=True)
    assert "Theo lộ trình của Chính phủ" in page
    response = client.post(
        "/admin/deadlines",
        data={
            "csrf_token": csrf_token(client, "/admin/deadlines"),
            "item": item.id,
            f"i{item.id}-due_on": "2023-12-31",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        dated = db.session.get(ActionItem, item.id)
        assert (dated.due_on, dated.is_due_set_by_hand) == (date(2023, 12, 31), True)
    # A re-import of the same text keeps the hand-set date.
    runner.invoke(args=["plan", "import", str(path)])
    with app.app_context():
        assert db.session.get(ActionItem, item.id).due_on == date(2023, 12, 31)
    assert "Theo lộ trình của Chính phủ" not in client.get("/admin/deadlines").get_data(as_text=True)


def test_mapping_an_unknown_name_assigns_the_unit_and_teaches_the_next_import(app, runner, login_as, client, tmp_path):
    from .conftest import make_user

    path = tmp_path / "tinh.txt"
    path.write_text(PROVINCIAL_PLAN, encoding="utf-8")
    runner.invoke(args=["units", "load"])
    runner.invoke(args=["plan", "import", str(path)])
    with app.app_context():
        make_user("admin", "admin")
        db.session.commit()
        office = db.session.scalar(select(Unit).where(Unit.code == "VPB"))
    login_as("admin")
    page = client.get("/admin/unknown-names").get_data(as_text=True)
    assert "“Sở Nội vụ”" in page
    response = client.post(
        "/admin/unknown-names",
        data={"csrf_token": csrf_token(client, "/admin/unknown-names"), "written": "Sở Nội vụ", "unit": str(office.id)},
    )
    assert response.status_code == 302
    with app.app_context():
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "2.đ")
        assert [a.unit.code for a in item.assignments] == ["VPB"]
    result = runner.invoke(args=["plan", "import", str(path), "--json"])
    import json

    report = json.loads(result.stdout)
    assert "Sở Nội vụ" not in {u["name"] for u in report["unknown_units"]}
    assert (report["created"], report["updated"]) == (0, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count(Assignment.id)).join(Unit).where(Unit.code == "VPB")) == 2


def test_the_directory_names_each_units_appendix_1_groups_with_their_plan(seeded, login_as, client):
    from tracker.models import UnitGroup, UnitGroupMember

    login_as("admin")
    page = client.get("/admin/units").get_data(as_text=True)
    with seeded.app_context():
        memberships = db.session.execute(
            select(Unit.code, UnitGroup.name, Plan.number)
            .join(UnitGroupMember, UnitGroupMember.group_id == UnitGroup.id)
            .join(Unit, UnitGroupMember.unit_id == Unit.id)
            .join(Plan, UnitGroup.plan_id == Plan.id)
        ).all()
    assert len(memberships) > 10
    for code, name, number in memberships:
        row = page.split(f'<td data-label="Mã">{code}</td>', 1)[1].split("</tr>", 1)[0]
        assert f'Nhóm (Phụ lục 1)">{name} ({number})</td>' in row, code
