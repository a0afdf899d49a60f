"""`plan check-corpus`: documents imported into a scratch database and scored against hand-checked ground
truth — items found in order, units and deadlines exact, nothing invented — with figures anyone can rerun."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Plan
from tracker.plan_import import import_document
from tracker.plan_import.corpus_check import (
    DocumentScore,
    FoundItem,
    Totals,
    align,
    corpus_documents,
    score_items,
    shortfalls,
    task_key,
)

from .conftest import CORPUS

PLAN = """ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM
Số: 45/KH-UBND
Thử Nghiệm, ngày 10 tháng 3 năm 2025

KẾ HOẠCH

| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
| --- | --- | --- | --- | --- |
| 1 | Xây dựng cơ sở dữ liệu đất đai | Sở Nông nghiệp và Môi trường | Sở Tài chính; UBND các huyện, thành phố | Quý II/2025 |
| 2 | Tập huấn cán bộ cấp xã | Sở Nội vụ | | Hàng năm |
| 3 | Rà soát thủ tục hành chính | Văn phòng UBND tỉnh | Các sở, ban, ngành tỉnh | Theo kế hoạch |
"""


def _item(task, lead, coordinating, due, recurrence=None, ongoing=False):
    return {
        "task": task,
        "lead": lead,
        "coordinating": coordinating,
        "due": due,
        "recurrence": recurrence,
        "ongoing": ongoing,
    }


EXPECTED = {
    "number": "45/KH-UBND",
    "targets": [],
    "items": [
        _item(
            "Xây dựng cơ sở dữ liệu đất đai",
            ["Sở Nông nghiệp và Môi trường"],
            ["Sở Tài chính", "UBND các huyện, thành phố"],
            "2025-06-30",
        ),
        _item("Tập huấn cán bộ cấp xã", ["Sở Nội vụ"], [], None, "yearly", True),
        _item("Rà soát thủ tục hành chính", ["Văn phòng UBND tỉnh"], ["Các sở, ban, ngành tỉnh"], None),
    ],
}


@pytest.mark.parametrize(
    "expected, found, pairs",
    [
        (["a" * 30, "b" * 30, "c" * 30], ["a" * 30, "b" * 30, "c" * 30], [(0, 0), (1, 1), (2, 2)]),
        (["a" * 30, "b" * 30, "c" * 30], ["a" * 30, "c" * 30], [(0, 0), (2, 1)]),  # one missed
        (["a" * 30, "c" * 30], ["a" * 30, "x" * 30, "c" * 30], [(0, 0), (1, 2)]),  # one invented
        (["a" * 30, "b" * 30], ["b" * 30, "a" * 30], [(1, 0)]),  # out of order: only one in order
        (["a" * 40], ["a" * 25], [(0, 0)]),  # a shorter start of the same task
    ],
    ids=["all", "missed", "invented", "out-of-order", "prefix"],
)
def test_items_are_matched_in_document_order(expected, found, pairs):
    assert align(expected, found) == pairs


def test_a_task_key_ignores_emphasis_bullets_case_and_punctuation():
    assert task_key("- **Xây dựng**, triển khai  Đề án.") == task_key("xây dựng triển khai đề án")


def test_units_are_compared_as_written_in_any_order_and_deadlines_as_date_yearly_ongoing():
    score = DocumentScore(file="x")
    expected = [
        _item("Nhiệm vụ thứ nhất dài hơn hai mươi ký tự", ["Sở A", "Sở B"], ["Sở C"], "2025-06-30"),
        _item("Nhiệm vụ thứ hai dài hơn hai mươi ký tự", ["Sở D"], [], None, "yearly", True),
    ]
    found = [
        FoundItem("Nhiệm vụ thứ nhất dài hơn hai mươi ký tự", ["Sở B", "Sở A"], ["Sở C."], "2025-06-30", None, False),
        FoundItem("Nhiệm vụ thứ hai dài hơn hai mươi ký tự", ["Sở D", "Sở E"], [], None, "yearly", False),
        FoundItem("Một đoạn văn không phải nhiệm vụ", ["Sở X"], [], None, None, False),
    ]
    score_items(score, expected, found)
    assert (score.found, score.lead_exact, score.coordinating_exact, score.deadline_exact, score.invented) == (
        2,
        1,
        2,
        1,
        1,
    )
    assert [(index, what) for index, what, _, _ in score.mismatches] == [(1, "lead"), (1, "deadline")]


def test_the_acceptance_figures_are_named_when_missed():
    totals = Totals(
        expected_items=100, found=97, lead_exact=96, coordinating_exact=90, deadline_exact=95, invented=2, refused=1
    )
    assert shortfalls(totals) == ["found 97.0% < 98%", "1 document(s) refused", "2 invented item(s)"]
    assert shortfalls(Totals(expected_items=10, found=10, lead_exact=10, coordinating_exact=9, deadline_exact=10)) == []


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "kh45.md").write_text(PLAN, encoding="utf-8")
    (tmp_path / "kh45.expected.json").write_text(json.dumps(EXPECTED, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_a_folder_is_scored_through_a_real_import_into_a_scratch_database(app, runner, folder):
    result = runner.invoke(args=["plan", "check-corpus", str(folder), "--json", "--strict"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    [document] = figures["documents"]
    assert (
        document["file"],
        document["found"],
        document["lead_exact"],
        document["coordinating_exact"],
        document["deadline_exact"],
        document["invented"],
        document["refused"],
    ) == ("kh45.md", 3, 3, 3, 3, 0, None)
    assert figures["totals"]["found_rate"] == 1.0 and figures["shortfalls"] == []
    # The scratch database is thrown away: the app's own database has no plan.
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_strict_fails_when_a_document_is_refused_or_an_item_missed(runner, folder):
    (folder / "broken.md").write_text("Một đoạn văn không có nhiệm vụ nào.\n", encoding="utf-8")
    (folder / "broken.expected.json").write_text(json.dumps(EXPECTED, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["plan", "check-corpus", str(folder), "--strict"])
    assert result.exit_code == 1
    assert "broken.md" in result.stdout and "TỪ CHỐI" in result.stdout
    assert "Chưa đạt: found 50.0% < 98%" in result.stdout and "1 document(s) refused" in result.stdout
    assert runner.invoke(args=["plan", "check-corpus", str(folder), "--only", "kh45"]).exit_code == 0


def _corpus_files():
    assert CORPUS.is_dir(), f"the development corpus is expected at {CORPUS}"
    return [path for path, _ in corpus_documents(CORPUS)]


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_reimporting_an_unchanged_real_plan_changes_nothing(app, path):
    with app.app_context():
        first = import_document(path.read_bytes(), path.name, now=utcnow(), number="1/KIỂM-TRA")
        db.session.commit()
        again = import_document(path.read_bytes(), path.name, now=utcnow(), number="1/KIỂM-TRA")
        db.session.commit()
    assert first.created > 0
    assert (again.created, again.updated, again.changes) == (0, 0, [])
