"""Turns the tables any reader found into the plan's Appendix 1 (groups, targets) and Appendix 2 (items)."""
from __future__ import annotations

import re

from ..rules.names import fold_name, normalize_text, normalize_text_keep_lines, split_names
from .document import Cell, GroupRow, ItemRow, PlanDocument, PlanImportError, SectionRows, Table

_ROMAN_RE = re.compile(r"^[IVXLC]+$")
_ROMAN_TITLE_RE = re.compile(r"^([IVXLC]+)[.\s]\s*(\S.*)$", re.S)
_STT_RE = re.compile(r"^\d+(?:\.\d+)*$")
_GROUP_RE = re.compile(r"^Nhóm\s*(\d+)\s*(?:\(\s*(\d+)\s*đơn vị\s*\))?\s*:?\s*(.*)$", re.S | re.I)
_INDICATOR_NUMBER_RE = re.compile(r"\s*\((\d+)\)\s*$")
_COLUMN_NUMBERS_RE = re.compile(r"^\(?\d+\)?$")

# Appendix 2 columns, recognised by words in their heading (folded).
_ITEM_COLUMNS = {
    "stt": ("stt", "số thứ tự", "tt"),
    "task": ("nhiệm vụ", "nội dung"),
    "lead": ("chủ trì", "đơn vị thực hiện", "cơ quan thực hiện"),
    "coordinating": ("phối hợp",),
    "expected_output": ("kết quả", "sản phẩm"),
    "deadline": ("thời gian", "thời hạn", "tiến độ"),
}
_REQUIRED_ITEM_COLUMNS = ("stt", "task", "lead", "deadline")
_COLUMN_LABELS = {
    "stt": "STT", "task": "Nhiệm vụ", "lead": "Đơn vị chủ trì", "coordinating": "Đơn vị phối hợp",
    "expected_output": "Dự kiến kết quả", "deadline": "Thời gian hoàn thành",
}


def cell_text(cell: Cell) -> str:
    """A cell's text with spaces folded and its line breaks (bullets) kept."""
    return normalize_text_keep_lines(cell.text)


def _is_blank(row: list[Cell]) -> bool:
    return all(not cell_text(c) for c in row)


def _item_columns(header: list[Cell]) -> dict[str, int] | None:
    """Map each Appendix 2 column to its index, or None if the header is not Appendix 2's."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        folded = fold_name(cell.text)
        for key, words in _ITEM_COLUMNS.items():
            if key in found:
                continue
            if key == "stt":
                if folded in words:
                    found[key] = index
                    break
            elif any(w in folded for w in words):
                found[key] = index
                break
    if "task" in found and "lead" in found:
        return found
    return None


def _is_appendix1_header(header: list[Cell]) -> bool:
    folded = [fold_name(c.text) for c in header]
    return any(f == "đơn vị" or f.startswith("đơn vị ") for f in folded) and any(
        "tỷ lệ" in f or "chỉ tiêu" in f for f in folded
    )


def interpret_tables(tables: list[Table], doc: PlanDocument) -> None:
    """Fill doc's appendices from the tables that carry them; other tables are ignored."""
    for table in tables:
        rows = [row for row in table.rows if not _is_blank(row)]
        if not rows:
            continue
        header = rows[0]
        columns = _item_columns(header)
        if columns is not None:
            if doc.sections:
                doc.warnings.append(f"{table.where}: thêm một bảng nhiệm vụ; các nhiệm vụ được nối tiếp vào Phụ lục 2.")
            _read_appendix2(rows, columns, doc)
        elif _is_appendix1_header(header):
            if doc.groups:
                raise PlanImportError("văn bản có hai bảng giao chỉ tiêu (Phụ lục 1); chỉ được có một.", table.where)
            _read_appendix1(rows, doc)


def _read_appendix1(rows: list[list[Cell]], doc: PlanDocument) -> None:
    header = rows[0]
    unit_col = next(i for i, c in enumerate(header) if fold_name(c.text).startswith("đơn vị"))
    indicator_cells = header[unit_col + 1:]
    if not indicator_cells:
        raise PlanImportError("bảng chỉ tiêu không có cột chỉ tiêu nào sau cột “Đơn vị”.", header[0].where)
    doc.indicators = [_INDICATOR_NUMBER_RE.sub("", cell_text(c)).strip() for c in indicator_cells]
    width = len(header)
    seen: set[int] = set()
    for row in rows[1:]:
        if _is_column_numbers(row, width):
            continue
        if len(row) != width:
            raise PlanImportError(
                f"hàng của bảng chỉ tiêu có {len(row)} ô, cần {width} ô "
                f"(STT, Đơn vị và {len(indicator_cells)} chỉ tiêu). Văn bản có thể bị cắt hoặc lỗi.",
                row[0].where,
            )
        unit_cell = row[unit_col]
        text = cell_text(unit_cell)
        match = _GROUP_RE.match(normalize_text(text))
        if match:
            number = int(match.group(1))
            declared = int(match.group(2)) if match.group(2) else None
            members_text = match.group(3)
            name = f"Nhóm {number}"
        else:
            # A table that lists single units (one unit a row) makes each unit its own group.
            stt = cell_text(row[0]).rstrip(".")
            if not stt.isdigit() or fold_name(text).startswith("nhóm"):
                raise PlanImportError(
                    f"ô “Đơn vị” phải bắt đầu bằng “Nhóm N” hoặc hàng phải có STT là số; đọc được “{text[:60]}”.",
                    unit_cell.where,
                )
            number, declared, members_text, name = int(stt), None, text, normalize_text(text)
        if number in seen:
            raise PlanImportError(f"nhóm {number} xuất hiện hai lần trong bảng chỉ tiêu.", unit_cell.where)
        seen.add(number)
        members = split_names(members_text, lambda _n: False, strict_separators=";\n")
        if not members:
            raise PlanImportError(f"{name} không có đơn vị nào.", unit_cell.where)
        if declared is not None and declared != len(members):
            doc.warnings.append(
                f"{unit_cell.where}: {name} ghi {declared} đơn vị nhưng liệt kê {len(members)} đơn vị."
            )
        targets = [cell_text(c) for c in row[unit_col + 1:]]
        for cell, target in zip(row[unit_col + 1:], targets):
            if not target:
                doc.warnings.append(f"{cell.where}: {name} để trống chỉ tiêu.")
        doc.groups.append(GroupRow(number, name, declared, members, targets, unit_cell.where))
    if not doc.groups:
        raise PlanImportError("bảng chỉ tiêu (Phụ lục 1) không có hàng nào.", header[0].where)


def _is_column_numbers(row: list[Cell], width: int) -> bool:
    """The "(1) (2) (3) …" row many documents put under the header."""
    texts = [cell_text(c) for c in row]
    return len(texts) == width and all(_COLUMN_NUMBERS_RE.match(t) for t in texts)


def _read_appendix2(rows: list[list[Cell]], columns: dict[str, int], doc: PlanDocument) -> None:
    header = rows[0]
    missing = [_COLUMN_LABELS[k] for k in _REQUIRED_ITEM_COLUMNS if k not in columns]
    if missing:
        raise PlanImportError(f"bảng nhiệm vụ thiếu cột: {', '.join(missing)}.", header[0].where)
    width = len(header)
    section: SectionRows | None = None
    first_new = len(doc.sections)
    for row in rows[1:]:
        if _is_column_numbers(row, width):
            continue
        texts = [cell_text(c) for c in row]
        stt = normalize_text(texts[columns["stt"]]).rstrip(".") if len(texts) > columns["stt"] else ""
        distinct = [t for i, t in enumerate(texts) if t and (i == 0 or t != texts[i - 1])]
        if _ROMAN_RE.match(stt) and len(distinct) <= 2:
            title = next((t for t in distinct if t != texts[columns["stt"]]), "")
            section = _add_section(doc, stt, title, row[0].where)
            continue
        roman_title = _ROMAN_TITLE_RE.match(normalize_text(texts[0])) if len(distinct) == 1 else None
        if roman_title:
            section = _add_section(doc, roman_title.group(1), roman_title.group(2), row[0].where)
            continue
        if not _STT_RE.match(stt):
            raise PlanImportError(
                f"không đọc được hàng: cột STT phải là số thứ tự (1, 2 …) hoặc số La Mã của mục (I, II …), "
                f"đọc được “{stt[:40]}”.",
                row[0].where,
            )
        if len(row) != width:
            raise PlanImportError(
                f"nhiệm vụ số {stt} có {len(row)} ô, cần {width} ô "
                f"({', '.join(_COLUMN_LABELS[k] for k in columns)}). Văn bản có thể bị cắt hoặc lỗi.",
                row[0].where,
            )
        if section is None:
            section = _add_section(doc, "", "", row[0].where)
        item = ItemRow(
            stt=stt,
            task=texts[columns["task"]],
            lead=texts[columns["lead"]],
            coordinating=texts[columns["coordinating"]] if "coordinating" in columns else "",
            expected_output=texts[columns["expected_output"]] if "expected_output" in columns else "",
            deadline=normalize_text(texts[columns["deadline"]]),
            where=row[0].where,
        )
        if not item.task:
            raise PlanImportError(f"nhiệm vụ số {stt} để trống cột Nhiệm vụ.", row[columns["task"]].where)
        if any(existing.stt == stt for existing in section.items):
            raise PlanImportError(f"mục {section.number or '(không tên)'} có hai nhiệm vụ cùng số {stt}.", row[0].where)
        section.items.append(item)
    for empty in doc.sections[first_new:]:
        if not empty.items:
            doc.warnings.append(
                f"{empty.where}: mục {empty.number}{f' “{empty.title}”' if empty.title else ''} có tiêu đề "
                f"nhưng không có nhiệm vụ nào "
                f"(văn bản có thể bị cắt ngắn); không tạo nhiệm vụ nào cho mục này."
            )


def _add_section(doc: PlanDocument, number: str, title: str, where: str) -> SectionRows:
    if any(s.number == number for s in doc.sections):
        raise PlanImportError(f"mục {number} xuất hiện hai lần trong bảng nhiệm vụ.", where)
    section = SectionRows(number, normalize_text(title), where)
    doc.sections.append(section)
    return section
