"""A collective that names no unit ("UBND cấp huyện", "Các Sở, ban, ngành") mapped by an admin to several units
or to every unit of a level: one row and, for a lead, one assignment per unit, now and at every re-import;
units dropped from the mapping keep their assignments, made inactive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, CollectiveMapping, ItemEvent, Unit
from tracker.plan_admin import AdminFixError, collectives, map_collective
from tracker.plan_import import import_document
from tracker.units_import import load_unit_file, read_unit_file

from .conftest import csrf_token, make_user
from .documents import PROVINCIAL_PLAN

NOW = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
DIRECTORY = """Mã đơn vị,Tên đơn vị,Email trưởng đơn vị,Cấp
STTTT,Sở Thông tin và Truyền thông,gd.stttt@example.org,Sở
SNV,Sở Nội vụ,gd.snv@example.org,Sở
STC,Sở Tài chính,gd.stc@example.org,Sở
VPUBND,Văn phòng UBND tỉnh,cvp@example.org,
TTPVHCC,Trung tâm Phục vụ hành chính công,gd.ttpvhcc@example.org,
UBNDCD,UBND huyện Châu Đức,ct.cd@example.org,UBND cấp huyện
UBNDDD,UBND huyện Đất Đỏ,ct.dd@example.org,UBND cấp huyện
"""
DISTRICTS = "UBND cấp huyện"
AGENCIES = "Các Sở, ban, ngành"


@pytest.fixture
def loaded(app):
    """The province's directory loaded from a file, its plan imported, and an admin."""
    with app.app_context():
        load_unit_file(read_unit_file(DIRECTORY.encode("utf-8-sig"), "don-vi.csv"))
        import_plan()
        make_user("admin", "admin")
        db.session.commit()
    return app


@pytest.fixture
def province(loaded):
    """The same, inside an app context."""
    with loaded.app_context():
        yield loaded


def import_plan():
    return import_document(PROVINCIAL_PLAN.encode(), "kh-2139.txt", now=NOW)


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def item(reference: str) -> ActionItem:
    return next(i for i in db.session.scalars(select(ActionItem)) if i.reference == reference)


def leads(reference: str) -> dict[str, bool]:
    """Each lead assignment of an item: unit code → active."""
    return {a.unit.code: a.is_active for a in item(reference).assignments}


def test_unmapped_collectives_are_listed_with_their_items(province):
    listed = {c.written: [i.reference for i in c.items] for c in collectives() if c.mapping is None}
    assert listed[DISTRICTS] == ["1.b", "1.c"]
    assert listed[AGENCIES] == ["1.a", "1.c", "2.a.2"]


def test_a_collective_mapped_to_a_level_gives_each_unit_of_the_level_an_assignment(province):
    assert leads("1.b") == {}
    changed = map_collective(DISTRICTS, [], DISTRICTS, actor_id=None, now=NOW)
    db.session.commit()
    assert changed == 2
    assert leads("1.b") == {"UBNDCD": True, "UBNDDD": True}
    assert leads("1.c") == {"UBNDCD": True, "UBNDDD": True}
    rows = [(r.written, r.kind, r.unit.code if r.unit else None) for r in item("1.b").units]
    assert rows == [
        (DISTRICTS, "collective", "UBNDCD"),
        (DISTRICTS, "collective", "UBNDDD"),
        ("UBND cấp xã", "unspecified", None),
    ]
    event = db.session.scalar(select(ItemEvent).where(ItemEvent.item_id == item("1.b").id, ItemEvent.kind == "changed"))
    assert event.changes == [
        {
            "field": "đơn vị chủ trì",
            "old": "UBND cấp huyện; UBND cấp xã",
            "new": "UBND cấp huyện (UBND huyện Châu Đức, UBND huyện Đất Đỏ); UBND cấp xã",
        }
    ]
    assert DISTRICTS not in [c.written for c in collectives() if c.mapping is None]


def test_a_collective_mapped_to_chosen_units_reaches_lead_and_coordinating_cells(province):
    map_collective(AGENCIES, [unit("STTTT"), unit("STC")], "", actor_id=None, now=NOW)
    db.session.commit()
    assert leads("1.a") == {"STC": True, "STTTT": True}
    coordinating = [r.unit.code for r in item("2.a.2").units if r.role == "coordinating"]
    assert coordinating == ["STTTT", "STC"]
    assert leads("2.a.2") == {"STTTT": True, "SNV": True}  # coordinating units get no assignment


def test_a_reimport_keeps_the_mapping_and_the_assignments_as_they_are(province):
    map_collective(DISTRICTS, [], DISTRICTS, actor_id=None, now=NOW)
    map_collective(AGENCIES, [unit("SNV")], "", actor_id=None, now=NOW)
    db.session.commit()
    before = {a.id: (a.unit.code, a.is_active) for a in db.session.scalars(select(Assignment))}
    report = import_plan()
    db.session.commit()
    assert report.updated == 0 and report.created == 0, report.changes
    assert {a.id: (a.unit.code, a.is_active) for a in db.session.scalars(select(Assignment))} == before


def test_a_new_unit_of_a_mapped_level_is_assigned_at_the_next_import(province):
    map_collective(DISTRICTS, [], DISTRICTS, actor_id=None, now=NOW)
    db.session.commit()
    load_unit_file(read_unit_file("Tên đơn vị,Cấp\nUBND thị xã Phú Mỹ,UBND cấp huyện\n".encode(), "them.csv"))
    import_plan()
    db.session.commit()
    assert set(leads("1.b")) == {"UBNDCD", "UBNDDD", unit_code_of("UBND thị xã Phú Mỹ")}


def unit_code_of(name: str) -> str:
    return db.session.scalar(select(Unit.code).where(Unit.name == name))


def test_a_mapping_made_before_the_import_applies_to_the_imported_items(app):
    with app.app_context():
        load_unit_file(read_unit_file(DIRECTORY.encode(), "don-vi.csv"))
        db.session.add(CollectiveMapping(written=DISTRICTS, folded_name="ubnd cấp huyện", level=DISTRICTS))
        import_plan()
        db.session.commit()
        assert leads("1.b") == {"UBNDCD": True, "UBNDDD": True}


def test_remapping_and_unmapping_make_dropped_units_assignments_inactive_never_deleted(province):
    map_collective(AGENCIES, [unit("STTTT"), unit("STC")], "", actor_id=None, now=NOW)
    db.session.commit()
    ids = {a.unit.code: a.id for a in item("1.a").assignments}
    map_collective(AGENCIES, [unit("STC")], "", actor_id=None, now=NOW)
    db.session.commit()
    assert leads("1.a") == {"STC": True, "STTTT": False}
    map_collective(AGENCIES, [], "", actor_id=None, now=NOW)
    db.session.commit()
    assert leads("1.a") == {"STC": False, "STTTT": False}
    assert {a.unit.code: a.id for a in item("1.a").assignments} == ids
    assert [r.kind for r in item("1.a").units if r.role == "lead"] == ["unspecified"]
    assert db.session.scalar(select(CollectiveMapping)) is None
    import_plan()
    db.session.commit()
    assert leads("1.a") == {"STC": False, "STTTT": False}
    map_collective(AGENCIES, [unit("STTTT")], "", actor_id=None, now=NOW)
    db.session.commit()
    assert leads("1.a") == {"STC": False, "STTTT": True}
    assert {a.unit.code: a.id for a in item("1.a").assignments} == ids


@pytest.mark.parametrize(
    "written, level, message",
    [
        ("Sở Nội vụ", "", "không phải tên chung"),
        (DISTRICTS, "UBND cấp tỉnh", "Không có đơn vị nào đang hoạt động ở cấp “UBND cấp tỉnh”"),
    ],
)
def test_a_mapping_that_cannot_be_made_is_refused(province, written, level, message):
    with pytest.raises(AdminFixError, match=message):
        map_collective(written, [unit("SNV")], level, actor_id=None, now=NOW)


def test_an_admin_maps_a_collective_on_the_unknown_names_page(loaded, client, login_as):
    login_as("admin")
    page = client.get("/admin/unknown-names").get_data(as_text=True)
    assert "Tên chung của nhiều đơn vị" in page and "“UBND cấp huyện”" in page
    token = csrf_token(client, "/admin/unknown-names")
    refused = client.post("/admin/unknown-names", data={"csrf_token": token, "collective": AGENCIES})
    assert refused.status_code == 422
    assert "Hãy chọn ít nhất một đơn vị hoặc một cấp" in refused.get_data(as_text=True)
    with loaded.app_context():
        office = str(unit("VPUBND").id)
    done = client.post(
        "/admin/unknown-names", data={"csrf_token": token, "collective": AGENCIES, "level": "Sở", "units": [office]}
    )
    assert done.status_code == 302
    with loaded.app_context():
        assert leads("1.a") == {"SNV": True, "STC": True, "STTTT": True, "VPUBND": True}
    assert "đang gắn với 4 đơn vị" in client.get("/admin/unknown-names").get_data(as_text=True)
