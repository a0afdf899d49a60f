"""The 6-monthly and annual report: every assignment classified as of the period's end (or today, if earlier)
by the four classes of Quy chế 42/2014/QĐ-TTg, per unit, with the KPI table, blocked and completed items;
its .docx, .xlsx and print view, who may get them, and (with LibreOffice) that the files open and print."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.assignments import change_assignment
from tracker.clock import utcnow
from tracker.config import load_config
from tracker.evidence import store_evidence
from tracker.extensions import db
from tracker.figures import record_figures
from tracker.models import ActionItem, Plan, Unit, User
from tracker.reports import Issuer, build_report, period_label, report_docx, report_xlsx, vn_long_date
from tracker.reports.docx import DEFAULT_TEMPLATE, template_document
from tracker.rules.kpi import Counts
from tracker.rules.lifecycle import Change, Evidence

from .conftest import find_assignment, make_user

H1 = ("2023-01-01", "2023-06-30")
YEAR = ("2023-01-01", "2023-12-31")
EXAMPLE = Counts(
    procedures_total=12,
    full_online_eligible=6,
    full_online_provided=6,
    partial_online_accepting=6,
    procedures_with_dossiers=10,
    procedures_with_online_dossiers=8,
    dossiers_total=1458,
    dossiers_online=134,
)
DIFFICULTY = "Chưa có hướng dẫn của Bộ Tư pháp về thẩm định thông tư sửa đổi."
PROPOSAL = "Đề nghị Lãnh đạo Bộ có văn bản đề nghị Bộ Tư pháp hướng dẫn."


@pytest.fixture
def today():
    return "2023-11-15"


def at(day: date) -> datetime:
    """Nine in the morning in Hà Nội on day, in UTC as stored."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def head_of(code: str) -> User:
    user = db.session.scalar(select(User).join(Unit).where(Unit.code == code, User.role == "unit_head"))
    return user or make_user(f"head_{code.lower()}", "unit_head", code)


def move(reference: str, code: str, change: Change, on: date, evidence_file=None) -> None:
    assignment = find_assignment(reference, code)
    change_assignment(
        assignment,
        change,
        actor=head_of(code),
        expected_version=assignment.version,
        today=date(2023, 11, 15),
        now=at(on),
        evidence_file=evidence_file,
    )


@pytest.fixture
def moved(seeded):
    """The seed plan after a season's work (today 15/11/2023):
    - Cục Bản quyền tác giả finished I.2 (due 31/10) on 20/06 with Decision 45/QĐ-BQTG: on time;
    - Cục Điện ảnh finished I.2 on 10/11 with a scanned file only: late;
    - Vụ Pháp chế got blocked on I.1 (due 31/08) on 10/09, with a difficulty and a proposal;
    - Cục Di sản văn hóa started I.2 on 01/05; the IT Centre started I.4 (due 31/12) on 01/08;
    - Cục Bản quyền tác giả reported figures on 15/05 (the plan's example) and on 31/08."""
    with seeded.app_context():
        move(
            "I.2",
            "CBQTG",
            Change(
                "done",
                evidence=Evidence(
                    document_number="45/QĐ-BQTG",
                    document_date=date(2023, 6, 20),
                    document_title="Quyết định ban hành danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến",
                    completed_on=date(2023, 6, 20),
                ),
            ),
            date(2023, 6, 20),
        )
        cda = find_assignment("I.2", "CDA")
        scan = store_evidence(
            io.BytesIO(b"%PDF-1.4 ban scan"),
            "quyet-dinh.pdf",
            assignment=cda,
            uploader=head_of("CDA"),
            now=at(date(2023, 11, 10)),
            upload_dir=Path(seeded.config["UPLOAD_DIR"]),
            max_bytes=1 << 20,
        )
        move(
            "I.2",
            "CDA",
            Change("done", evidence=Evidence(completed_on=date(2023, 11, 10))),
            date(2023, 11, 10),
            evidence_file=scan,
        )
        move("I.1", "VPC", Change("blocked", difficulty=DIFFICULTY, proposal=PROPOSAL), date(2023, 9, 10))
        move("I.2", "CDSVH", Change("in_progress", comment="Đang rà soát."), date(2023, 5, 1))
        move("I.4", "TTCNTT", Change("in_progress", comment="Đang xây dựng."), date(2023, 8, 1))
        office = db.session.scalar(select(Unit).where(Unit.code == "CBQTG"))
        record_figures(
            office,
            EXAMPLE,
            as_of=date(2023, 5, 15),
            today=date(2023, 11, 15),
            now=utcnow(),
            reporter=None,
            source="cli",
        )
        later = Counts(**{**EXAMPLE.__dict__, "dossiers_total": 2000, "dossiers_online": 700})
        record_figures(
            office, later, as_of=date(2023, 8, 31), today=date(2023, 11, 15), now=utcnow(), reporter=None, source="cli"
        )
        db.session.commit()
    return seeded


def report_for(app, start: str, end: str, today: str = "2023-11-15"):
    """The seed plan's report for start–end, made on today (the fixtures' 15/11/2023 unless told)."""
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        return build_report(plan, date.fromisoformat(start), date.fromisoformat(end), today=date.fromisoformat(today))


def plan_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Plan.id))


# --- What the report says --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, label",
    [
        (date(2023, 1, 1), date(2023, 6, 30), "6 tháng đầu năm 2023"),
        (date(2023, 1, 1), date(2023, 12, 31), "năm 2023"),
        (date(2023, 7, 1), date(2023, 12, 31), "6 tháng cuối năm 2023"),
        (date(2023, 3, 1), date(2023, 11, 15), "từ 01/03/2023 đến 15/11/2023"),
        (date(2023, 1, 1), date(2024, 6, 30), "từ 01/01/2023 đến 30/06/2024"),
    ],
)
def test_the_period_is_named_as_reports_name_it(start, end, label):
    assert period_label(start, end) == label


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2023, 11, 15), "ngày 15 tháng 11 năm 2023"),
        (date(2023, 2, 5), "ngày 05 tháng 02 năm 2023"),
        (date(2023, 3, 9), "ngày 09 tháng 3 năm 2023"),
    ],
)
def test_the_report_date_is_written_as_decree_30_writes_it(day, text):
    assert vn_long_date(day) == text


@pytest.mark.parametrize(
    "period, expected",
    [
        # (on time, late, in time, overdue, blocked, total)
        (H1, (1, 0, 13, 0, 0, 14)),
        (YEAR, (1, 1, 2, 10, 1, 14)),
    ],
)
def test_counts_by_class_as_of_the_end_of_the_period(moved, period, expected):
    t = report_for(moved, *period).totals
    assert (t.done_on_time, t.done_late, t.not_done_in_time, t.not_done_overdue, t.blocked, t.total) == expected


@pytest.mark.parametrize(
    "period, today, as_of, expected",
    [
        # (on time, late, in time, overdue, blocked, total) as of min(end of the period, today)
        (YEAR, "2023-09-15", date(2023, 9, 15), (1, 0, 12, 1, 1, 14)),  # only I.1 (due 31/08) is overdue yet
        (YEAR, "2023-08-31", date(2023, 8, 31), (1, 0, 13, 0, 0, 14)),  # due today is still in time
        (YEAR, "2024-01-15", date(2023, 12, 31), (1, 1, 2, 10, 1, 14)),  # a closed period: as of its end
        (H1, "2023-05-10", date(2023, 5, 10), (0, 0, 14, 0, 0, 14)),  # CBQTG finished on 20/06, not yet
        (H1, "2023-11-15", date(2023, 6, 30), (1, 0, 13, 0, 0, 14)),  # made after 30/06: as of 30/06
    ],
)
def test_a_report_stands_as_of_the_end_of_the_period_or_today_if_earlier(moved, period, today, as_of, expected):
    report = report_for(moved, *period, today=today)
    t = report.totals
    assert report.as_of == as_of and report.made_on == date.fromisoformat(today)
    assert (t.done_on_time, t.done_late, t.not_done_in_time, t.not_done_overdue, t.blocked, t.total) == expected
    assert f"Tính đến ngày {as_of:%d/%m/%Y}: " in report.summary
    assert report.is_before_end == (as_of < report.end)


def test_the_seed_plans_year_report_on_15_09_counts_one_overdue_as_monitoring_does(seeded):
    report = report_for(seeded, *YEAR, today="2023-09-15")
    t = report.totals
    assert (t.not_done_overdue, t.not_done_in_time, t.total) == (1, 13, 14)
    assert report.summary.endswith(
        "Tính đến ngày 15/09/2023: 0 hoàn thành đúng hạn, 0 hoàn thành quá hạn, "
        "13 chưa hoàn thành nhưng còn hạn, 1 chưa hoàn thành và đã quá hạn; trong số "
        "chưa hoàn thành có 0 đang gặp vướng mắc."
    )
    assert report.as_of_note == (
        "Kỳ báo cáo đến ngày 31/12/2023 chưa kết thúc: số liệu trong báo cáo tính đến "
        "ngày 15/09/2023, ngày lập báo cáo."
    )


@pytest.mark.parametrize(
    "today, outcome",
    [
        ("2023-10-15", "not_done_in_time"),  # blocked on 01/10, due 31/10: not overdue yet
        ("2023-11-15", "not_done_overdue"),
    ],
)
def test_a_blocked_item_not_yet_due_is_not_overdue(moved, today, outcome):
    with moved.app_context():
        move("I.2", "TCDL", Change("blocked", difficulty=DIFFICULTY), date(2023, 10, 1))
        db.session.commit()
    report = report_for(moved, *YEAR, today=today)
    row = next(r for r in report.blocked if r.unit == "Tổng cục Du lịch")
    assert (row.due_on, row.outcome) == (date(2023, 10, 31), outcome)
    tally = next(u.tally for u in report.units if u.unit_code == "TCDL")
    assert (tally.blocked, tally.count(outcome), tally.total) == (1, 1, 1)


def test_each_lead_unit_has_its_row_in_the_plans_order(moved):
    report = report_for(moved, *YEAR)
    rows = {row.unit_code: row.tally for row in report.units}
    assert [row.unit_code for row in report.units][:2] == ["VPC", "CDA"]
    assert len(rows) == 13

    def as_tuple(t):
        return t.done_on_time, t.done_late, t.not_done_overdue, t.not_done_in_time, t.blocked, t.total

    assert as_tuple(rows["VPC"]) == (0, 0, 1, 0, 1, 1)
    assert as_tuple(rows["CDA"]) == (0, 1, 0, 0, 0, 1)
    assert as_tuple(rows["CBQTG"]) == (1, 0, 0, 0, 0, 1)
    assert as_tuple(rows["TTCNTT"]) == (0, 0, 0, 2, 0, 2)  # I.3 (yearly, 2023) and I.4
    assert as_tuple(report_for(moved, *H1).units[0].tally) == (0, 0, 0, 1, 0, 1)  # VPC before the deadline


def test_the_kpi_table_takes_the_latest_figures_on_or_before_the_end(moved):
    def row(report):
        return next(r for r in report.kpi if r.unit == "Cục Bản quyền tác giả")

    h1 = row(report_for(moved, *H1))
    assert (h1.group, h1.as_of) == ("Nhóm 3", date(2023, 5, 15))
    one, two, three = h1.cells
    assert (one.percent, one.status, two.percent, two.target) == (100, "met", 80, "50%")
    assert (str(three.percent), three.target, three.status, str(three.gap_points)) == ("9.2", "30%", "not_met", "20.8")
    assert three.summary == "9,2% (chỉ tiêu 30%) — Chưa đạt, thiếu 20,8 điểm %"
    year = row(report_for(moved, *YEAR))
    assert (year.as_of, year.cells[2].percent, year.cells[2].status) == (date(2023, 8, 31), 35, "met")

    report = report_for(moved, *YEAR)
    assert [i.number for i in report.indicators] == [1, 2, 3]
    assert len(report.kpi) == 11 and [g for g, _ in report.kpi_groups] == ["Nhóm 1", "Nhóm 2", "Nhóm 3", "Nhóm 4"]
    finance = next(r for r in report.kpi if r.unit == "Vụ Kế hoạch, Tài chính")
    assert finance.as_of is None and finance.cells[0].status == "not_applicable"
    assert finance.cells[0].target.startswith("Không áp dụng (Thực hiện thông qua Cơ chế một cửa Quốc gia")
    assert finance.cells[2].target == "20–30%" and finance.cells[2].status == "no_data"


def test_blocked_items_carry_the_difficulty_and_proposal_as_they_stood_on_the_end(moved):
    [row] = report_for(moved, *YEAR).blocked
    assert (row.reference, row.unit, row.due_on) == ("I.1", "Vụ Pháp chế", date(2023, 8, 31))
    assert (row.difficulty, row.proposal, row.blocked_on) == (DIFFICULTY, PROPOSAL, date(2023, 9, 10))
    assert row.outcome_label == "Chưa hoàn thành, quá hạn"
    assert row.task.startswith("Tiếp tục nghiên cứu, trình cơ quan có thẩm quyền ban hành:\n- Chính sách")
    # On 31/08 Vụ Pháp chế had not reported the difficulty yet (it did on 10/09).
    before = report_for(moved, "2023-01-01", "2023-08-31")
    assert before.blocked == [] and before.totals.blocked == 0


def test_completed_items_of_the_period_with_their_evidence(moved):
    [first_half] = report_for(moved, *H1).completed
    assert (first_half.unit, first_half.completed_on, first_half.is_late) == (
        "Cục Bản quyền tác giả",
        date(2023, 6, 20),
        False,
    )
    assert first_half.evidence.text == (
        "Số 45/QĐ-BQTG ngày 20/06/2023: Quyết định ban hành danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến"
    )
    second_half = report_for(moved, "2023-07-01", "2023-12-31").completed
    assert [(r.unit, r.is_late, r.evidence.text) for r in second_half] == [("Cục Điện ảnh", True, "tệp đính kèm")]
    assert len(report_for(moved, *YEAR).completed) == 2


def test_only_active_assignments_are_reported(moved):
    with moved.app_context():
        find_assignment("I.2", "VKHTC").is_active = False
        db.session.commit()
    report = report_for(moved, *YEAR)
    assert report.totals.total == 13
    assert "VKHTC" not in {row.unit_code for row in report.units}


def test_building_the_report_takes_the_same_few_queries_for_any_number_of_assignments(seeded):
    from tracker.plan_import import import_document

    from .test_query_counts import _give_history, count_statements, synthetic_plan

    counts = []
    for size in (10, 200):
        with seeded.app_context():
            result = import_document(synthetic_plan(size, f"{size}/QĐ-THU"), "load.txt", now=utcnow())
            db.session.commit()
        _give_history(seeded, 2)
        with seeded.app_context():
            plan = db.session.scalar(select(Plan).where(Plan.number == result.plan))
            with count_statements() as counter:
                report = build_report(plan, date(2023, 1, 1), date(2023, 12, 31), today=date(2024, 1, 1))
            assert report.totals.total >= size
        counts.append(counter["n"])
    assert counts[0] == counts[1] and counts[1] <= 15


# --- The files ---------------------------------------------------------------------------------------


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_keeps_text_as_text_and_dates_as_dates(moved):
    with moved.app_context():
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.1")
        item.task = "=1+1"
        db.session.commit()
    book = load_workbook(io.BytesIO(report_xlsx(report_for(moved, *YEAR))))
    assert book.sheetnames == [
        "Báo cáo",
        "Tổng hợp",
        "Theo đơn vị",
        "Chỉ tiêu DVCTT",
        "Hoàn thành trong kỳ",
        "Vướng mắc",
    ]
    blocked = book["Vướng mắc"]
    assert blocked["B2"].value == "=1+1" and blocked["B2"].data_type == "s"
    assert (blocked["C2"].value, blocked["G2"].value, blocked["H2"].value) == ("Vụ Pháp chế", DIFFICULTY, PROPOSAL)
    assert blocked["D2"].value == datetime(2023, 8, 31) and blocked["D2"].number_format == "DD/MM/YYYY"

    def share(n):  # of 14, rounded to one decimal of a percent as the sheet holds it
        return pytest.approx(n / 14, abs=1e-3)

    assert _rows(book["Tổng hợp"])[1:] == [
        ("Hoàn thành đúng hạn", 1, share(1)),
        ("Hoàn thành quá hạn", 1, share(1)),
        ("Chưa hoàn thành, còn hạn", 2, share(2)),
        ("Chưa hoàn thành, quá hạn", 10, share(10)),
        ("Trong đó: gặp vướng mắc", 1, share(1)),
        ("Tổng số", 14, 1.0),
    ]
    units = _rows(book["Theo đơn vị"])
    assert units[0][0] == "Đơn vị chủ trì" and units[1] == ("Vụ Pháp chế", 0, 0, 1, 0, 1, 1)
    assert units[-1] == ("Tổng cộng", 1, 1, 10, 2, 1, 14)
    kpi = {row[1]: row for row in _rows(book["Chỉ tiêu DVCTT"])[1:]}
    office = kpi["Cục Bản quyền tác giả"]
    assert office[:3] == ("Nhóm 3", "Cục Bản quyền tác giả", datetime(2023, 8, 31))
    assert office[11:15] == (pytest.approx(0.35), "30%", "Đạt", 0.0)
    done = {row[2]: row for row in _rows(book["Hoàn thành trong kỳ"])[1:]}
    assert done["Cục Bản quyền tác giả"][3:10] == (
        datetime(2023, 10, 31),
        datetime(2023, 6, 20),
        "Hoàn thành đúng hạn",
        "45/QĐ-BQTG",
        datetime(2023, 6, 20),
        "Quyết định ban hành danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến",
        None,
    )
    assert done["Cục Điện ảnh"][5:] == ("Hoàn thành quá hạn", None, None, None, "tệp đính kèm")


def test_percentages_in_the_workbook_are_numbers_with_a_percent_format(moved):
    """Issue 13 point 13: a share is a number a spreadsheet shows as "71,4%" (10 of 14, rounded to one decimal
    of a percent as the report shows it), not a bare 0.7142857… nor text."""
    book = load_workbook(io.BytesIO(report_xlsx(report_for(moved, *YEAR))))
    for row in book["Tổng hợp"].iter_rows(min_row=2):
        label, count, share = row
        assert share.number_format == "0.0%" and isinstance(share.value, (int, float)), label.value
        assert round(share.value, 6) == round(round(count.value / 14 * 100, 1) / 100, 6), label.value
    kpi = book["Chỉ tiêu DVCTT"]
    headers = [c.value for c in kpi[1]]
    ratio = headers.index("Tỷ lệ (1)") + 1
    cells = [row[ratio - 1] for row in kpi.iter_rows(min_row=2) if row[ratio - 1].value is not None]
    assert cells and all(c.number_format == "0.0%" and round(c.value, 3) == round(c.value, 6) for c in cells)


def test_a_formula_like_difficulty_is_text_in_the_workbook(moved):
    with moved.app_context():
        move(
            "I.2",
            "TCDL",
            Change("blocked", difficulty='=HYPERLINK("http://x.invalid","bấm")', proposal="@SUM(A1)"),
            date(2023, 10, 1),
        )
        db.session.commit()
    sheet = load_workbook(io.BytesIO(report_xlsx(report_for(moved, *YEAR))))["Vướng mắc"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "Tổng cục Du lịch")
    assert (row[6].value, row[6].data_type) == ('=HYPERLINK("http://x.invalid","bấm")', "s")
    assert (row[7].value, row[7].data_type) == ("@SUM(A1)", "s")


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_document_has_the_administrative_header_and_the_tables(moved):
    document = Document(io.BytesIO(report_docx(report_for(moved, *H1))))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert all(
        2 <= round(m.cm, 1) <= 3
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    )
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size.pt) == ("Times New Roman", 13)
    fonts = normal.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Times New Roman"

    header = document.tables[0]
    left, right = (" ".join(cell.text.split()) for cell in header.rows[0].cells)
    assert "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH" in left and "TRUNG TÂM CÔNG NGHỆ THÔNG TIN" in left
    assert "Số: …/BC-TTCNTT" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Hà Nội, ngày 15 tháng 11 năm 2023" in right
    borders = header._tbl.xpath(".//w:tblBorders")
    assert header.style.name == "Normal Table" and not borders  # no lines round the header block

    text = _text(document)
    assert (
        "BÁO CÁO\nKết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL 6 tháng đầu năm 2023"
    ) in text
    assert "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ" in text and "IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT" in text

    summary, units, kpi, completed = document.tables[1:5]
    assert [[c.text for c in row.cells][1:3] for row in summary.rows][1:] == [
        ["Hoàn thành đúng hạn", "1"],
        ["Hoàn thành quá hạn", "0"],
        ["Chưa hoàn thành, còn hạn", "13"],
        ["Chưa hoàn thành, quá hạn", "0"],
        ["Trong đó: gặp vướng mắc (chưa hoàn thành)", "0"],
        ["Tổng số", "14"],
    ]
    assert [c.text for c in units.rows[1].cells] == ["1", "Vụ Pháp chế", "0", "0", "0", "1", "0", "1"]
    assert [c.text for c in units.rows[-1].cells][1:] == ["Tổng cộng", "1", "0", "0", "13", "0", "14"]
    office = next(row for row in kpi.rows if row.cells[1].text == "Cục Bản quyền tác giả")
    assert office.cells[2].text == "15/05/2023"
    assert office.cells[5].text == "9,2%\n(chỉ tiêu 30%)\nChưa đạt, thiếu 20,8 điểm %"
    assert "Số 45/QĐ-BQTG ngày 20/06/2023" in completed.rows[1].cells[5].text
    assert "Tính đến ngày 30/06/2023, không có nhiệm vụ nào gặp vướng mắc." in text


def test_the_documents_blocked_table_names_difficulty_and_proposal(moved):
    document = Document(io.BytesIO(report_docx(report_for(moved, *YEAR))))
    blocked = document.tables[-2]  # the last one is the signature block
    assert [c.text for c in blocked.rows[0].cells] == [
        "STT",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Hạn",
        "Khó khăn, vướng mắc",
        "Đề xuất",
    ]
    cells = [c.text for c in blocked.rows[1].cells]
    assert cells[1].startswith("I.1. Tiếp tục nghiên cứu")
    assert cells[2:] == ["Vụ Pháp chế", "31/08/2023", DIFFICULTY, PROPOSAL]


def test_the_files_say_which_day_the_report_stands_as_of(moved):
    report = report_for(moved, *YEAR, today="2023-09-15")
    text = _text(Document(io.BytesIO(report_docx(report))))
    assert (
        "Kỳ báo cáo đến ngày 31/12/2023 chưa kết thúc: số liệu trong báo cáo tính đến ngày 15/09/2023, "
        "ngày lập báo cáo."
    ) in text
    assert "Tính đến ngày 15/09/2023: 1 hoàn thành đúng hạn" in text
    assert "1. Tổng hợp theo tình trạng (tính đến ngày 15/09/2023)" in text
    assert "31/12/2023" not in text.replace("Kỳ báo cáo đến ngày 31/12/2023", "")
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    info = {row[0]: row[1] for row in _rows(book["Báo cáo"])}
    assert (info["Đến ngày"], info["Tính đến ngày"]) == (datetime(2023, 12, 31), datetime(2023, 9, 15))
    summary = {row[0]: row[1] for row in _rows(book["Tổng hợp"])[1:]}
    assert (summary["Chưa hoàn thành, còn hạn"], summary["Chưa hoàn thành, quá hạn"]) == (12, 1)
    closed = report_for(moved, *YEAR, today="2024-01-15")
    assert "chưa kết thúc" not in _text(Document(io.BytesIO(report_docx(closed))))


def _all_text(document) -> str:
    """The paragraphs' text and the header's and signature's (the tables between name the units)."""
    cells = [cell.text for table in (document.tables[0], document.tables[-1]) for cell in table.rows[0].cells]
    return "\n".join([_text(document), *cells])


def _signature(document) -> tuple[list[str], list[str]]:
    left, right = document.tables[-1].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs if p.text]


def test_the_document_is_signed_as_the_it_centre_by_default(moved):
    document = Document(io.BytesIO(report_docx(report_for(moved, *H1))))
    assert _signature(document) == (
        ["Nơi nhận:", "- Lãnh đạo Bộ (để báo cáo);", "- Các đơn vị chủ trì;", "- Lưu: VT, TTCNTT."],
        ["GIÁM ĐỐC"],
    )
    text = _text(document)
    assert "Trung tâm Công nghệ thông tin báo cáo kết quả thực hiện 6 tháng đầu năm 2023 như sau:" in text
    assert "Trung tâm Công nghệ thông tin trân trọng báo cáo./." in text
    assert document.core_properties.author == "Trung Tâm Công Nghệ Thông Tin"


def test_the_issuer_and_signer_come_from_the_settings(moved, login_as, client):
    """Issue 14 point 7: the issuer, the number, the place, "Nơi nhận" and the signer are TRACKER_REPORT_*
    settings, not code; the .docx and the print view both say what they are set to."""
    moved.config.update(
        REPORT_ISSUER_PARENT="ỦY BAN NHÂN DÂN|TỈNH LÀO CAI",
        REPORT_ISSUER="SỞ KHOA HỌC|VÀ CÔNG NGHỆ",
        REPORT_ISSUER_NAME="Sở Khoa học và Công nghệ",
        REPORT_NUMBER_SUFFIX="/BC-SKHCN",
        REPORT_PLACE="Lào Cai",
        REPORT_RECIPIENTS="UBND tỉnh (để báo cáo);|Lưu: VT, SKHCN.",
        REPORT_SIGNER_TITLE="KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC",
        REPORT_SIGNER_NAME="Nguyễn Văn An",
    )
    login_as("monitor")
    pid = plan_id(moved)
    document = Document(io.BytesIO(client.get(f"/reports/{pid}.docx?start=2023-01-01&end=2023-06-30").data))
    left, right = (" ".join(cell.text.split()) for cell in document.tables[0].rows[0].cells)
    assert left == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI SỞ KHOA HỌC VÀ CÔNG NGHỆ Số: …/BC-SKHCN"
    assert right.endswith("Lào Cai, ngày 15 tháng 11 năm 2023")
    text = _text(document)
    assert "Sở Khoa học và Công nghệ báo cáo kết quả thực hiện 6 tháng đầu năm 2023 như sau:" in text
    assert "Sở Khoa học và Công nghệ trân trọng báo cáo./." in text
    assert _signature(document) == (
        ["Nơi nhận:", "- UBND tỉnh (để báo cáo);", "- Lưu: VT, SKHCN."],
        ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Nguyễn Văn An"],
    )
    everything = _all_text(document)
    for old in ("TRUNG TÂM CÔNG NGHỆ", "Trung tâm Công nghệ thông tin", "TTCNTT", "Hà Nội", "Lãnh đạo Bộ"):
        assert old not in everything
    assert document.core_properties.author == "Sở Khoa Học Và Công Nghệ"
    page = client.get(f"/reports/{pid}/print?start=2023-01-01&end=2023-06-30").get_data(as_text=True)
    assert "SỞ KHOA HỌC<br>VÀ CÔNG NGHỆ" in page and "Số: …/BC-SKHCN" in page
    assert "Lào Cai, ngày 15 tháng 11 năm 2023" in page


def test_the_report_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_REPORT_SIGNER_NAME", "Trần Thị Bình")
    monkeypatch.setenv("TRACKER_REPORT_RECIPIENTS", "Như trên;| Lưu: VT. |")
    monkeypatch.setenv("TRACKER_REPORT_TEMPLATE", "mau/bao-cao.docx")
    values = load_config(str(tmp_path))
    issuer = Issuer.from_settings(values)
    assert (issuer.signer_name, issuer.recipients) == ("Trần Thị Bình", ("Như trên;", "Lưu: VT."))
    assert issuer.lines == ("TRUNG TÂM CÔNG NGHỆ", "THÔNG TIN") and issuer.number == "Số: …/BC-TTCNTT"
    assert values["REPORT_TEMPLATE"] == str(tmp_path / "mau" / "bao-cao.docx")  # under the instance folder
    monkeypatch.delenv("TRACKER_REPORT_TEMPLATE")
    assert load_config(str(tmp_path))["REPORT_TEMPLATE"] == str(DEFAULT_TEMPLATE)


def test_an_edited_template_is_the_one_used(moved, login_as, client, tmp_path):
    """The customer edits a copy of the template in Word and names it in TRACKER_REPORT_TEMPLATE."""
    template = Document(str(DEFAULT_TEMPLATE))
    title = next(p for p in template.paragraphs if p.text == "BÁO CÁO")
    title.runs[0].text = "BÁO CÁO TỔNG KẾT"
    template.add_paragraph("Người lập: {{ issuer.signer_title }} ({{ report.period }})")
    path = tmp_path / "mau-bao-cao.docx"
    template.save(str(path))
    moved.config["REPORT_TEMPLATE"] = str(path)
    login_as("monitor")
    response = client.get(f"/reports/{plan_id(moved)}.docx?start=2023-01-01&end=2023-12-31")
    text = _text(Document(io.BytesIO(response.data)))
    assert "BÁO CÁO TỔNG KẾT\nKết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL" in text
    assert text.endswith("Người lập: GIÁM ĐỐC (năm 2023)")


def test_the_shipped_template_is_what_the_code_builds(tmp_path):
    """tracker/report_templates/bao-cao.docx is regenerated by tools/make_report_template.py, never edited."""
    built = tmp_path / "bao-cao.docx"
    template_document().save(str(built))
    with zipfile.ZipFile(built) as ours, zipfile.ZipFile(DEFAULT_TEMPLATE) as shipped:
        for part in ("word/document.xml", "word/styles.xml", "word/settings.xml"):
            assert ours.read(part) == shipped.read(part), part


def test_control_characters_and_markup_in_the_text_do_not_break_the_files(moved):
    """Issue 15 finding 1: XML cannot carry \\x01 nor Word's line break \\x0b; the files leave the one out and
    write the other as a line break. "<" and "&" stay text."""
    difficulty = "Dòng một\x0bdòng hai\x01 <w:p> & “trích”"
    with moved.app_context():
        plan = db.session.scalar(select(Plan))
        plan.number = "1872/QĐ-BVHTTDL\x01"
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2")
        item.task = item.task + "\x0bTiếp theo\x01."
        blocked = Change("blocked", difficulty=difficulty, proposal="{{ report }}\x0c{% if %}")
        move("I.2", "TCDL", blocked, date(2023, 10, 1))
        db.session.commit()
    report = report_for(moved, *YEAR)
    document = Document(io.BytesIO(report_docx(report)))
    row = next(r for r in document.tables[-2].rows if r.cells[2].text == "Tổng cục Du lịch")
    assert row.cells[1].text.endswith("\nTiếp theo.")
    assert (row.cells[4].text, row.cells[5].text) == ("Dòng một\ndòng hai <w:p> & “trích”", "{{ report }}\n{% if %}")
    assert "Kết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL năm 2023" in _text(document)
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["Vướng mắc"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == "Tổng cục Du lịch")
    assert row[1].endswith("\nTiếp theo.")
    assert (row[6], row[7]) == ("Dòng một\ndòng hai <w:p> & “trích”", "{{ report }}\n{% if %}")
    assert dict(_rows(book["Báo cáo"]))["Kế hoạch"] == "1872/QĐ-BVHTTDL"


# --- The pages -----------------------------------------------------------------------------------------


def test_the_chooser_offers_plan_and_period_and_links_to_the_three_outputs(moved, login_as, client):
    login_as("monitor")
    page = client.get("/reports").get_data(as_text=True)
    for label in (
        '<label for="plan">Kế hoạch</label>',
        '<label for="year">Năm</label>',
        "<legend>Kỳ báo cáo</legend>",
        '<label for="period-h1">',
        '<label for="period-year">',
        '<label for="start">Từ ngày</label>',
    ):
        assert label in page
    assert 'value="h1" checked' in page  # before December the six-month report is the one due
    pid = plan_id(moved)
    page = client.get(f"/reports?plan={pid}&year=2023&period=year").get_data(as_text=True)
    assert "Báo cáo năm 2023" in page
    for output in ("/print", ".docx", ".xlsx"):
        assert f"/reports/{pid}{output}?start=2023-01-01&amp;end=2023-12-31" in page
    page = client.get(f"/reports?plan={pid}&period=range&start=2023-03-01&end=2023-09-30").get_data(as_text=True)
    assert "Báo cáo từ 01/03/2023 đến 30/09/2023" in page
    response = client.get(f"/reports?plan={pid}&period=range&start=2023-09-30&end=2023-03-01")
    assert response.status_code == 400
    message = "Ngày bắt đầu (30/09/2023) phải trước hoặc bằng ngày kết thúc (01/03/2023)."
    assert message in response.get_data(as_text=True)


def test_the_print_view_is_the_report_on_a_page(moved, login_as, client):
    login_as("viewer")
    response = client.get(f"/reports/{plan_id(moved)}/print?start=2023-01-01&end=2023-12-31")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Hà Nội, ngày 15 tháng 11 năm 2023" in page
    assert "Kết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL năm 2023" in page
    assert DIFFICULTY in page and PROPOSAL in page and "tệp đính kèm" in page
    assert 'class="no-print report-tools"' in page


@pytest.mark.parametrize("today", ["2023-09-15"])
def test_the_pages_made_before_the_period_ends_stand_as_of_today(seeded, login_as, client):
    login_as("monitor")
    pid = plan_id(seeded)
    page = client.get(f"/reports/{pid}/print?start=2023-01-01&end=2023-12-31").get_data(as_text=True)
    assert "Tính đến ngày 15/09/2023: 0 hoàn thành đúng hạn" in page
    assert "13 chưa hoàn thành nhưng còn hạn, 1 chưa hoàn thành và đã quá hạn" in page
    assert "1. Tổng hợp theo tình trạng (tính đến ngày 15/09/2023)" in page
    assert "số liệu trong báo cáo tính đến ngày 15/09/2023, ngày lập báo cáo." in page
    assert "Hà Nội, ngày 15 tháng 9 năm 2023" in page
    chooser = client.get(f"/reports?plan={pid}&year=2023&period=year").get_data(as_text=True)
    assert "các nhiệm vụ được xếp loại theo tình hình đến ngày 15/09/2023." in chooser
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/{pid}.xlsx?start=2023-01-01&end=2023-12-31").data))
    assert dict(_rows(sheet["Báo cáo"]))["Tính đến ngày"] == datetime(2023, 9, 15)
    document = Document(io.BytesIO(client.get(f"/reports/{pid}.docx?start=2023-01-01&end=2023-12-31").data))
    assert "Tính đến ngày 15/09/2023: 0 hoàn thành đúng hạn" in _text(document)


@pytest.mark.parametrize(
    "kind, mimetype, magic",
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_the_downloads_are_attachments_with_an_ascii_name(moved, login_as, client, kind, mimetype, magic):
    login_as("admin")
    response = client.get(f"/reports/{plan_id(moved)}.{kind}?start=2023-01-01&end=2023-06-30")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-1872-QD-BVHTTDL-2023-01-01-2023-06-30.{kind}"'
    )
    assert response.data.startswith(magic) and zipfile.is_zipfile(io.BytesIO(response.data))


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2023-13-01&end=2023-12-31", "Ngày bắt đầu “2023-13-01” không phải là một ngày hợp lệ"),
        ("start=2023-01-01&end=hom-nay", "Ngày kết thúc “hom-nay” không phải là một ngày hợp lệ"),
        ("start=2023-07-01&end=2023-06-30", "phải trước hoặc bằng ngày kết thúc"),
        ("end=2023-06-30", "Thiếu ngày bắt đầu."),
    ],
)
@pytest.mark.parametrize("output", ["/print", ".docx", ".xlsx"])
def test_bad_dates_get_a_400_page_in_vietnamese(moved, login_as, client, query, message, output):
    login_as("monitor")
    response = client.get(f"/reports/{plan_id(moved)}{output}?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Yêu cầu không hợp lệ" in page and message in page


def test_dd_mm_yyyy_dates_are_accepted_too(moved, login_as, client):
    login_as("monitor")
    response = client.get(f"/reports/{plan_id(moved)}/print?start=01/01/2023&end=30/06/2023")
    assert response.status_code == 200 and "6 tháng đầu năm 2023" in response.get_data(as_text=True)


def test_an_unknown_plan_is_404(moved, login_as, client):
    login_as("monitor")
    assert client.get("/reports/999999.docx?start=2023-01-01&end=2023-06-30").status_code == 404


@pytest.mark.parametrize(
    "who, status", [("admin", 200), ("monitor", 200), ("viewer", 200), ("head_cda", 403), ("staff_cda", 403)]
)
def test_reports_are_for_the_it_centre_leadership_and_admins(moved, login_as, client, who, status):
    login_as(who)
    pid = plan_id(moved)
    for path in (
        "/reports",
        f"/reports/{pid}/print?start=2023-01-01&end=2023-06-30",
        f"/reports/{pid}.docx?start=2023-01-01&end=2023-06-30",
        f"/reports/{pid}.xlsx?start=2023-01-01&end=2023-06-30",
    ):
        assert client.get(path).status_code == status, path
    menu = client.get("/account").get_data(as_text=True)
    assert ('href="/reports">Báo cáo</a>' in menu) == (status == 200)


def test_signed_out_visitors_are_sent_to_sign_in(moved, client):
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- LibreOffice: the files open and print ----------------------------------------------------------


def libreoffice() -> str:
    """The libreoffice program; the test is skipped without it, unless TRACKER_REQUIRE_LIBREOFFICE is set."""
    program = shutil.which("libreoffice") or shutil.which("soffice")
    if program is None:
        if os.environ.get("TRACKER_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required (TRACKER_REQUIRE_LIBREOFFICE) but `libreoffice` is not installed")
        pytest.skip(
            "LibreOffice is not installed (./test.sh installs libreoffice-writer-nogui and "
            "libreoffice-calc-nogui when run as root)"
        )
    return program


def to_pdf(program: str, source: Path, tmp_path: Path) -> Path:
    out = tmp_path / f"pdf-{source.suffix[1:]}"
    result = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = out / f"{source.stem}.pdf"
    assert result.returncode == 0 and pdf.exists(), f"LibreOffice did not convert {source.name}: {result.stderr}"
    return pdf


def pdf_text(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout


@pytest.mark.parametrize("kind, expected", [("docx", "BÁO CÁO"), ("xlsx", "Hoàn thành đúng hạn")], ids=["docx", "xlsx"])
def test_libreoffice_converts_the_files_to_pdf(moved, login_as, client, tmp_path, kind, expected):
    program = libreoffice()
    login_as("monitor")
    response = client.get(f"/reports/{plan_id(moved)}.{kind}?start=2023-01-01&end=2023-12-31")
    source = tmp_path / f"bao-cao.{kind}"
    source.write_bytes(response.data)
    pdf = to_pdf(program, source, tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 1, "the PDF has no page"
    text = pdf_text(pdf)
    if text is not None:
        assert expected in text
        assert "Vụ Pháp chế" in text
