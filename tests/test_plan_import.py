"""Importing the plan from the official document: every layout, nothing invented, nothing lost."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Plan, Target, Unit, UnitGroup
from tracker.plan_import import PlanImportError, import_document, read_document

from .conftest import SEED_APPENDIX1_PIPES, SEED_PLAN
from .documents import PROVINCIAL_PLAN, build_docx, build_html

APPENDIX1_UNITS = [
    "Cục Điện ảnh",
    "Tổng cục Du lịch",
    "Tổng cục Thể dục thể thao",
    "Cục Di sản văn hóa",
    "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm",
    "Cục Văn hóa cơ sở",
    "Vụ Thư viện",
    "Cục Hợp tác quốc tế",
    "Cục Nghệ thuật biểu diễn",
    "Cục Bản quyền tác giả",
    "Vụ Kế hoạch, Tài chính",
]


def _load_units(runner):
    result = runner.invoke(args=["units", "load"])
    assert result.exit_code == 0, result.output


def _import(runner, path, *extra):
    result = runner.invoke(args=["plan", "import", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def appendix1_snapshot() -> list:
    """Appendix 1 as saved: groups, their members, and each target's meaning (not its spelling)."""
    groups = db.session.scalars(select(UnitGroup).order_by(UnitGroup.number))
    return [
        (
            g.number,
            g.name,
            g.declared_size,
            [(m.written, m.unit.name if m.unit else None) for m in g.members],
            [(t.indicator.number, t.indicator.ratio, t.kind, t.value_min, t.value_max, t.note) for t in g.targets],
        )
        for g in groups
    ]


def appendix2_snapshot() -> list:
    """Appendix 2 as saved: every item's columns, units and parsed deadline, and its assignments."""
    items = db.session.scalars(select(ActionItem).order_by(ActionItem.position))
    return [
        (
            i.reference,
            i.section.title,
            i.task,
            i.lead_text,
            i.coordinating_text,
            i.expected_output,
            i.deadline_text,
            i.due_on,
            i.recurrence,
            i.is_ongoing,
            [(u.role, u.written, u.kind, u.unit.code if u.unit else None) for u in i.units],
            sorted(a.unit.code for a in i.assignments),
        )
        for i in items
    ]


def database_snapshot() -> tuple:
    plans = [(p.number, p.title, p.year, p.issued_on) for p in db.session.scalars(select(Plan))]
    statuses = sorted(
        (a.item_id, a.unit_id, a.status, a.version, a.is_active) for a in db.session.scalars(select(Assignment))
    )
    return plans, appendix1_snapshot(), appendix2_snapshot(), statuses


def item(reference: str) -> ActionItem:
    return next(i for i in db.session.scalars(select(ActionItem)) if i.reference == reference)


# --- The seed decision, as extracted text ---------------------------------------------------------


def test_seed_plan_imports_with_its_number_title_and_counts(app, runner):
    _load_units(runner)
    report = _import(runner, SEED_PLAN)
    assert report["plan"] == "1872/QĐ-BVHTTDL"
    assert report["sections"] == [
        {"number": "I", "title": "Hoàn thiện các văn bản quy định", "items": 4},
        {"number": "II", "title": "", "items": 0},
    ]
    assert report["items"] == 4
    assert report["assignments"] == 1 + 11 + 1 + 1
    assert report["targets"] == 12
    assert report["unknown_units"] == []
    assert report["unparsed_deadlines"] == []
    assert report["created"] > 0 and report["updated"] == 0
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        assert plan.year == 2023
        assert plan.issued_on == date(2023, 7, 13)
        assert "DỊCH VỤ CÔNG TRỰC TUYẾN" in plan.title


def test_seed_import_warns_that_section_ii_has_a_header_and_no_rows(app, runner):
    _load_units(runner)
    report = _import(runner, SEED_PLAN)
    warnings = [w for w in report["warnings"] if "mục II" in w]
    assert len(warnings) == 1
    assert "không có nhiệm vụ nào" in warnings[0]
    assert warnings[0].startswith("dòng ")  # names the place in the document


def test_seed_appendix1_has_four_groups_of_eleven_units_and_twelve_targets(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        snapshot = appendix1_snapshot()
        assert [g[1] for g in snapshot] == ["Nhóm 1", "Nhóm 2", "Nhóm 3", "Nhóm 4"]
        assert [g[2] for g in snapshot] == [3, 3, 4, 1]
        assert [name for g in snapshot for _, name in g[3]] == APPENDIX1_UNITS
        assert db.session.scalar(select(func.count(Target.id))) == 12
        group1 = snapshot[0][4]
        assert [(t[2], t[3]) for t in group1] == [
            ("value", Decimal(100)),
            ("value", Decimal(90)),
            ("value", Decimal(90)),
        ]
        assert [t[1] for t in group1] == ["full_online", "procedures_online", "dossiers_online"]


def test_group_4_targets_keep_their_notes(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        full, procedures, dossiers = appendix1_snapshot()[3][4]
    assert full[2] == "not_applicable"
    assert full[5] == ("Thực hiện thông qua Cơ chế một cửa Quốc gia, trên phần mềm của Tổng cục Hải quan cung cấp.")
    assert (procedures[2], procedures[3], procedures[5]) == (
        "value",
        Decimal(50),
        "Thông qua phần mềm của Tổng cục Hải quan cung cấp.",
    )
    assert (dossiers[2], dossiers[3], dossiers[4], dossiers[5]) == (
        "range",
        Decimal(20),
        Decimal(30),
        "Thông qua phần mềm của Tổng cục Hải quan cung cấp.",
    )


def test_item_1_is_led_by_the_legal_department_due_end_of_august(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        first = item("I.1")
        assert [a.unit.name for a in first.assignments] == ["Vụ Pháp chế"]
        assert first.due_on == date(2023, 8, 31)
        assert first.deadline_text == "Tháng 8/2023"
        # The task keeps its line breaks and bullets.
        assert first.task.startswith("Tiếp tục nghiên cứu, trình cơ quan có thẩm quyền ban hành:\n- Chính sách")
        assert first.task.count("\n- ") == 3
        coordinating = first.mentions("coordinating")
        assert [(w, k, len(u)) for w, k, u in coordinating] == [
            ("Các cơ quan được giao giải quyết TTHC", "collective", 11),
            ("các đơn vị có liên quan", "unspecified", 0),
        ]


def test_item_2_collective_lead_expands_to_one_assignment_per_appendix1_unit(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        second = item("I.2")
        assert sorted(a.unit.name for a in second.assignments) == sorted(APPENDIX1_UNITS)
        assert len(second.assignments) == 11
        assert [units[0].name for _, _, units in second.mentions("coordinating")] == ["Trung tâm Công nghệ thông tin"]
        assert second.due_on == date(2023, 10, 31)


def test_item_3_is_yearly_and_led_by_the_it_centre(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        third = item("I.3")
        assert [a.unit.name for a in third.assignments] == ["Trung tâm Công nghệ thông tin"]
        assert third.recurrence == "yearly"
        assert third.due_on == date(2023, 12, 31)  # 31 Dec of the plan's year
        # A yearly item has one occurrence per plan year, each with its own status.
        assert [(a.occurrence, a.due_on) for a in third.assignments] == [(2023, date(2023, 12, 31))]
        assert [len(u) for _, _, u in third.mentions("coordinating")] == [11]


def test_item_4_keeps_its_coordinating_units_as_an_unspecified_collective(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        fourth = item("I.4")
        assert fourth.due_on == date(2023, 12, 31)
        assert fourth.coordinating_text == "Các cơ quan, đơn vị có liên quan"
        assert [(w, k) for w, k, _ in fourth.mentions("coordinating")] == [
            ("Các cơ quan, đơn vị có liên quan", "unspecified")
        ]


def test_importing_twice_changes_nothing_and_keeps_recorded_progress(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        assignment = item("I.1").assignments[0]
        assignment.status, assignment.version = "in_progress", 2
        db.session.commit()
        before = database_snapshot()
    again = _import(runner, SEED_PLAN)
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["changes"] == []
    with app.app_context():
        assert database_snapshot() == before
        assert item("I.1").assignments[0].status == "in_progress"


def test_reimporting_a_changed_document_updates_in_place(app, runner, tmp_path):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        ids = {i.reference: i.id for i in db.session.scalars(select(ActionItem))}
    changed = tmp_path / "plan.txt"
    changed.write_text(
        SEED_PLAN.read_text(encoding="utf-8").replace("\tTháng 8/2023", "\tTháng 9/2023"), encoding="utf-8"
    )
    report = _import(runner, changed)
    assert (report["created"], report["updated"]) == (0, 2)
    assert sorted(report["changes"]) == [
        "nhiệm vụ I.1: thời hạn “Tháng 8/2023” → “Tháng 9/2023” (hiểu là 31/08/2023 → 30/09/2023)",
        "phân công nhiệm vụ I.1 cho VPC: hạn “31/08/2023” → “30/09/2023”",
    ]
    with app.app_context():
        assert item("I.1").due_on == date(2023, 9, 30)
        assert item("I.1").assignments[0].due_on == date(2023, 9, 30)  # the unit's deadline follows
        assert {i.reference: i.id for i in db.session.scalars(select(ActionItem))} == ids


def test_a_lead_unit_dropped_by_a_new_version_keeps_its_assignment_inactive(app, runner, tmp_path):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    changed = tmp_path / "plan.txt"
    text = SEED_PLAN.read_text(encoding="utf-8")
    changed.write_text(text.replace("\tVụ Pháp chế\n", "\tVăn phòng Bộ\n"), encoding="utf-8")
    _import(runner, changed)
    with app.app_context():
        by_unit = {a.unit.code: a.is_active for a in item("I.1").assignments}
    assert by_unit == {"VPC": False, "VPB": True}


def test_dry_run_reports_without_writing(app, runner):
    _load_units(runner)
    report = _import(runner, SEED_PLAN, "--dry-run")
    assert report["items"] == 4 and report["created"] > 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0


# --- Other layouts of the same appendices -------------------------------------------------------------


def _seed_snapshots(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        snapshot = database_snapshot()
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in ("units", "unit_aliases"):
                db.session.execute(table.delete())
        db.session.commit()
    return snapshot


@pytest.mark.parametrize("whole_row_merged", [False, True], ids=["title-cells-merged", "whole-row-merged"])
def test_docx_tables_import_to_the_same_plan(app, runner, tmp_path, whole_row_merged):
    expected = _seed_snapshots(app, runner)
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(build_docx(SEED_PLAN, whole_row_merged=whole_row_merged))
    report = _import(runner, path)
    assert any("mục II" in w for w in report["warnings"])
    with app.app_context():
        plans, appendix1, appendix2, _ = database_snapshot()
    assert appendix1 == expected[1]
    assert appendix2 == expected[2]
    assert plans[0][0] == "1872/QĐ-BVHTTDL"


def test_html_tables_import_to_the_same_plan(app, runner, tmp_path):
    expected = _seed_snapshots(app, runner)
    path = tmp_path / "ke-hoach.html"
    path.write_bytes(build_html(SEED_PLAN))
    report = _import(runner, path)
    assert any("mục II" in w for w in report["warnings"])
    with app.app_context():
        _, appendix1, appendix2, _ = database_snapshot()
    assert appendix1 == expected[1]
    assert appendix2 == expected[2]


def test_the_pipe_table_of_the_qa_page_imports_to_the_same_appendix1(app, runner):
    expected = _seed_snapshots(app, runner)
    report = _import(runner, SEED_APPENDIX1_PIPES)
    assert report["plan"] == "1872/QĐ-BVHTTDL"  # the page writes "QÐ" with an Icelandic Eth
    assert report["targets"] == 12 and report["items"] == 0
    with app.app_context():
        assert appendix1_snapshot() == expected[1]
        assert db.session.scalar(select(Plan)).year == 2023


def test_the_pipe_table_after_the_decision_changes_nothing(app, runner):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    report = _import(runner, SEED_APPENDIX1_PIPES)
    assert (report["created"], report["updated"]) == (0, 0)


def test_a_provincial_plan_in_paragraphs_imports_each_sub_item_as_an_item(app, runner, tmp_path):
    path = tmp_path / "ke-hoach-tinh.txt"
    path.write_text(PROVINCIAL_PLAN, encoding="utf-8")
    report = _import(runner, path)
    assert report["plan"] == "2139/QĐ-UBND"
    assert report["sections"] == [
        {"number": "1", "title": "Nâng cao chất lượng tiếp nhận hồ sơ", "items": 3},
        {"number": "2", "title": "Hoàn thiện hạ tầng", "items": 3},
    ]
    assert report["unparsed_deadlines"] == [{"item": "2.a.2", "text": "Theo lộ trình của Chính phủ"}]
    with app.app_context():
        items = {i.reference: i for i in db.session.scalars(select(ActionItem).order_by(ActionItem.id))}
        assert list(items) == ["1.a", "1.b", "1.c", "2.a.1", "2.a.2", "2.đ"]
        c = items["1.c"]
        assert c.task == "Thí điểm tiếp nhận trực tuyến một số thủ tục có nhiều hồ sơ."
        assert [(w, k) for w, k, _ in c.mentions("lead")] == [
            ("Các Sở, ban, ngành", "unspecified"),
            ("UBND cấp huyện", "unspecified"),
        ]
        assert c.coordinating_text == "Trung tâm Phục vụ hành chính công"
        assert c.due_on == date(2023, 6, 30)
        assert items["1.b"].is_ongoing and items["1.b"].due_on is None
        first, second = items["2.a.1"], items["2.a.2"]
        assert first.task.endswith("- Triển khai thanh toán trực tuyến trên Cổng dịch vụ công.")
        assert first.task.startswith("Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh:")
        assert first.lead_text == "Sở Thông tin và Truyền thông"
        assert first.due_on == date(2023, 10, 31)
        assert second.lead_text == "Sở Thông tin và Truyền thông; Sở Nội vụ"
        assert second.coordinating_text == "Các Sở, ban, ngành"
        assert second.due_on is None and not second.is_deadline_parsed
        last = items["2.đ"]
        assert (last.lead_text, last.expected_output, last.due_on) == (
            "Sở Nội vụ",
            "Kho dữ liệu số hóa",
            date(2023, 12, 15),
        )
    # Units the directory does not know are reported, never dropped.
    assert {u["name"] for u in report["unknown_units"]} == {
        "Văn phòng UBND tỉnh",
        "Trung tâm Phục vụ hành chính công",
        "Sở Thông tin và Truyền thông",
        "Sở Nội vụ",
    }


def test_unit_names_match_across_spacing_and_spelling_variants(app, runner, tmp_path):
    _load_units(runner)
    text = SEED_PLAN.read_text(encoding="utf-8")
    text = (
        text.replace("\tVụ Pháp chế\n", "\tVụ\u00a0Pháp  chế\n")
        .replace("Vụ Kế hoạch, Tài chính\n", "Vụ Kế hoạch - Tài chính\n")
        .replace("Cục Di sản văn hóa;", "Cục Di sản văn hoá;")
    )
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    report = _import(runner, path)
    assert report["unknown_units"] == []
    assert report["assignments"] == 14


# --- Documents that cannot be read ---------------------------------------------------------------------


def _truncate_inside_item_3(tmp_path):
    text = SEED_PLAN.read_text(encoding="utf-8")
    cut = text.index("\tGiao chỉ tiêu về cung cấp, sử dụng DVCTT")
    path = tmp_path / "cut.txt"
    path.write_text(text[: cut + 120], encoding="utf-8")
    return path, text[:cut].count("\n") + 1


def test_a_row_cut_short_is_still_imported_and_flagged_with_its_line(app, runner, tmp_path):
    """A document is never refused for one row: the cut row keeps its task and units, and the cell it
    lacks is named with the row's line so an admin checks it."""
    _load_units(runner)
    path, line = _truncate_inside_item_3(tmp_path)
    report = _import(runner, path)
    assert report["items"] == 3
    assert any(w.startswith(f"dòng {line - 1}: nhiệm vụ số 3 thiếu ô") for w in report["warnings"])
    with app.app_context():
        assert item("I.3").task.startswith("Giao chỉ tiêu về cung cấp, sử dụng DVCTT")


def test_reimporting_a_cut_document_cancels_the_items_it_no_longer_has_and_deletes_none(app, runner, tmp_path):
    _load_units(runner)
    _import(runner, SEED_PLAN)
    with app.app_context():
        assignment = item("I.2").assignments[0]
        assignment.status = "done"
        db.session.commit()
    path, _ = _truncate_inside_item_3(tmp_path)
    report = _import(runner, path)
    assert "I.4" in [entry["reference"] for entry in report["cancelled"]]
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 4
        assert item("I.2").assignments[0].status == "done"
        assert item("I.4").cancelled_on is not None and not any(a.is_active for a in item("I.4").assignments)


@pytest.mark.parametrize(
    "name, content, where",
    [
        ("garbled.txt", b"\x00\x81\xfe binary \xff" * 20, "dòng 1"),
        ("notes.txt", "Một văn bản không có bảng nào.\nDòng thứ hai.\n".encode(), "không tìm thấy nhiệm vụ nào"),
        ("broken.docx", b"PK\x03\x04 not really a zip", ".docx"),
        ("old.doc", b"\xd0\xcf\x11\xe0 word 97", ".doc"),
        ("empty.txt", b"   \n", "tệp rỗng"),
    ],
)
def test_an_unreadable_document_is_refused_with_a_vietnamese_message(app, runner, tmp_path, name, content, where):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Lỗi: {name}: ")
    assert where in result.stderr
    assert "Không có dữ liệu nào bị thay đổi" in result.stderr


@pytest.mark.parametrize(
    "old, new, groups, items, message",
    [
        ("\tNhóm 2 (3 đơn vị): ", "\tNhóm hai: ", 3, 4, "phải bắt đầu bằng “Nhóm N”"),
        ("\t100%\n\t80%\n\t70%\n", "\t100%\n\t80%\n", 3, 4, "cần 5 ô"),
    ],
    ids=["group-without-number", "row-short-of-a-target"],
)
def test_a_garbled_group_row_is_listed_as_not_understood_and_the_rest_imported(
    app, runner, tmp_path, old, new, groups, items, message
):
    text = SEED_PLAN.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "garbled.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = _import(runner, path)
    assert report["items"] == items
    [row] = report["not_understood"]
    assert row["where"] == "dòng 127" and row["text"].startswith("2 | Nhóm") and message in row["reason"]
    with app.app_context():
        assert db.session.scalar(select(func.count(UnitGroup.id))) == groups


@pytest.mark.parametrize(
    "old, new, stts, warning",
    [
        ("\t3\n\tGiao chỉ tiêu", "\tba\n\tGiao chỉ tiêu", ["1", "2", "ba", "4"], "“ba” của nhiệm vụ không phải số"),
        ("\t4\n\tNghiên cứu", "\t3\n\tNghiên cứu", ["1", "2", "3", "3-2"], "hai nhiệm vụ cùng số 3; cả hai được nhập"),
    ],
    ids=["stt-not-a-number", "duplicate-stt"],
)
def test_an_odd_item_number_keeps_the_item_and_warns(app, runner, tmp_path, old, new, stts, warning):
    text = SEED_PLAN.read_text(encoding="utf-8")
    path = tmp_path / "odd.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = _import(runner, path)
    assert any(warning in w for w in report["warnings"])
    with app.app_context():
        assert [i.stt for i in db.session.scalars(select(ActionItem).order_by(ActionItem.position))] == stts


def test_a_plan_without_a_stated_number_needs_one_given(app, runner, tmp_path):
    path = tmp_path / "no-number.txt"
    path.write_text(PROVINCIAL_PLAN.replace("Quyết định số 2139/QĐ-UBND", "Quyết định"), encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1 and "--number" in result.stderr
    report = _import(runner, path, "--number", "99/KH-UBND")
    assert report["plan"] == "99/KH-UBND"


def test_import_operation_is_usable_without_the_cli(app):
    """The importer is a plain operation: read, save, and the caller decides to commit."""
    with app.app_context():
        doc = read_document(SEED_PLAN.read_bytes(), SEED_PLAN.name)
        assert [len(s.items) for s in doc.sections] == [4, 0]
        with pytest.raises(PlanImportError) as error:
            read_document(b"\tSTT\n\tNhi\xe1\xbb\x87m v\xe1\xbb\xa5\n", "x.txt")
        assert "không tìm thấy" in error.value.message
        report = import_document(SEED_PLAN.read_bytes(), SEED_PLAN.name, now=utcnow())
        db.session.rollback()
        assert report.items == 4 and report.unknown_units  # no directory loaded: every unit is unknown
        assert db.session.scalar(select(func.count(Unit.id))) == 0


def test_a_multi_year_plan_gets_one_occurrence_of_a_yearly_item_per_year(app, runner, tmp_path):
    _load_units(runner)
    text = SEED_PLAN.read_text(encoding="utf-8").replace(
        "CỦA BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH NĂM 2023\n(Kèm",
        "CỦA BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH GIAI ĐOẠN 2023-2025\n(Kèm",
    )
    assert "GIAI ĐOẠN 2023-2025" in text
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    report = _import(runner, path)
    assert report["assignments"] == 1 + 11 + 3 + 1
    with app.app_context():
        assert db.session.scalar(select(Plan)).end_year == 2025
        assert [(a.occurrence, a.due_on) for a in item("I.3").assignments] == [
            (2023, date(2023, 12, 31)),
            (2024, date(2024, 12, 31)),
            (2025, date(2025, 12, 31)),
        ]
        assert [a.occurrence for a in item("I.1").assignments] == [0]  # one-off items: one assignment


# --- Names as the Ministry writes them -------------------------------------------------------------------

MINISTRY_PLAN = """BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH
Số: 77/KH-BVHTTDL
Hà Nội, ngày 02 tháng 3 năm 2026

KẾ HOẠCH

| STT | Nội dung nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
| --- | --- | --- | --- | --- |
| 1 | Số hóa hồ sơ di sản | Các Cục: Di sản văn hóa, Bản quyền tác giả | Vụ Pháp chế (cơ quan thường trực) | Quý II/2026 |
| 2 | Rà soát quy chế | Vụ Pháp chế (cơ quan thường trực) | Các Cục: Di sản văn hóa, Không Có Thật | Tháng 9/2026 |
"""


def test_a_shared_head_list_is_written_once_and_assigns_each_unit_it_names(app, runner, tmp_path):
    _load_units(runner)
    path = tmp_path / "ke-hoach.md"
    path.write_text(MINISTRY_PLAN, encoding="utf-8")
    report = _import(runner, path)
    assert report["plan"] == "77/KH-BVHTTDL"
    with app.app_context():
        first = item("1")
        assert [(w, k, [u.code for u in units]) for w, k, units in first.mentions("lead")] == [
            ("Các Cục: Di sản văn hóa, Bản quyền tác giả", "collective", ["CDSVH", "CBQTG"])
        ]
        assert sorted(a.unit.code for a in first.assignments) == ["CBQTG", "CDSVH"]
        # A role note in brackets stays in what was written, and the unit is still found.
        assert [(w, k, [u.code for u in units]) for w, k, units in first.mentions("coordinating")] == [
            ("Vụ Pháp chế (cơ quan thường trực)", "unit", ["VPC"])
        ]
        assert [a.unit.code for a in item("2").assignments] == ["VPC"]
    # A list naming a unit the directory does not know stays whole and is reported, not half-assigned.
    assert [u["name"] for u in report["unknown_units"]] == ["Các Cục: Di sản văn hóa, Không Có Thật"]
