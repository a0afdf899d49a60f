"""Imports are linear: the SQL statements a plan import or a KPI file import issues do not grow with its rows
(a statement per row made 10,000 rows take minutes). Counted, never timed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select

from tracker.extensions import db
from tracker.figures_files import import_rows, read_figures_file
from tracker.models import ActionItem, Assignment, ItemUnit, KpiReport, Plan, PlanVersion, Unit
from tracker.models.versions import ItemEvent
from tracker.plan_import import import_document
from tracker.rules.kpi import FIELDS
from tracker.units import UnitDirectory, load_units

from .conftest import SEEDS

NOW = datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
LEADS = ("Cục Điện ảnh", "Vụ Pháp chế", "Cục Di sản văn hóa", "Vụ Thư viện", "Cục Bản quyền tác giả")
DEADLINES = ("Quý II/2026", "Hàng năm", "Thường xuyên", "31/12/2026", "Theo lộ trình")


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def plan_text(rows: int, task: str = "Nhiệm vụ") -> bytes:
    lines = [
        "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        f"Số: {rows}/KH-BVHTTDL",
        "Hà Nội, ngày 10 tháng 3 năm 2026",
        "",
        "KẾ HOẠCH",
        "",
        "| STT | Nội dung nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |",
        "| --- | --- | --- | --- | --- |",
    ]
    for n in range(1, rows + 1):
        lead, other = LEADS[n % len(LEADS)], LEADS[(n + 1) % len(LEADS)]
        lines.append(f"| {n} | {task} số {n} | {lead} | {other} | {DEADLINES[n % len(DEADLINES)]} |")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _import(data: bytes) -> tuple[int, dict]:
    with counted() as statements:
        report = import_document(data, "ke-hoach.txt", now=NOW)
        db.session.commit()
    return len(statements), report.as_dict()


@pytest.fixture
def units(app):
    with app.app_context():
        load_units(SEEDS / "units.json")
        db.session.commit()
        yield


def _plan_statements(app, rows: int) -> tuple[int, int, dict]:
    """Statements of a first import, then of a re-import that changes every task."""
    with app.app_context():
        first, report = _import(plan_text(rows))
        assert report["items"] == rows and report["unknown_units"] == []
        again, changed = _import(plan_text(rows, task="Việc"))
        assert changed["updated"] == rows and changed["created"] == 0
        return first, again, report


def test_a_plan_import_issues_as_many_statements_for_500_items_as_for_50(app, units):
    small_first, small_again, _ = _plan_statements(app, 50)
    large_first, large_again, report = _plan_statements(app, 500)
    assert large_first == small_first
    assert large_again == small_again
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.number == "500/KH-BVHTTDL"))
        # Everything a row makes is there: the items in order, their units, assignments (one a year for a
        # yearly item), one event per item and change, two versions.
        items = list(db.session.scalars(select(ActionItem).where(ActionItem.plan == plan).order_by(ActionItem.id)))
        item_ids = [i.id for i in items]
        assert [i.stt for i in items] == [str(n) for n in range(1, 501)]
        assert [i.position for i in items] == list(range(1, 501))
        assert db.session.scalar(select(func.count(ItemUnit.id)).where(ItemUnit.item_id.in_(item_ids))) == 1000
        assigned = select(func.count(Assignment.id)).where(Assignment.item_id.in_(item_ids))
        assert db.session.scalar(assigned) == report["assignments"]
        yearly = [i for i in items if i.deadline_text == "Hàng năm"]
        assert {len(i.assignments) for i in yearly} == {1}  # a plan of one year: one occurrence
        assert [a.unit.name for a in items[0].assignments] == [LEADS[1]]
        kinds = db.session.execute(
            select(ItemEvent.kind, func.count()).where(ItemEvent.item_id.in_(item_ids)).group_by(ItemEvent.kind)
        ).all()
        assert dict(kinds) == {"created": 500, "changed": 500}
        assert db.session.scalar(select(func.count(PlanVersion.id)).where(PlanVersion.plan_id == plan.id)) == 2
        first = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == 1))
        assert len(first.snapshot["items"]) == 500
        assert first.snapshot["items"][0]["lead"] == [{"written": LEADS[1], "kind": "unit", "units": ["VPC"]}]


def kpi_file(rows: int) -> bytes:
    """Consistent counts for `rows` rows over the seed units and many dates; every tenth row corrects the one
    before it (same unit, same date)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit", "as_of", *FIELDS])
    codes = ["CDA", "VPC", "CDSVH", "VTV", "CBQTG", "TCDL"]
    for n in range(rows):
        key = n - 1 if n % 10 == 9 else n
        as_of = date.fromordinal(TODAY.toordinal() - key // len(codes))
        counts = (20, 10, 5, 4, 3, 2, 10 + n, 5)
        writer.writerow([codes[key % len(codes)], as_of.isoformat(), *counts])
    return out.getvalue().encode("utf-8")


def _kpi_statements(rows: int) -> int:
    db.session.execute(db.delete(KpiReport))
    db.session.commit()
    units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
    read = read_figures_file(kpi_file(rows), "so-lieu.csv", UnitDirectory.from_database(), units)
    with counted() as statements:
        assert import_rows(read, today=TODAY, now=NOW, reporter=None, plan=None) == rows  # type: ignore[arg-type]
        db.session.commit()
    return len(statements)


def test_a_kpi_file_issues_as_many_statements_for_500_rows_as_for_50(app, units):
    with app.app_context():
        small = _kpi_statements(50)
        assert _kpi_statements(500) == small
        # Every row is kept; a correction in the same file supersedes the row before it, as one by one.
        assert db.session.scalar(select(func.count(KpiReport.id))) == 500
        current = db.session.scalar(select(func.count(KpiReport.id)).where(KpiReport.is_current))
        assert current == 450
        superseded = db.session.scalars(select(KpiReport).where(~KpiReport.is_current).order_by(KpiReport.id)).first()
        later = db.session.scalar(
            select(KpiReport).where(
                KpiReport.unit_id == superseded.unit_id, KpiReport.as_of == superseded.as_of, KpiReport.is_current
            )
        )
        assert later.id > superseded.id and later.figures["dossiers_total"] == superseded.figures["dossiers_total"] + 1


def test_a_kpi_file_supersedes_the_reports_already_kept_for_its_dates(app, units):
    with app.app_context():
        units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
        directory = UnitDirectory.from_database()
        first = read_figures_file(kpi_file(20), "a.csv", directory, units)
        import_rows(first, today=TODAY, now=NOW, reporter=None)  # type: ignore[arg-type]
        db.session.commit()
        again = read_figures_file(kpi_file(20), "b.csv", directory, units)
        import_rows(again, today=TODAY, now=NOW, reporter=None)  # type: ignore[arg-type]
        db.session.commit()
        assert db.session.scalar(select(func.count(KpiReport.id))) == 40
        # 18 (unit, date) keys, each with exactly one current report: the second file's last row for it.
        current = list(db.session.scalars(select(KpiReport).where(KpiReport.is_current).order_by(KpiReport.id)))
        assert len(current) == 18 and len({(r.unit_id, r.as_of) for r in current}) == 18
        assert min(r.id for r in current) > max(
            db.session.scalars(select(KpiReport.id).order_by(KpiReport.id).limit(20))
        )


def test_the_import_bench_runs_on_small_inputs(capsys):
    from tools.bench.imports import main

    assert main(["--plan-rows", "30", "--kpi-rows", "60", "--units", "12", "--runs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "plan, 30 items: median" in printed and "KPI .csv, 60 rows: median" in printed
