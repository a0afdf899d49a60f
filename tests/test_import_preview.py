"""The import preview an admin can trust: each item as it will be saved, rows not understood, unknown names
made into units in one step, a re-import's changes old → new in words, cancelling deletes the upload; and
the upsert behind it keeps notes, KPI targets and sub-row keys, changing nothing on a second import."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import ActionItem, Plan, PlanSection, PlanTarget, Unit
from tracker.plan_admin import create_units_from_names, looks_like_one_unit, unit_code
from tracker.plan_import.document import ItemRow, NotUnderstood, PlanDocument, SectionRows, TargetRow
from tracker.plan_import.upsert import item_keys, item_reference, save_plan, section_keys
from tracker.views.admin import _appendices_with_sections, _offered_names, _told, render_preview

from .conftest import SEED_PLAN, csrf_token, make_user
from .documents import PROVINCIAL_PLAN


def _row(
    stt: str,
    task: str = "Nhiệm vụ",
    *,
    lead: str = "Vụ Pháp chế",
    deadline: str = "Tháng 8/2025",
    subrow: int | None = None,
    notes: dict[str, str] | None = None,
) -> ItemRow:
    return ItemRow(
        stt=stt,
        task=task,
        lead=lead,
        coordinating="",
        expected_output="",
        deadline=deadline,
        where=f"bảng 1, hàng {stt}",
        notes=notes or {},
        subrow=subrow,
    )


def _document(number: str | None = "2530/QĐ-TTg") -> PlanDocument:
    """A plan as the new recognisers read it: two appendices both numbering a section "I", merged rows
    with sub-rows, a repeated STT, extra columns kept as notes, KPI targets and a row not understood."""
    first = SectionRows(
        number="I",
        title="Bộ Tư pháp",
        where="bảng 1, hàng 2",
        appendix="Phụ lục I",
        items=[
            _row("1", "Xây dựng cơ sở dữ liệu hộ tịch", notes={"Thuộc nhóm nhiệm vụ": "Nhóm 1"}),
            _row("1", "Kết nối cơ sở dữ liệu hộ tịch với cổng dịch vụ công", subrow=2, deadline="Quý IV/2025"),
            _row("2", "Số hoá sổ hộ tịch", lead="Cục Điện ảnh; Sở Văn hóa Nghệ thuật Tây Nguyên"),
            _row("2", "Số hoá sổ hộ tịch (lặp lại số thứ tự)"),
        ],
    )
    second = SectionRows(
        number="I",
        title="Nhiệm vụ chung",
        where="bảng 2, hàng 2",
        appendix="Phụ lục II",
        items=[
            _row(
                "1",
                "Hoàn thiện thể chế",
                deadline="Theo lộ trình của Chính phủ",
                notes={"Tình trạng": "Đang thực hiện", "Nguồn lực thực hiện": "Ngân sách trung ương"},
            ),
        ],
    )
    targets = [
        TargetRow(
            section="I",
            group="I.1",
            ref="1",
            indicator="Tỉ lệ dịch vụ công trực tuyến toàn trình",
            value="100%",
            unit_of_measure="%",
            lead="Văn phòng Bộ",
            period="Giai đoạn 2025-2027",
            due="2027-12-31",
            where="bảng 3, hàng 4",
        ),
        TargetRow(
            section="I",
            group="I.1",
            ref="2",
            indicator="Tỉ lệ hồ sơ trực tuyến",
            value="tối thiểu 40%",
            unit_of_measure="%",
            lead="Sở Văn hóa Nghệ thuật Tây Nguyên",
            period="Giai đoạn 2025-2027",
            due="2027-12-31",
            where="bảng 3, hàng 5",
        ),
    ]
    return PlanDocument(
        number=number,
        title="KẾ HOẠCH THỬ",
        issuer="Thủ tướng Chính phủ",
        issued_on="2025-11-19",
        year=2025,
        sections=[first, second],
        targets=targets,
        not_understood=[
            NotUnderstood(
                where="bảng 1, hàng 9", text="Giao các bộ | rà soát | 2026", reason="không có nội dung nhiệm vụ"
            )
        ],
    )


def _load_units(runner):
    result = runner.invoke(args=["units", "load"])
    assert result.exit_code == 0, result.output


# --- The stored keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows, keys",
    [
        ([("1", None), ("2", None)], ["1", "2"]),
        ([("1", None), ("1", 2), ("1", 3)], ["1.1", "1.2", "1.3"]),  # sub-rows of one merged row
        ([("1", None), ("1", None), ("1", None)], ["1", "1-2", "1-3"]),  # a number printed twice
        ([("1", None), ("1", 2), ("1", None)], ["1.1", "1.2", "1.1-2"]),  # a repeat after a sub-row
        ([("a", None), ("", None), ("", None)], ["a", "", "-2"]),
        (
            [("1.2.3.4.5.6.7.8.9.10.11", None), ("1.2.3.4.5.6.7.8.9.10.12", None)],
            ["1.2.3.4.5.6.7.8.9.10", "1.2.3.4.5.6.7.8.9.-2"],
        ),  # cut to the column's 20 characters, still unique
    ],
)
def test_each_item_gets_a_key_unique_in_its_section_in_document_order(rows, keys):
    assert item_keys([_row(stt, subrow=subrow) for stt, subrow in rows], set()) == keys


@pytest.mark.parametrize(
    "section, stt, reference",
    [
        ("I", "1", "I.1"),
        ("", "1", "1"),
        ("G", "", "G"),
        ("PLII.I", "1.2", "PLII.I.1.2"),
    ],
)
def test_an_item_is_cited_by_its_section_and_number_without_a_dangling_dot(section, stt, reference):
    assert item_reference(section, stt) == reference


@pytest.mark.parametrize(
    "sections, keys",
    [
        ([("I", ""), ("II", "")], ["I", "II"]),
        (
            [("I", "Phụ lục I"), ("II", "Phụ lục I"), ("I", "Phụ lục II"), ("II", "Phụ lục II")],
            ["I", "II", "PLII.I", "PLII.II"],
        ),  # qd2530: the later appendix numbers again from I
        ([("A", "Phụ lục I"), ("I", "Phụ lục II")], ["A", "I"]),  # no clash, plain numbers
        ([("I", "PHỤ LỤC 1"), ("I", "PHỤ LỤC 2.")], ["I", "PL2.I"]),
        ([("I", ""), ("I", "")], ["I", "I-2"]),  # one appendix naming a section twice
        ([("", "Phụ lục I"), ("", "Phụ lục II")], ["", "PLII"]),
        ([("I", "PHỤ LỤC"), ("I", "PHỤ LỤC")], ["I", "I-2"]),  # one appendix, unnumbered
        ([("I", "Phụ lục I"), ("I", "PHỤ LỤC")], ["I", "PL2.I"]),  # no numeral: the appendix's place
    ],
)
def test_a_later_appendix_that_numbers_its_sections_again_is_prefixed(sections, keys):
    rows = [SectionRows(number=n, title="", where="", appendix=a) for n, a in sections]
    assert section_keys(rows) == keys


# --- Saving ----------------------------------------------------------------------------------------


def test_the_upsert_saves_notes_targets_issuer_and_sub_row_keys_and_a_second_import_changes_nothing(app, runner):
    _load_units(runner)
    with app.app_context():
        report = save_plan(_document(), source_name="qd2530.docx", now=utcnow())
        db.session.commit()
        assert report.created and report.items == 5 and report.targets == 2
        plan = db.session.scalar(select(Plan))
        assert plan.issuer == "Thủ tướng Chính phủ"
        sections = db.session.scalars(select(PlanSection).order_by(PlanSection.position)).all()
        assert [(s.number, s.appendix) for s in sections] == [("I", "Phụ lục I"), ("PLII.I", "Phụ lục II")]
        items = {i.reference: i for i in db.session.scalars(select(ActionItem))}
        assert sorted(items) == ["I.1.1", "I.1.2", "I.2", "I.2-2", "PLII.I.1"]
        assert items["I.1.1"].notes == {"Thuộc nhóm nhiệm vụ": "Nhóm 1"}
        assert list(items["PLII.I.1"].notes) == ["Tình trạng", "Nguồn lực thực hiện"]  # the document's order
        assert items["I.1.2"].due_on == date(2025, 12, 31)
        targets = db.session.scalars(select(PlanTarget).order_by(PlanTarget.position)).all()
        assert [(t.position, t.group_label, t.ref, t.value_text, t.unit_of_measure, t.due_on) for t in targets] == [
            (1, "I.1", "1", "100%", "%", date(2027, 12, 31)),
            (2, "I.1", "2", "tối thiểu 40%", "%", date(2027, 12, 31)),
        ]
        assert report.not_understood == [
            {"where": "bảng 1, hàng 9", "text": "Giao các bộ | rà soát | 2026", "reason": "không có nội dung nhiệm vụ"}
        ]

        again = save_plan(_document(), source_name="qd2530.docx", now=utcnow())
        db.session.commit()
        assert (again.created, again.updated, again.changes) == (0, 0, [])
        assert db.session.scalar(select(func.count(PlanTarget.id))) == 2
        assert db.session.scalar(select(func.count(ActionItem.id))) == 5


def test_a_target_changed_or_moved_is_updated_in_place_never_duplicated(app):
    with app.app_context():
        save_plan(_document(), source_name="a.docx", now=utcnow())
        ids = {t.ref: t.id for t in db.session.scalars(select(PlanTarget))}
        doc = _document()
        doc.targets.reverse()  # the same targets in another order
        doc.targets[1].value = "95%"
        report = save_plan(doc, source_name="a.docx", now=utcnow())
        assert report.created == 0
        assert (
            "chỉ tiêu “Tỉ lệ dịch vụ công trực tuyến toàn trình”: thứ tự trong văn bản “1” → “2”; "
            "giá trị “100%” → “95%”"
        ) in report.changes
        targets = db.session.scalars(select(PlanTarget).order_by(PlanTarget.position)).all()
        assert [(t.ref, t.id) for t in targets] == [("2", ids["2"]), ("1", ids["1"])]


def test_the_report_previews_each_item_and_target_as_it_will_be_saved(app, runner):
    _load_units(runner)
    with app.app_context():
        report = save_plan(_document(), source_name="a.docx", now=utcnow())
    first, sub_row, shared = report.items_preview[:3]
    assert first == {
        "reference": "I.1.1",
        "section": "I",
        "stt": "1.1",
        "task": "Xây dựng cơ sở dữ liệu hộ tịch",
        "lead": ["Vụ Pháp chế"],
        "coordinating": [],
        "unknown": [],
        "deadline_text": "Tháng 8/2025",
        "due": "2025-08-31",
        "recurrence": None,
        "ongoing": False,
        "parsed": True,
        "notes": {"Thuộc nhóm nhiệm vụ": "Nhóm 1"},
    }
    assert (sub_row["reference"], sub_row["due"]) == ("I.1.2", "2025-12-31")
    assert shared["lead"] == ["Cục Điện ảnh", "Sở Văn hóa Nghệ thuật Tây Nguyên"]
    assert shared["unknown"] == ["Sở Văn hóa Nghệ thuật Tây Nguyên"]
    assert report.items_preview[-1]["parsed"] is False
    assert [t["value"] for t in report.targets_preview] == ["100%", "tối thiểu 40%"]
    assert report.targets_preview[1]["unknown"] == ["Sở Văn hóa Nghệ thuật Tây Nguyên"]
    assert {
        "plan",
        "sections",
        "items",
        "assignments",
        "targets",
        "warnings",
        "unparsed_deadlines",
        "unknown_units",
        "created",
        "updated",
        "changes",
        "not_understood",
        "items_preview",
        "targets_preview",
        "groups_preview",
    } <= set(report.as_dict())


def test_a_document_without_a_number_is_previewed_and_nothing_is_written(app, runner):
    _load_units(runner)
    with app.app_context():
        report = save_plan(_document(number=None), source_name="a.docx", now=utcnow())
        db.session.commit()
        assert report.number_missing and report.plan == ""
        assert report.items == 5 and len(report.items_preview) == 5 and len(report.targets_preview) == 2
        assert [u["name"] for u in report.unknown_units] == ["Sở Văn hóa Nghệ thuật Tây Nguyên"] * 2
        assert db.session.scalar(select(func.count(Plan.id))) == 0


# --- Changes in words --------------------------------------------------------------------------------


def _reimport(runner, tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["changes"]


def test_a_reimport_tells_each_change_old_to_new_in_words(app, runner, tmp_path):
    _load_units(runner)
    assert runner.invoke(args=["plan", "import", str(SEED_PLAN)]).exit_code == 0
    text = SEED_PLAN.read_text(encoding="utf-8")
    changed = text.replace("\tTháng 8/2023", "\tTháng 9/2023").replace(
        "\tVụ Pháp chế\n", "\tVụ Pháp chế; Cục Điện ảnh\n"
    )
    changes = _reimport(runner, tmp_path, changed)
    assert (
        "nhiệm vụ I.1: đơn vị chủ trì “Vụ Pháp chế” → “Vụ Pháp chế; Cục Điện ảnh”; "
        "thời hạn “Tháng 8/2023” → “Tháng 9/2023” (hiểu là 31/08/2023 → 30/09/2023)"
    ) in changes
    assert "tạo mới phân công nhiệm vụ I.1 cho CDA" in changes
    assert not any(word in " ".join(changes) for word in ("deadline_text", "lead_text", "due_on", "is_active"))

    dropped = _reimport(runner, tmp_path, changed.replace("\tVụ Pháp chế; Cục Điện ảnh\n", "\tVăn phòng Bộ\n"))
    assert "phân công nhiệm vụ I.1 cho VPC: thôi giao" in dropped


def test_a_long_text_change_is_shown_around_what_changed():
    from tracker.plan_import.upsert import _old_to_new

    start = "Rà soát, đánh giá, cập nhật danh mục thủ tục hành chính đủ điều kiện cung cấp dịch vụ công "
    told = _old_to_new(start + "trực tuyến toàn trình năm 2023", start + "trực tuyến một phần năm 2024")
    assert told.startswith("“…") and "toàn trình" in told and "một phần" in told
    assert len(told) < 2 * 70
    assert _old_to_new("Tháng 8/2023", "Tháng 9/2023") == "“Tháng 8/2023” → “Tháng 9/2023”"
    assert _old_to_new(None, date(2023, 9, 30)) == "“(trống)” → “30/09/2023”"


# --- Unit codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, taken, code",
    [
        ("Sở Tài chính", set(), "STC"),
        ("Sở Khoa học và Công nghệ", set(), "SKHCN"),  # "và" left out, as people abbreviate
        ("Sở KH&CN", set(), "SKHCN"),  # an abbreviation kept whole
        ("UBND huyện Lấp Vò", set(), "UBNDHLV"),
        ("Ủy ban nhân dân tỉnh Đồng Tháp", set(), "UBNDTDT"),
        ("Sở Tài chính", {"STC"}, "STC-2"),
        ("Sở Tư pháp", {"STP", "STP-2"}, "STP-3"),
        ("Huế", set(), "HUE"),  # one initial is too short: the word itself
        ("Ban Quản lý các Khu công nghiệp và Khu chế xuất thành phố Hồ Chí Minh", set(), "BQLKCNKCXTPHCM"),
        ("Ban Quản lý các khu công nghệ cao và khu công nghiệp", set(), "BQLKCNCKCN"),  # "các" left out too
    ],
)
def test_a_generated_unit_code_is_the_names_initials_in_ascii_and_unique(name, taken, code):
    assert unit_code(name, set(taken)) == code


@pytest.mark.parametrize(
    "name, ticked",
    [
        ("Sở Tài chính", True),
        ("Bộ Công an", True),
        ("Các bộ, ngành liên quan", False),  # a plural names several units
        ("các trường đại học", False),
        ("Những đơn vị có liên quan", False),
        ("Bộ Nông nghiệp và Môi trường (chủ trì phần chính sách)", False),  # a known unit with its role
    ],
)
def test_a_name_is_offered_ticked_only_when_it_reads_as_one_unit(name, ticked):
    assert looks_like_one_unit(name) is ticked


def test_creating_units_from_names_skips_known_names_collectives_and_repeats(app, runner):
    _load_units(runner)
    with app.app_context():
        created = create_units_from_names(
            ["Sở Tài chính", "Sở tài chính", "Cục Điện ảnh", "các đơn vị có liên quan", "Sở Tư pháp"]
        )
        db.session.commit()
        assert [(u.code, u.name) for u in created] == [("STC", "Sở Tài chính"), ("STP", "Sở Tư pháp")]
        assert db.session.scalar(select(Unit).where(Unit.code == "STC")).is_active


@pytest.mark.parametrize(
    "names, units, aliases",
    [
        # One document writes the same department in full and abbreviated: one unit, the short form its alias.
        (["Sở KH&CN", "Sở Khoa học và Công nghệ"], [("SKHCN", "Sở Khoa học và Công nghệ")], {"Sở KH&CN"}),
        (
            ["Ủy ban nhân dân huyện Lấp Vò", "UBND huyện Lấp Vò"],
            [("UBNDHLV", "Ủy ban nhân dân huyện Lấp Vò")],
            {"UBND huyện Lấp Vò"},
        ),
        # Two names spelled out with the same initials are two units.
        (["Sở Tư pháp", "Sở Tài phán"], [("STP", "Sở Tư pháp"), ("STP-2", "Sở Tài phán")], set()),
        # An abbreviation with nothing spelled out to match is a unit of its own.
        (["Sở KH&CN", "Sở Tài chính"], [("SKHCN", "Sở KH&CN"), ("STC", "Sở Tài chính")], set()),
    ],
)
def test_a_name_abbreviated_to_the_code_of_one_spelled_out_is_its_alias(app, names, units, aliases):
    with app.app_context():
        created = create_units_from_names(names)
        db.session.commit()
        assert [(u.code, u.name) for u in created] == units
        assert {a.alias for u in created for a in u.aliases} == aliases
        assert db.session.scalar(select(func.count(Unit.id))) == len(units)


# --- The web preview ---------------------------------------------------------------------------------------


@pytest.fixture
def admin(app, runner, login_as):
    _load_units(runner)
    with app.app_context():
        make_user("admin", "admin")
        make_user("viewer", "viewer")
        db.session.commit()
    return login_as("admin")


def _upload(client, text: str, name: str = "ke-hoach.txt", number: str = ""):
    return client.post(
        "/admin/import",
        data={
            "csrf_token": csrf_token(client, "/admin/import"),
            "number": number,
            "file": (io.BytesIO(text.encode()), name),
        },
        content_type="multipart/form-data",
    )


def _kept(page: str) -> dict[str, str]:
    return {key: re.search(rf'name="{key}" value="([^"]*)"', page).group(1) for key in ("token", "suffix", "filename")}


def test_the_preview_shows_each_item_with_units_and_deadline_as_understood(app, admin):
    response = _upload(admin, PROVINCIAL_PLAN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nhiệm vụ 1.a" in page and "Rà soát, công bố danh mục dịch vụ công trực tuyến toàn trình." in page
    assert "“Tháng 9/2023”" in page and "hạn 30/09/2023" in page
    assert "Thường xuyên" in page and "thường xuyên" in page
    assert "chưa đọc được: đặt ngày sau khi nhập" in page  # "Theo lộ trình của Chính phủ"
    # An unknown name is marked in words where it is used, and listed once with the action.
    assert 'Sở Thông tin và Truyền thông <span class="flag">chưa có trong danh mục</span>' in page
    assert page.count('name="names" value="Sở Thông tin và Truyền thông"') == 1
    assert "Tạo đơn vị mới từ các tên đã chọn" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0


PASTED = (
    "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM\r\nSố: 12/KH-UBND\r\nKẾ HOẠCH\r\n"
    "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\r\n"
    "1\tXây dựng kho dữ liệu dùng chung\tSở Khoa học và Công nghệ\tCác sở, ban, ngành\tQuý II/2026\r\n"
)


def test_pasted_text_is_previewed_like_an_uploaded_file_and_kept_for_confirmation(app, admin):
    response = admin.post(
        "/admin/import",
        data={"csrf_token": csrf_token(admin, "/admin/import"), "number": "", "text": PASTED},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "12/KH-UBND" in page and "Xây dựng kho dữ liệu dùng chung" in page and "hạn 30/06/2026" in page
    kept = _kept(page)
    assert kept["suffix"] == ".txt"
    assert (Path(app.config["IMPORT_DIR"]) / f"{kept['token']}.txt").read_text(encoding="utf-8").count("\r") == 0


def test_neither_a_file_nor_pasted_text_asks_for_one(app, admin):
    response = admin.post(
        "/admin/import",
        data={"csrf_token": csrf_token(admin, "/admin/import"), "number": "", "text": "   "},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Hãy chọn tệp văn bản kế hoạch hoặc dán nội dung văn bản" in response.get_data(as_text=True)


def test_create_as_units_makes_the_unknown_names_units_and_the_preview_resolves_them(app, admin):
    page = _upload(admin, PROVINCIAL_PLAN).get_data(as_text=True)
    kept = _kept(page)
    names = re.findall(r'name="names" value="([^"]+)"', page)
    assert "Sở Thông tin và Truyền thông" in names
    response = admin.post(
        "/admin/import/units",
        data={"csrf_token": csrf_token(admin, "/admin/import"), **kept, "number": "", "names": names},
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/import/preview?")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Thông tin và Truyền thông"))
        assert unit is not None and unit.code == "STTTT"
    again = admin.get(response.headers["Location"])
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "Đã tạo" in text and "STTTT" in text
    assert 'name="names"' not in text and "chưa có trong danh mục</span>" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0  # the units are saved, the plan is not


def test_create_as_units_tells_which_abbreviation_became_an_alias(app, admin):
    kept = _kept(_upload(admin, PROVINCIAL_PLAN).get_data(as_text=True))
    response = admin.post(
        "/admin/import/units",
        data={
            "csrf_token": csrf_token(admin, "/admin/import"),
            **kept,
            "number": "",
            "names": ["Sở KH&CN", "Sở Khoa học và Công nghệ"],
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đã tạo 1 đơn vị mới (SKHCN)" in page
    assert "“Sở KH&amp;CN” được ghi nhận là cách viết tắt của Sở Khoa học và Công nghệ" in page


def test_cancel_deletes_the_uploaded_file_and_saves_nothing(app, admin):
    page = _upload(admin, SEED_PLAN.read_text(encoding="utf-8")).get_data(as_text=True)
    kept = _kept(page)
    assert "Nhóm đơn vị và chỉ tiêu được giao (4 nhóm)" in page  # Appendix 1 of Decision 1872
    path = Path(app.config["IMPORT_DIR"]) / f"{kept['token']}{kept['suffix']}"
    assert path.is_file()
    response = admin.post("/admin/import/cancel", data={"csrf_token": csrf_token(admin, "/admin/import"), **kept})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/import"
    assert not path.exists()
    assert "tệp vừa tải lên đã được xoá" in admin.get("/admin/import").get_data(as_text=True)
    confirm = admin.post("/admin/import/confirm", data={"csrf_token": csrf_token(admin, "/admin/import"), **kept})
    assert confirm.status_code == 302 and confirm.headers["Location"] == "/admin/import"
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_a_reimport_preview_shows_each_change_old_to_new_in_words(app, admin):
    text = SEED_PLAN.read_text(encoding="utf-8")
    page = _upload(admin, text).get_data(as_text=True)
    admin.post("/admin/import/confirm", data={"csrf_token": csrf_token(admin, "/admin/import"), **_kept(page)})
    page = _upload(admin, text.replace("\tTháng 8/2023", "\tTháng 9/2023")).get_data(as_text=True)
    assert "Thay đổi so với dữ liệu hiện có" in page
    # Old and new are marked (struck out, inserted), the words and quotes kept for screen readers and copying.
    assert (
        "nhiệm vụ I.1: thời hạn <del>“Tháng 8/2023”</del> → <ins>“Tháng 9/2023”</ins> (hiểu là 31/08/2023 → 30/09/2023)"
    ) in page
    assert "phân công nhiệm vụ I.1 cho VPC: hạn <del>“31/08/2023”</del> → <ins>“30/09/2023”</ins>" in page
    # Which plan the confirmation will update, linked, so a wrong number typed in is seen before confirming.
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    assert "Kế hoạch 1872/QĐ-BVHTTDL đã có trong hệ thống:" in page and f'href="/plans/{plan_id}"' in page
    assert "Xác nhận sẽ cập nhật kế hoạch đó, không tạo kế hoạch mới" in page
    assert "deadline_text" not in page and "due_on" not in page


def test_the_preview_lists_rows_not_understood_with_their_place_and_text(app, admin):
    with app.test_request_context():
        report = save_plan(_document(), source_name="qd2530.docx", now=utcnow())
        db.session.rollback()
        page = render_preview(report, token="0" * 32, suffix=".docx", filename="qd2530.docx", number="")
    assert "Không hiểu được (1)" in page
    assert "nên chúng sẽ không được nhập" in page and "sửa văn bản" in page
    assert "bằng tay" not in page  # there is no way to add an item by hand: the page does not promise one
    assert "bảng 1, hàng 9" in page and "Giao các bộ | rà soát | 2026" in page and "không có nội dung nhiệm vụ" in page
    assert "Tình trạng</dt><dd>Đang thực hiện" in page  # the kept columns, as they will be saved
    assert "Tỉ lệ hồ sơ trực tuyến" in page and "<dd>tối thiểu 40%</dd>" in page


def test_a_document_without_a_number_asks_for_one_in_the_preview(app, admin):
    with app.test_request_context():
        report = save_plan(_document(number=None), source_name="kh310.md", now=utcnow())
        db.session.rollback()
        page = render_preview(report, token="0" * 32, suffix=".md", filename="kh310.md", number="")
    assert "Văn bản không ghi số hiệu" in page and 'href="#so-hieu"' in page
    assert '<label for="so-hieu-nhap">' in page and 'name="number"' in page and "--number" not in page
    assert "Xác nhận nhập" not in page  # nothing to confirm until the number is known
    assert "Xây dựng cơ sở dữ liệu hộ tịch" in page  # the items are still shown


def _reader_asks_for_the_number() -> bool:
    """Whether the readers raise PlanNumberMissing for a document without a number (the lead's part)."""
    from tracker.plan_import import PlanImportError, PlanNumberMissing, read_document

    try:
        read_document(NO_NUMBER.encode(), "no-number.txt")
    except PlanNumberMissing:
        return True
    except PlanImportError:
        return False
    return False


NO_NUMBER = PROVINCIAL_PLAN.replace("Quyết định số 2139/QĐ-UBND", "Quyết định số    /QĐ-UBND")


@pytest.mark.skipif(not _reader_asks_for_the_number(), reason="the readers do not raise PlanNumberMissing yet")
def test_an_upload_without_a_number_keeps_the_file_and_asks_for_the_number(app, admin):
    response = _upload(admin, NO_NUMBER)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Văn bản không ghi số hiệu" in page and '<label for="so-hieu-nhap">' in page
    assert "Rà soát, công bố danh mục dịch vụ công trực tuyến toàn trình." in page  # read, shown, not saved
    assert "Xác nhận nhập" not in page and "--number" not in page
    kept = _kept(page)
    token = csrf_token(admin, "/admin/import")
    # Units can be made from the names before the number is known; confirming waits for the number.
    made = admin.post(
        "/admin/import/units",
        data={"csrf_token": token, **kept, "number": "", "names": ["Sở Thông tin và Truyền thông"]},
    )
    assert made.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Unit.code).where(Unit.name == "Sở Thông tin và Truyền thông")) == "STTTT"
    refused = admin.post("/admin/import/confirm", data={"csrf_token": token, **kept, "number": ""})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/admin/import/preview?")
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0
    again = admin.get("/admin/import/preview", query_string={**kept, "number": "2139/QĐ-UBND"})
    text = again.get_data(as_text=True)
    assert "Kế hoạch 2139/QĐ-UBND:" in text and "Số hiệu do bạn nhập: 2139/QĐ-UBND" in text
    saved = admin.post("/admin/import/confirm", data={"csrf_token": token, **kept, "number": "2139/QĐ-UBND"})
    assert saved.status_code == 302 and saved.headers["Location"].startswith("/plans/")


def test_a_number_typed_in_previews_again_with_it(app, admin):
    kept = _kept(_upload(admin, PROVINCIAL_PLAN).get_data(as_text=True))
    page = admin.get("/admin/import/preview", query_string={**kept, "number": "99/KH-UBND"}).get_data(as_text=True)
    assert "Kế hoạch 99/KH-UBND:" in page and 'name="number" value="99/KH-UBND"' in page


def test_a_long_preview_folds_its_sections(app, admin):
    from .test_query_counts import synthetic_plan

    page = _upload(admin, synthetic_plan(60, "60/QĐ-THU").decode()).get_data(as_text=True)
    assert "<details><summary><h4>" in page and "60 nhiệm vụ" in page
    # A folded section longer than a chunk opens fifty items at a time.
    assert page.count('<details class="chunk">') == 2
    assert "Nhiệm vụ I.1 đến I.50" in page and "Nhiệm vụ I.51 đến I.60" in page


def test_a_huge_document_previews_in_one_page_of_folded_parts(app, admin):
    from .test_query_counts import synthetic_plan

    response = _upload(admin, synthetic_plan(600, "600/QĐ-THU").decode())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<details class="chunk">') == 12 and "Nhiệm vụ I.551 đến I.600" in page
    assert 'details class="changes plain"><summary>' in page  # what will be created, folded too


def _sections(*rows: tuple[str, str, str, int]) -> SimpleNamespace:
    """A report with sections (number, title, appendix, items) and that many items in each."""
    sections = [{"number": n, "title": t, "appendix": a, "items": count} for n, t, a, count in rows]
    items = [
        {
            "reference": f"{n}.{k}",
            "section": n,
            "unknown": [],
            "lead": ["Vụ Pháp chế"],
            "deadline_text": "",
            "parsed": True,
            "due": None,
        }
        for n, _t, _a, count in rows
        for k in range(1, count + 1)
    ]
    return SimpleNamespace(sections=sections, items_preview=items)


@pytest.mark.parametrize(
    "rows, shown",
    [
        # qd2530's shape: Appendix II numbers its sections from I again, stored as PLII.I; shown as "I" under it.
        (
            [("A", "BỘ X", "Phụ lục I", 1), ("PLII.I", "NHÓM Y", "Phụ lục II", 2)],
            [("Phụ lục I", ["A"]), ("Phụ lục II", ["I"])],
        ),
        ([("I", "", "", 1), ("II", "", "", 1)], [("", ["I", "II"])]),  # no appendix: one group, numbers as stored
        ([("I", "", "", 1), ("PL2", "", "PHỤ LỤC 2", 1)], [("", ["I"]), ("PHỤ LỤC 2", [""])]),  # unnumbered section
        ([("I", "", "", 1), ("PL2.I-2", "", "PHỤ LỤC 2", 1)], [("", ["I"]), ("PHỤ LỤC 2", ["I-2"])]),
    ],
)
def test_the_preview_groups_sections_under_their_appendix_without_the_stored_prefix(rows, shown):
    appendices = _appendices_with_sections(_sections(*rows), fold=False)
    assert [(a["name"], [s["shown_number"] for s in a["sections"]]) for a in appendices] == shown


@pytest.mark.parametrize(
    "name, ticked",
    [
        ("Sở Tài chính", True),
        ("Bộ Văn hóa, Thể thao và Du lịch", True),  # a comma inside one ministry's name
        ("Sở Lao động - Thương binh và Xã hội", True),  # "Xã hội" is society, not a commune
        ("Ban Quản lý các khu công nghệ cao và khu công nghiệp", True),
        ("Báo và Phát thanh, Truyền hình tỉnh", True),
        ("UBND thành phố Hà Nội, Thành phố Hồ Chí Minh", False),  # two cities under one head
        ("Mặt trận Tổ quốc Việt Nam và các tổ chức thành viên", False),
        ("Liên đoàn Lao động tỉnh và Hội Nông dân tỉnh", False),
        ("Sở Y tế; Công an tỉnh", False),
        ("Các bộ, ngành liên quan", False),
        ("Bộ Nông nghiệp và Môi trường (chủ trì phần chính sách)", False),
    ],
)
def test_a_name_that_goes_on_with_another_agency_is_offered_unticked(name, ticked):
    report = SimpleNamespace(unknown_units=[{"name": name, "where": "bảng 1, hàng 2"}])
    assert _offered_names(report)[0]["ticked"] is ticked


@pytest.mark.parametrize(
    "change, parts",
    [
        (
            "nhiệm vụ 1: thời hạn “Quý III” → “Quý IV” (hiểu là 30/09/2026 → 31/12/2026)",
            [("nhiệm vụ 1: thời hạn ", "Quý III", "Quý IV"), (" (hiểu là 30/09/2026 → 31/12/2026)", None, None)],
        ),
        (
            "nhiệm vụ 6: đơn vị chủ trì “A” → “B”; đơn vị phối hợp “” → “A”",
            [("nhiệm vụ 6: đơn vị chủ trì ", "A", "B"), ("; đơn vị phối hợp ", "", "A"), ("", None, None)],
        ),
        ("tạo mới nhiệm vụ 7", [("tạo mới nhiệm vụ 7", None, None)]),
    ],
)
def test_a_change_is_cut_into_old_and_new_for_the_page_to_mark(change, parts):
    assert _told(change) == parts
    assert "".join(text + (f"“{old}” → “{new}”" if old is not None else "") for text, old, new in parts) == change


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/admin/import"),
        ("POST", "/admin/import"),
        ("GET", "/admin/import/preview"),
        ("POST", "/admin/import/confirm"),
        ("POST", "/admin/import/cancel"),
        ("POST", "/admin/import/units"),
    ],
)
def test_every_import_route_is_forbidden_to_non_admins(app, runner, client, login_as, method, path):
    _load_units(runner)
    with app.app_context():
        make_user("viewer", "viewer")
        db.session.commit()
    login_as("viewer")
    token = {"csrf_token": csrf_token(client, "/account")}
    response = client.get(path) if method == "GET" else client.post(path, data=token)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/admin/import/confirm", "/admin/import/cancel", "/admin/import/units"])
def test_every_step_after_the_preview_needs_the_forms_csrf_token(app, admin, path):
    kept = _kept(_upload(admin, PROVINCIAL_PLAN).get_data(as_text=True))
    response = admin.post(path, data={**kept, "number": "", "names": ["Sở Thông tin và Truyền thông"]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0
        assert db.session.scalar(select(Unit.id).where(Unit.name == "Sở Thông tin và Truyền thông")) is None
    assert (Path(app.config["IMPORT_DIR"]) / f"{kept['token']}{kept['suffix']}").is_file()  # not cancelled


def test_an_upload_without_the_csrf_token_is_refused_and_nothing_kept(app, admin):
    folder = Path(app.config["IMPORT_DIR"])
    before = set(folder.iterdir()) if folder.is_dir() else set()
    response = admin.post(
        "/admin/import",
        data={"number": "", "file": (io.BytesIO(PROVINCIAL_PLAN.encode()), "a.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "Xem trước (chưa lưu)" not in response.get_data(as_text=True)
    assert (set(folder.iterdir()) if folder.is_dir() else set()) == before


# --- The new data on the plan and item pages --------------------------------------------------------------


def test_the_plan_page_shows_the_issuer_and_kpi_targets_and_the_item_page_its_notes(app, admin, client):
    with app.app_context():
        save_plan(_document(), source_name="qd2530.docx", now=utcnow())
        db.session.commit()
        plan_id = db.session.scalar(select(Plan.id))
        item_id = next(i.id for i in db.session.scalars(select(ActionItem)) if i.reference == "PLII.I.1")
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Cơ quan ban hành: Thủ tướng Chính phủ." in page
    assert "Các chỉ tiêu của kế hoạch" in page and "Tỉ lệ dịch vụ công trực tuyến toàn trình" in page
    assert ">tối thiểu 40%</td>" in page and "Giai đoạn 2025-2027" in page and "31/12/2027" in page
    assert '<th scope="rowgroup" colspan="6">Phụ lục II</th>' in page
    item = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert '<dt>Tình trạng</dt><dd class="task">Đang thực hiện</dd>' in item
    assert "<dt>Nguồn lực thực hiện</dt>" in item


def test_the_plan_page_queries_do_not_grow_with_its_targets(app, admin, client):
    from .test_query_counts import statements_for

    counts = []
    for size in (2, 40):
        with app.app_context():
            doc = _document()
            doc.targets = [
                TargetRow(
                    section="I",
                    group=f"I.{n % 3}",
                    ref=str(n),
                    indicator=f"Chỉ tiêu {n}",
                    value="100%",
                    unit_of_measure="%",
                    lead="Văn phòng Bộ",
                    period="2025",
                    due="2025-12-31",
                    where="",
                )
                for n in range(size)
            ]
            save_plan(doc, source_name="a.docx", now=utcnow())
            db.session.commit()
            plan_id = db.session.scalar(select(Plan.id))
        counts.append(statements_for(app, client, f"/plans/{plan_id}"))
    assert counts[0] == counts[1]
