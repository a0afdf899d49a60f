"""The report's tables as a workbook (.xlsx), one sheet per table: numbers as numbers, dates as dates, text
as text."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..rules import lifecycle
from ..spreadsheets import add_sheet, as_share, fit_on_a4, put, saved
from .content import BLOCKED_LABEL, CLASSES, FILE_EVIDENCE, UNIT_HEADERS, Report, unit_counts


def report_xlsx(report: Report) -> bytes:
    """The report's tables as a workbook, one sheet per table; all text written as text."""
    book = Workbook()
    info = book.worksheets[0]
    info.title = "Báo cáo"
    for r, (key, value) in enumerate(
        (
            ("Báo cáo", report.subtitle),
            ("Kế hoạch", report.plan_number),
            ("Tên kế hoạch", report.plan_title),
            ("Ngày ban hành", report.plan_issued_on),
            ("Từ ngày", report.start),
            ("Đến ngày", report.end),
            ("Tính đến ngày", report.as_of),
            ("Ngày lập báo cáo", report.made_on),
        ),
        start=1,
    ):
        put(info, r, 1, key)
        info.cell(row=r, column=1).font = Font(bold=True)
        put(info, r, 2, value)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 100
    for cells in info.iter_rows(min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    fit_on_a4(info)

    t = report.totals
    status_rows: list[list[object]] = [
        [lifecycle.CLASS_LABELS[o], t.count(o), as_share(t.share(t.count(o))) if t.total else None] for o in CLASSES
    ]
    status_rows.append(
        [f"Trong đó: {BLOCKED_LABEL.lower()}", t.blocked, as_share(t.share(t.blocked)) if t.total else None]
    )
    status_rows.append(["Tổng số", t.total, 1.0 if t.total else None])
    add_sheet(
        book,
        "Tổng hợp",
        ["Tình trạng", "Số lượng", "Tỷ lệ"],
        status_rows,
        [45, 12, 10],
        formats={3: "0.0%"},
        bold_last=True,
    )

    unit_rows = [[u.unit, *unit_counts(u.tally)] for u in report.units]
    unit_rows.append(["Tổng cộng", *unit_counts(report.totals)])
    add_sheet(book, "Theo đơn vị", list(UNIT_HEADERS[1:]), unit_rows, [45, 14, 14, 14, 14, 14, 10], bold_last=True)

    kpi_headers = ["Nhóm", "Đơn vị", "Số liệu đến ngày"]
    formats: dict[int, str] = {}
    for indicator in report.indicators:
        base = len(kpi_headers)
        if indicator.kind == "count":
            kpi_headers += [
                f"Số liệu ({indicator.number})",
                f"Chỉ tiêu ({indicator.number})",
                f"Đánh giá ({indicator.number})",
                f"Thiếu ({indicator.number})",
            ]
            formats[base + 1], formats[base + 4] = "0.#", "0.#"
            continue
        kpi_headers += [
            f"Tỷ lệ ({indicator.number})",
            f"Chỉ tiêu ({indicator.number})",
            f"Đánh giá ({indicator.number})",
            f"Thiếu ({indicator.number}), điểm %",
        ]
        formats[base + 1], formats[base + 4] = "0.0%", "0.0"
    kpi_rows = []
    for row in report.kpi:
        values: list[object] = [row.group, row.unit, row.as_of]
        for cell in row.cells:
            scale = 1 if cell.kind == "count" else 100
            shown = cell.percent if scale == 1 else as_share(cell.percent)
            values += [shown, cell.target, cell.status_label, cell.gap_points]
        kpi_rows.append(values)
    add_sheet(
        book,
        "Chỉ tiêu DVCTT",
        kpi_headers,
        kpi_rows,
        [10, 40, 14] + [12, 16, 16, 12] * len(report.indicators),
        formats=formats,
    )

    add_sheet(
        book,
        "Hoàn thành trong kỳ",
        [
            "Nhiệm vụ",
            "Nội dung",
            "Đơn vị chủ trì",
            "Hạn",
            "Ngày hoàn thành",
            "Đánh giá",
            "Số văn bản",
            "Ngày văn bản",
            "Trích yếu",
            "Tệp",
        ],
        [
            [
                r.reference,
                r.task,
                r.unit,
                r.due_on or r.deadline_text,
                r.completed_on,
                r.outcome_label,
                r.evidence.document_number,
                r.evidence.document_date,
                r.evidence.document_title,
                FILE_EVIDENCE if r.evidence.has_file else "",
            ]
            for r in report.completed
        ],
        [10, 60, 30, 12, 14, 22, 18, 12, 40, 14],
    )

    add_sheet(
        book,
        "Vướng mắc",
        [
            "Nhiệm vụ",
            "Nội dung",
            "Đơn vị chủ trì",
            "Hạn",
            "Tình trạng",
            "Gặp vướng mắc từ ngày",
            "Khó khăn, vướng mắc",
            "Đề xuất",
        ],
        [
            [
                r.reference,
                r.task,
                r.unit,
                r.due_on or r.deadline_text,
                r.outcome_label,
                r.blocked_on,
                r.difficulty,
                r.proposal,
            ]
            for r in report.blocked
        ],
        [10, 60, 30, 12, 24, 14, 50, 50],
    )

    if report.cancelled:  # counted apart from the four classes, never as open or overdue
        add_sheet(
            book,
            "Đã bãi bỏ",
            ["Nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Ngày bãi bỏ", "Lý do"],
            [[r.reference, r.task, r.lead, r.cancelled_on, r.reason] for r in report.cancelled],
            [10, 60, 30, 14, 40],
        )

    return saved(book)
