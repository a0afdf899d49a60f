"""The command-line interface: its names and JSON shapes are part of the product."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["Tháng 8/2023"],
            {"text": "Tháng 8/2023", "due": "2023-08-31", "recurrence": None, "ongoing": False, "parsed": True},
        ),
        (
            ["Hàng năm", "--year", "2023"],
            {"text": "Hàng năm", "due": None, "recurrence": "yearly", "ongoing": True, "parsed": True},
        ),
        (
            ["Quý II/2023 và thường xuyên"],
            {
                "text": "Quý II/2023 và thường xuyên",
                "due": "2023-06-30",
                "recurrence": None,
                "ongoing": True,
                "parsed": True,
            },
        ),
        (
            ["Theo lộ trình của Chính phủ"],
            {"text": "Theo lộ trình của Chính phủ", "due": None, "recurrence": None, "ongoing": False, "parsed": False},
        ),
    ],
)
def test_parse_deadline_prints_the_parsed_deadline_as_json(runner, args, expected):
    result = runner.invoke(args=["plan", "parse-deadline", *args])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == expected


def test_plan_show_json_lists_each_item_with_units_and_deadline(seeded, runner):
    result = runner.invoke(args=["plan", "show", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["plan"] == "1872/QĐ-BVHTTDL"
    items = {i["reference"]: i for i in shown["items"]}
    assert list(items) == ["I.1", "I.2", "I.3", "I.4"]
    first = items["I.1"]
    assert first["lead"] == ["Vụ Pháp chế"]
    assert first["coordinating"] == ["Các cơ quan được giao giải quyết TTHC", "các đơn vị có liên quan"]
    assert (first["deadline"], first["due"], first["recurrence"], first["ongoing"]) == (
        "Tháng 8/2023",
        "2023-08-31",
        None,
        False,
    )
    assert first["expected_output"] == "Văn bản của Bộ VHTTDL"
    assert first["assignments"] == ["Vụ Pháp chế"]
    assert len(items["I.2"]["assignments"]) == 11
    assert items["I.2"]["coordinating"] == ["Trung tâm Công nghệ thông tin"]
    assert (items["I.3"]["recurrence"], items["I.3"]["due"]) == ("yearly", "2023-12-31")
    assert items["I.4"]["coordinating"] == ["Các cơ quan, đơn vị có liên quan"]


def test_plan_show_text_output_is_readable(seeded, runner):
    result = runner.invoke(args=["plan", "show"])
    assert result.exit_code == 0
    assert "I.1" in result.stdout and "chủ trì: Vụ Pháp chế" in result.stdout
    assert "Tháng 8/2023 → 2023-08-31" in result.stdout


def test_plan_show_without_a_plan_says_so(app, runner):
    result = runner.invoke(args=["plan", "show"])
    assert result.exit_code == 1
    assert "chưa nhập kế hoạch nào" in result.stderr


def test_plan_import_prints_a_summary_and_warnings(app, runner):
    from .conftest import SEED_PLAN

    runner.invoke(args=["units", "load"])
    result = runner.invoke(args=["plan", "import", str(SEED_PLAN)])
    assert result.exit_code == 0
    assert result.stdout.startswith("Đã nhập kế hoạch 1872/QĐ-BVHTTDL: 4 nhiệm vụ, 14 phân công, 12 chỉ tiêu;")
    assert "Cảnh báo: dòng 207: mục II" in result.stdout
    dry = runner.invoke(args=["plan", "import", str(SEED_PLAN), "--dry-run"])
    assert dry.stdout.startswith("Sẽ nhập (chạy thử, chưa lưu)")
    assert "tạo mới 0, cập nhật 0" in dry.stdout


def test_units_load_is_idempotent_and_keeps_admin_aliases(app, runner):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Unit, UnitAlias
    from tracker.rules.names import fold_name

    first = runner.invoke(args=["units", "load"])
    assert "tạo mới 15, cập nhật 0" in first.stdout
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "TTCNTT"))
        assert unit.head_email.endswith("@example.org")
        unit.aliases.append(UnitAlias(alias="TT Công nghệ thông tin", folded_alias=fold_name("TT Công nghệ thông tin")))
        db.session.commit()
    second = runner.invoke(args=["units", "load"])
    assert "tạo mới 0, cập nhật 0" in second.stdout
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "TTCNTT"))
        assert {a.alias for a in unit.aliases} >= {"Trung tâm CNTT", "TT Công nghệ thông tin"}


def test_units_load_refuses_a_name_claimed_by_two_units(app, runner, tmp_path):
    path = tmp_path / "units.json"
    path.write_text(
        json.dumps(
            {
                "units": [
                    {"code": "A", "name": "Vụ Pháp chế"},
                    {"code": "B", "name": "Vụ Khác", "aliases": ["Vụ  Pháp chế"]},
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code == 1
    assert "trùng với đơn vị A" in result.stderr


def test_units_load_refuses_an_alias_already_mapped_to_another_unit(app, runner, tmp_path):
    runner.invoke(args=["units", "load"])
    path = tmp_path / "units.json"
    path.write_text(
        json.dumps(
            {
                "units": [
                    {"code": "VPC", "name": "Vụ Pháp chế", "aliases": ["Trung tâm CNTT"]},
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code == 1
    assert "“Trung tâm CNTT” trùng với đơn vị TTCNTT" in result.stderr
