"""Finds the plan's tables in the block stream (task tables, KPI target tables and Decision 1872's group
table) by their header, and reads them row by row into the PlanDocument, listing every row it cannot read."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..rules.deadlines import parse_deadline
from ..rules.names import fold_name, normalize_text, normalize_text_keep_lines, split_names
from .blocks import Block, Cell, Paragraph, Table
from .document import GroupRow, ItemRow, NotUnderstood, PlanDocument, SectionRows, TargetRow

# --- Column headings ------------------------------------------------------------------------------

_STT_HEADINGS = {"stt", "tt", "số tt", "số thứ tự", "thứ tự"}
# Footnote markers glued to a heading ("Cơ quan chủ trì[1]", "Nguồn lực thực hiện²").
_FOOTNOTE_RE = re.compile(r"\[\d+\]|\(\*+\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*+")
_OUTPUT_WORDS = ("sản phẩm", "kết quả", "chỉ tiêu đạt", "mục tiêu", "quy mô")
_DEADLINE_WORDS = ("thời gian", "thời hạn", "thời điểm", "tiến độ", "hoàn thành", "lộ trình", "năm thực hiện")
_TASK_WORDS = ("nhiệm vụ", "đề án", "dự án", "giải pháp", "công việc", "hoạt động", "chương trình")
_WEAK_LEAD_RE = re.compile(
    r"\b(?:(?:đơn vị|cơ quan|bộ phận)\s+(?:thực hiện|được giao|phụ trách|đầu mối|triển khai|tham mưu|"
    r"chịu trách nhiệm|trình)|phân công|trách nhiệm thực hiện)\b"
)
# A start date beside the due date ("Thời gian bắt đầu | Thời gian hoàn thành"): the due date is the deadline.
_START_WORDS = ("bắt đầu", "khởi công", "khởi động")
_UNIT_COLUMN_RE = re.compile(r"^(?:tên )?(?:đơn vị(?: tính)?|đvt)$")
# A unit of measure ("ĐVT", "Đơn vị tính"): never the agency that carries a task out.
_MEASURE_RE = re.compile(r"^(?:đơn vị tính|đvt)$")
_HEADING_MAX_WORDS = 12
_SUBHEADING_MAX_WORDS = 8
# How many rows above a header may hold a title, a caption or a blank spacer.
_HEADER_SEARCH_ROWS = 4

# --- Row shapes -------------------------------------------------------------------------------------

# A row number as written in the STT cell: "1", "1.", "I", "A.", "a)", "III.1.2", "I.1".
_LABEL = r"(?:[IVXLC]+|[A-ZĐ]|[a-zđ]|\d+)(?:\.(?:[IVXLC]+|\d+|[a-zđ]))*"
_LABEL_ONLY_RE = re.compile(rf"^\(?({_LABEL})[.)]?$")
# A section written in one cell: "I. Kinh tế số", "A. BỘ XÂY DỰNG", "III.1 Nhóm …", "II Giai đoạn 2028-2030".
_LABEL_TITLE_RE = re.compile(r"^((?:[IVXLC]+|[A-ZĐ]|\d+)(?:\.(?:[IVXLC]+|\d+))*)(?:[.)]\s*|\s+)(\S.*)$", re.S)
_FOOTNOTE_TEXT_RE = re.compile(r"^\[\d+\]")
_FOOTNOTE_TEXT_MARK_RE = re.compile(r"\[\d+\]")
_COLUMN_NUMBER_RE = re.compile(r"^\(?(\d+)\)?$")
# An appendix caption: "PHỤ LỤC", "PHỤ LỤC II", "Phụ lục 1", "PHỤ LỤC SỐ 02".
_CAPTION_RE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:SỐ|số))?(?:\s+([IVXLC]+|\d+))?\b")
_CAPTION_MAX_WORDS = 120
_CAPTION_TITLE_MAX_WORDS = 20
# A caption's title runs over a few paragraphs; past a longer stretch of text it heads no table.
_CAPTION_TITLE_LINES = 4
_CAPTION_REACH = 8
# The horizon a caption gives a set of targets: "ĐẾN NĂM 2030", "GIAI ĐOẠN 2026 - 2030" (not the
# date in its "(Kèm theo … năm 2025)" line).
_HORIZON_RE = re.compile(r"(?:đến năm|giai đoạn)\s+\d{4}(?:\s*[-–]\s*\d{4})?", re.I)
_BRACKETED_RE = re.compile(r"\([^()]*\)")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")

# --- Cell contents ----------------------------------------------------------------------------------

# The words an agency's name starts with; a head that is also a common word ("Bộ công cụ", "Ban hành")
# only counts when a capitalised word follows.
_UNIT_HEAD_ANY = (
    "các",
    "ubnd",
    "hđnd",
    "ủy ban",
    "uỷ ban",
    "cơ quan",
    "đơn vị",
    "doanh nghiệp",
    "mặt trận",
    "công an",
    "văn phòng",
    "trung tâm",
    "tổng cục",
    "chi cục",
    "ngân hàng",
    "kho bạc",
    "tỉnh đoàn",
    "thành đoàn",
    "liên hiệp",
    "liên đoàn",
    "chính phủ",
    "đại học",
    "học viện",
    "bệnh viện",
    "tập đoàn",
    "tổng công ty",
    "công ty",
    "thanh tra",
    "kiểm toán",
    "tòa án",
    "viện kiểm sát",
)
_UNIT_HEAD_NAMED = (
    "bộ",
    "sở",
    "cục",
    "vụ",
    "viện",
    "ban",
    "trường",
    "đài",
    "báo",
    "hội",
    "phòng",
    "quỹ",
    "trung ương",
    "đoàn",
)
_DEADLINE_HINT_WORDS = 15
_BULLETS = ("-", "+", "•", "*")
_BULLET_RE = re.compile(r"^[-+•*]\s*")
_DEADLINE_HINT_RE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)|\bquý\s+(?:[IV]+|\d)\b|\btháng\s+\d|thường xuyên|h[ằà]ng năm|liên tục|định kỳ", re.I
)
# Sentence words that follow a lead unit in a KPI table's lead cell ("Sở KH&CN chủ trì hướng dẫn, tổng hợp").
_ROLE_VERB_RE = re.compile(
    r"\s+(?:chủ trì|thúc đẩy|theo dõi|thực hiện|hướng dẫn|tổng hợp|phụ trách|đôn đốc|báo cáo|tham mưu)\b"
)
# A threshold inside an indicator sentence: "đạt 100%", "tối thiểu 40%", "từ 05 bộ dữ liệu …".
_PERCENT_VALUE_RE = re.compile(
    r"(?:(?:tối thiểu|ít nhất|trên|dưới|khoảng|không dưới|không quá|tối đa|từ)\s+)?\d+(?:[.,]\d+)?\s*%"
)
_COUNT_VALUE_RE = re.compile(
    r"(?:tối thiểu|ít nhất|trên|từ|không dưới|tối đa)\s+\d+(?:[.,]\d+)?(?:\s+[^\s,.;:()]+){1,6}"
)


def cell_text(cell: Cell) -> str:
    """A cell's text with spaces folded and its line breaks (bullets) kept."""
    return normalize_text_keep_lines(cell.text)


def _one_line(text: str | None) -> str:
    return normalize_text(text or "")


def _heading_key(text: str) -> str:
    return fold_name(_FOOTNOTE_RE.sub(" ", text))


def _row_where(cells: list[Cell], fallback: str) -> str:
    """Where a row is: the place of its first cell, without the column."""
    where = next((c.where for c in cells if c.where), fallback)
    return re.sub(r",\s*cột\s+\d+$", "", where)


def _row_text(cells: list[Cell]) -> str:
    return " | ".join(t for t in (_one_line(c.text) for c in cells) if t)


def _is_blank(cells: list[Cell]) -> bool:
    return all(not c.text.strip() for c in cells)


def _is_label(text: str) -> bool:
    return bool(_LABEL_ONLY_RE.match(text.strip()))


def _label(text: str) -> str:
    """A row number without its brackets and trailing dot ("1." → "1", "A." → "A", "a)" → "a")."""
    match = _LABEL_ONLY_RE.match(text.strip())
    return match.group(1) if match else text.strip().rstrip(".")


def _is_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _looks_like_units(text: str) -> bool:
    """The cell reads like a list of agencies ("Bộ Xây dựng; Các bộ, ngành liên quan")."""
    first = _BULLET_RE.sub("", normalize_text_keep_lines(text).split("\n", 1)[0]) if text.strip() else ""
    if not first or len(first.split(";", 1)[0].split()) > 20:
        return False
    lowered = first.casefold()
    for head in _UNIT_HEAD_ANY:
        if lowered == head or lowered.startswith(head + " ") or lowered.startswith(head + ","):
            return first[0].isupper()
    words = first.split()
    for head in _UNIT_HEAD_NAMED:
        size = len(head.split())
        if " ".join(words[:size]).casefold() == head and len(words) > size and words[size][:1].isupper():
            return first[0].isupper()
    return False


def _deadline_strength(text: str) -> int:
    """2 when the text is a deadline the rules read, 1 when it mentions a time, 0 otherwise."""
    clean = _one_line(text)
    if not clean:
        return 0
    if parse_deadline(clean).is_parsed:
        return 2
    # A sentence deadline names its period early ("Thực hiện trong giai đoạn 2026 - 2030. Trong đó …").
    return 1 if _DEADLINE_HINT_RE.search(" ".join(clean.split()[:_DEADLINE_HINT_WORDS])) else 0


# --- Tables cut at captions and glued headers -------------------------------------------------------


@dataclass
class _Caption:
    """An appendix caption and the title lines under it."""

    label: str  # "Phụ lục II"; "Phụ lục" when unnumbered
    text: str
    where: str


@dataclass
class _Segment:
    """One table as the document meant it: a Block table may hold several, glued together."""

    rows: list[list[Cell]]
    where: str
    is_flattened: bool
    caption: _Caption | None


def _caption_start(text: str) -> int | None:
    """Where in a cell's text an appendix caption starts (a line of its own), or None."""
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if _CAPTION_RE.match(stripped) and (stripped.startswith("PHỤ LỤC") or len(stripped.split()) <= 3):
            rest = text[offset:]
            if len(rest.split()) <= _CAPTION_MAX_WORDS:
                return offset
        offset += len(line) + 1
    return None


def _caption_from_text(text: str, where: str) -> _Caption:
    match = _CAPTION_RE.match(text.strip())
    number = match.group(1) if match and match.group(1) else ""
    return _Caption(f"Phụ lục {number}".strip(), _one_line(text), where)


def _segments(table: Table, caption: _Caption | None) -> list[_Segment]:
    """Cut a table where a caption cell or a new header row starts a new table inside it.

    The scraped flattened tables glue whatever follows a table (a signature block, the next appendix's
    caption and header) onto its last row, so the cut is made inside rows as well as between them."""
    segments = [_Segment([], table.where, table.is_flattened, caption)]
    for raw in table.rows:
        row = _drop_spacer_cells(raw) if table.is_flattened else raw
        start = 0
        for index, cell in enumerate(row):
            at = _caption_start(cell.text)
            if at is None:
                continue
            before, after = cell.text[:at].strip(), cell.text[at:]
            head = row[start:index] + ([Cell(before, cell.where, cell.merged)] if before else [])
            if head:
                segments[-1].rows.append(head)
            segments.append(
                _Segment([], cell.where, table.is_flattened, _caption_from_text(after, _row_where([cell], table.where)))
            )
            start = index + 1
        row = row[start:]
        glued = _glued_header_start(row)
        if glued:
            segments[-1].rows.append(row[:glued])
            segments.append(_Segment([], _row_where(row[glued:], table.where), table.is_flattened, None))
            row = row[glued:]
        if row:
            if segments[-1].rows and _starts_new_table(row, segments[-1].rows):
                segments.append(_Segment([], _row_where(row, table.where), table.is_flattened, None))
            segments[-1].rows.append(row)
    return [s for s in segments if s.rows or s.caption]


def _starts_new_table(row: list[Cell], rows: list[list[Cell]]) -> bool:
    """A header row in the middle of a table starts a new one, unless it repeats the table's own header."""
    if any(c.merged == "above" for c in row) or _heading_key(row[0].text) not in _STT_HEADINGS:
        return False  # the second row of a two-row header, or a data row
    columns = _columns([c.text for c in row])
    if columns is None:
        return False
    found = _find_header(rows)
    return found is None or [_heading_key(h) for h in found.columns.headings] != [_heading_key(c.text) for c in row]


def _drop_spacer_cells(row: list[Cell]) -> list[Cell]:
    """Empty cells that a flattened table glued in front of a numbered row (spacer rows, merged ends)."""
    start = 0
    while (
        start + 1 < len(row)
        and not row[start].text.strip()
        and (_is_label(row[start + 1].text) or not row[start + 1].text.strip())
    ):
        start += 1
    return row[start:] if start < len(row) and row[start].text.strip() else row


def _glued_header_start(row: list[Cell]) -> int:
    """The index where a header row glued onto the end of another row starts, or 0."""
    for index in range(1, len(row) - 2):
        if _heading_key(row[index].text) in _STT_HEADINGS and _columns([c.text for c in row[index:]]):
            return index
    return 0


# --- Header recognition -----------------------------------------------------------------------------


@dataclass
class _Columns:
    """What a header says: the kind of table and which column holds what."""

    kind: str  # "tasks", "targets" or "groups"
    headings: list[str]  # each column's heading as written, whitespace folded
    roles: dict[str, int]
    notes: list[int] = field(default_factory=list)  # columns kept as notes under their heading
    periods: list[int] = field(default_factory=list)  # a target table's columns of one period each

    @property
    def width(self) -> int:
        return len(self.headings)


# The columns each kind of table reads; a task table keeps its other columns as notes.
_KIND_ROLES = {
    "tasks": {"stt", "task", "lead", "coordinating", "expected_output", "deadline"},
    "targets": {"stt", "indicator", "unit", "expected_output", "lead"},
    "groups": {"stt", "unit"},
}


def _task_strength(key: str) -> int:
    """How surely a heading names the task column: "Tên nhiệm vụ" over "Nội dung nhiệm vụ" over "Nội dung"."""
    if any(word in key for word in _TASK_WORDS):
        return 3 if key.startswith("tên ") else 2
    return 1 if "nội dung" in key else 0


def _is_period(text: str) -> bool:
    """A heading or a group title that is a year or a period ("Năm 2025", "Giai đoạn 2025-2027")."""
    return bool(_YEAR_RE.search(text)) and parse_deadline(text).is_parsed


def _is_indicator_heading(key: str, heading: str) -> bool:
    return "chỉ tiêu" in key or "tỷ lệ" in key or "tỉ lệ" in key or "%" in heading


def _column_role(key: str) -> str | None:
    """The role a heading gives its column, from its words (folded, footnotes removed)."""
    if not key or len(key.split()) > _HEADING_MAX_WORDS:
        return None
    if key in _STT_HEADINGS:
        return "stt"
    if "thuộc nhóm" in key:
        return None
    if "chủ trì" in key and ("phối hợp" not in key or key.index("chủ trì") < key.index("phối hợp")):
        return "lead"  # "Cơ quan chủ trì, phối hợp": one cell naming both, the lead first
    if "phối hợp" in key:
        return "coordinating"
    if _WEAK_LEAD_RE.search(key):
        return "weak_lead"
    if any(word in key for word in _OUTPUT_WORDS):
        return "expected_output"
    if any(word in key for word in _DEADLINE_WORDS):
        return "deadline"
    if "chỉ tiêu" in key:
        return "indicator"
    if _task_strength(key):
        return "task"
    if _UNIT_COLUMN_RE.match(key):
        return "unit"
    return None


def _columns(headings: list[str]) -> _Columns | None:
    """The table a header row introduces, or None when the row is not a header we read."""
    written = [_one_line(_FOOTNOTE_RE.sub(" ", h)) for h in headings]
    keys = [_heading_key(h) for h in headings]
    if len(keys) < 2 or sum(1 for k in keys if k) < 2 or _is_label(headings[0]):
        return None  # a header's first cell is "STT", "TT" or empty, never a row number
    roles: dict[str, int] = {}
    strengths: dict[str, int] = {}
    for index, key in enumerate(keys):
        role = _column_role(key)
        if role is None:
            continue
        strength = (
            _task_strength(key)
            if role == "task"
            else (0 if role == "deadline" and any(word in key for word in _START_WORDS) else 1)
        )
        if role not in roles or strength > strengths[role]:
            roles[role], strengths[role] = index, strength
    if "weak_lead" in roles:
        roles.setdefault("lead", roles["weak_lead"])
        del roles["weak_lead"]
    if keys[0] and keys[0] not in _STT_HEADINGS and len(roles) < 3:
        return None  # a data row with a word or two that headings use ("… chỉ tiêu …")
    unit, indicator = roles.get("unit"), roles.get("indicator")
    # "Đơn vị" in a task table is the unit doing it; "Đơn vị tính" beside "Số lượng, Đơn giá" is a budget.
    agency = unit is not None and not _MEASURE_RE.match(keys[unit])
    if "task" in roles and ("lead" in roles or agency or "deadline" in roles or "coordinating" in roles):
        if "lead" not in roles and agency:
            roles["lead"] = roles.pop("unit")
        kind = "tasks"
    elif indicator is not None and (unit is None or indicator < unit):
        kind = "targets"  # one indicator a row
    elif unit is not None and any(_is_indicator_heading(k, h) for k, h in zip(keys[unit + 1 :], headings[unit + 1 :])):
        kind = "groups"  # one unit (group) a row, one indicator a column
    else:
        return None
    roles = {role: index for role, index in roles.items() if role in _KIND_ROLES[kind]}
    used = set(roles.values())
    if kind == "tasks":
        return _Columns(kind, written, roles, notes=[i for i, k in enumerate(keys) if i not in used and k])
    # A target table without a result column may give one column per year or period ("Năm 2025").
    periods = [i for i, h in enumerate(written) if i not in used and _is_period(h)] if kind == "targets" else []
    return _Columns(kind, written, roles, periods=periods)


def _is_subheader(header: list[Cell], row: list[Cell]) -> bool:
    """The second row of a two-row header: no number, only short headings, under a heading that spans
    several columns or beside headings that continue down into it (merged above)."""
    if len(row) != len(header) or _is_blank(row):
        return False
    own = [c for c in row if c.text.strip() and c.merged is None]
    if not own or (_is_label(row[0].text) and row[0].merged is None):
        return False
    spans = any(c.merged == "left" for c in header) or any(c.merged == "above" for c in row)
    return spans and all(
        len(_one_line(c.text).split()) <= _SUBHEADING_MAX_WORDS and not _deadline_strength(c.text) for c in own
    )


@dataclass
class _Header:
    """Where a table's header is and what it says: its first row, the first data row after it."""

    row: int
    start: int
    columns: _Columns


def _find_header(rows: list[list[Cell]]) -> _Header | None:
    """The header of a table, searching its first rows."""
    for index in range(min(_HEADER_SEARCH_ROWS, len(rows))):
        row = rows[index]
        if _is_blank(row):
            continue
        if index + 1 < len(rows) and _is_subheader(row, rows[index + 1]):
            below = rows[index + 1]
            headings = [
                h.text
                if b.merged == "above" or not b.text.strip() or b.text.strip() == h.text.strip()
                else f"{h.text} ({b.text})"
                for h, b in zip(row, below)
            ]
            columns = _columns(headings)
            if columns is not None:
                return _Header(index, index + 2, _with_number_column(columns, rows[index + 2 :]))
        columns = _columns([c.text for c in row])
        if columns is not None:
            return _Header(index, index + 1, _with_number_column(columns, rows[index + 1 :]))
    return None


def _with_number_column(columns: _Columns, rows: list[list[Cell]]) -> _Columns:
    """The columns with the STT column the header row lacks: a section row's number merged down over the
    header takes the header's first cell, so the data rows are one cell wider and start with a number."""
    if columns.kind != "tasks" or "stt" in columns.roles:
        return columns
    first = next((r for r in rows if sum(1 for c in r if c.text.strip()) > 2 and not _is_column_numbers(r)), None)
    if first is None or len(first) != columns.width + 1 or not _is_label(first[0].text):
        return columns
    roles = {role: index + 1 for role, index in columns.roles.items()}
    roles["stt"] = 0
    return _Columns(columns.kind, ["", *columns.headings], roles, notes=[i + 1 for i in columns.notes])


def _starts_with_footnote(cells: list[Cell]) -> bool:
    """A row whose text opens with a footnote number ("[1] Tuyên Quang, Cao Bằng …")."""
    first = next((c.text for c in cells if c.text.strip()), "")
    return bool(_FOOTNOTE_TEXT_RE.match(_one_line(first)))


def _is_section_row(cells: list[Cell]) -> bool:
    """A row holding only a section number and its title ("B | PHÁT TRIỂN …")."""
    filled = [c for c in cells if c.text.strip()]
    return 1 <= len(filled) <= 2 and filled[0] is cells[0] and _is_label(cells[0].text)


def _is_column_numbers(cells: list[Cell]) -> bool:
    """The "(1) (2) (3) …" row many documents put under the header."""
    numbers = [_COLUMN_NUMBER_RE.match(_one_line(c.text)) for c in cells if c.text.strip() and c.merged != "left"]
    if len(numbers) < 3 or not all(numbers):
        return False
    values = [int(m.group(1)) for m in numbers if m]
    return values == sorted(values) and len(set(values)) == len(values)


def _is_repeated_header(cells: list[Cell], columns: _Columns) -> bool:
    """The header again (on a new page, or under each section), with or without its STT cell."""
    keys = [_heading_key(c.text) for c in cells]
    headings = [_heading_key(h) for h in columns.headings]
    if keys == headings:
        return True
    missing_stt = columns.roles.get("stt") == 0 and len(keys) == columns.width - 1
    if missing_stt and keys == headings[1:]:
        return True
    # Worded differently ("Nội dung" for "Nhiệm vụ, giải pháp") but naming the same columns.
    other = _columns([c.text for c in cells]) if len(keys) in (columns.width, columns.width - 1) else None
    if other is None or other.kind != columns.kind:
        return False
    roles = {role: index + 1 for role, index in other.roles.items()} if missing_stt else dict(other.roles)
    if missing_stt:
        roles["stt"] = 0
    return roles == columns.roles


# --- One row, seen through the header ---------------------------------------------------------------


@dataclass
class _Row:
    """A data row laid over the header's columns: None marks a cell the row does not have (merged with
    the row above, or missing from a flattened table), "" an empty one."""

    values: list[str | None]
    cells: list[Cell]
    where: str
    is_placed: bool = False  # the cells were placed by their text (a flattened row shorter than the header)

    def text(self, column: int | None) -> str | None:
        return None if column is None else self.values[column]

    def present(self) -> list[tuple[int, str]]:
        return [(i, v) for i, v in enumerate(self.values) if v]


def _expanded_row(cells: list[Cell], width: int, where: str) -> _Row:
    """A row of a source that shows merges: "above" cells are inherited, "left" cells are copies."""
    values: list[str | None] = []
    for cell in cells[:width]:
        if cell.merged == "above":
            values.append(None)
        elif cell.merged == "left":
            values.append("")
        else:
            values.append(cell_text(cell))
    values += [None] * (width - len(values))
    return _Row(values, cells, where)


def _fit(text: str, role: str | None) -> float:
    """How well a cell's text suits a column (higher is better); used to place a short row's cells."""
    units, deadline, label = _looks_like_units(text), _deadline_strength(text), _is_label(text)
    if role == "stt":
        return 1.0 if label else -6.0
    if label:
        return -3.0
    if role in ("lead", "coordinating"):
        return 2.0 if units else (-3.0 if deadline == 2 else -2.0)
    if role == "deadline":
        return {2: 3.0, 1: 2.0}.get(deadline, -3.0 if units else -2.0)
    return -1.0 if units or deadline == 2 else 1.0


def _aligned_row(cells: list[Cell], columns: _Columns, where: str) -> _Row:
    """Place the cells of a flattened row shorter than the header: the missing ones are the cells a
    merge covers, so each cell goes to the column its text suits, keeping their order."""
    role_of = {i: r for r, i in columns.roles.items()}
    texts = [cell_text(c) for c in cells]
    fits = [[_fit(t, role_of.get(col)) for col in range(columns.width)] for t in texts]
    best: tuple[float, tuple[int, ...]] | None = None
    for placement in itertools.combinations(range(columns.width), len(cells)):
        # Merged cells are usually the row's identity on the left (STT, lead …): ties go right.
        score = sum(fits[k][col] for k, col in enumerate(placement)) + 0.01 * sum(placement)
        if best is None or score > best[0]:
            best = (score, placement)
    values: list[str | None] = [None] * columns.width
    for text, col in zip(texts, best[1] if best else ()):
        values[col] = text
    return _Row(values, cells, where, is_placed=True)


def _section_heading(row: _Row, columns: _Columns, next_label: str | None) -> tuple[str, str] | None:
    """(number, title) when the row heads a section or sub-section rather than carrying an item.

    Forms: one text across the row ("I. Title", merged or alone), a number and a title with every other
    cell empty, a title alone in the task column with the STT empty, or a row of capitals."""
    present = row.present()
    stt_col = columns.roles.get("stt", 0)
    stt = row.values[stt_col] or ""
    units = [row.text(columns.roles.get(r)) for r in ("lead", "coordinating")]
    if any(units) and len(present) > 2:
        return None
    if len(present) == 1:
        col, text = present[0]
        if _is_label(text):
            # "II" alone heads an empty section; "2" alone is a numbered row that lost its cells.
            return (_label(text), "") if not _label(text).isdigit() else None
        match = _LABEL_TITLE_RE.match(_one_line(text))
        if match and (not match.group(1).isdigit() or _is_upper(match.group(2))):
            return match.group(1), _one_line(match.group(2))
        # A title merged across the row, or written in capitals away from the STT column.
        spans = sum(1 for c in row.cells if c.merged == "left") >= 2
        alone = col != stt_col or len(row.cells) == 1
        if (spans and not _one_line(text)[:1].islower()) or (alone and _is_upper(text)):
            return "", _one_line(text)
        # A group title in the task column of a row whose every other cell is there and empty, over
        # numbered items ("Nhiệm vụ giao Bộ trưởng Bộ Y tế chỉ đạo").
        others_empty = all(v == "" for i, v in enumerate(row.values) if i != col)
        if (
            col == columns.roles.get("task")
            and others_empty
            and next_label
            and _is_label(next_label)
            and not _one_line(text)[:1].islower()
        ):
            return "", _one_line(text)
        return None
    if len(present) == 2 and present[0][0] == stt_col and _is_label(stt):
        label, title = _label(stt), _one_line(present[1][1])
        # A numbered title over dotted ("1.1") or lettered ("a") rows heads them; otherwise "1" is an item.
        below = next_label or ""
        heads_children = below.startswith(label + ".")
        if (
            any(units)
            and present[1][0] != columns.roles.get("task")
            and not _is_upper(title)
            and not (heads_children and not _looks_like_units(title))
        ):
            return None
        if not label.isdigit() or _is_upper(title) or heads_children or below.islower():
            return label, title
    return None


# --- Task tables ------------------------------------------------------------------------------------


@dataclass
class _TaskTable:
    """A task table being read: its columns, where the rows are going, and the row they may inherit from."""

    columns: _Columns
    appendix: str
    caption_where: str
    section: SectionRows | None = None
    subsection: str = ""
    top_kind: str | None = None  # the numbering of the table's first section row: its top level
    last_item: ItemRow | None = None
    last_values: list[str] = field(default_factory=list)
    sections: list[SectionRows] = field(default_factory=list)


class _Recogniser:
    """Reads the segments in document order, keeping what a table inherits from the one before it."""

    def __init__(self, doc: PlanDocument):
        self.doc = doc
        self.task_tables: list[_TaskTable] = []
        self.current: _TaskTable | None = None
        # Per section (by id): how many of its items were seen, and the STTs of those that are not sub-rows.
        self.numbered: dict[int, tuple[int, set[str]]] = {}

    # Segments ----------------------------------------------------------------------------------

    def read(self, segment: _Segment) -> None:
        found = _find_header(segment.rows)
        if found is None:
            if self.current is not None and segment.caption is None and self._continues(self.current, segment.rows):
                self._read_task_rows(self.current, segment.rows, segment.is_flattened)
            else:
                self._warn_if_unread(segment)
            return
        start, columns = found.start, found.columns
        if columns.kind == "tasks":
            current = self.current
            if (
                current is not None
                and segment.caption is None
                and current.columns.width == columns.width
                and current.columns.roles == columns.roles
            ):
                table = current  # the header repeated on a new page, or one table split in two
            else:
                caption = segment.caption
                table = _TaskTable(columns, caption.label if caption else "", segment.where)
                self.task_tables.append(table)
                self.current = table
            # Numbered section rows above a header repeated under them belong to the table.
            above = [r for r in segment.rows[: found.row] if _is_section_row(r)]
            self._read_task_rows(table, above + segment.rows[start:], segment.is_flattened)
        elif columns.kind == "targets":
            self.current = None
            _TargetReader(self.doc, columns, segment).read(segment.rows[start:])
        else:
            self.current = None
            self._read_groups(columns, segment.rows[start:], segment.where)

    def _continues(self, current: _TaskTable, rows: list[list[Cell]]) -> bool:
        """A table without a header continues the task table before it when its rows are as wide."""
        first = next((r for r in rows if not _is_blank(r)), None)
        return first is not None and len(first) == current.columns.width

    def _warn_if_unread(self, segment: _Segment) -> None:
        """Letterheads and signature blocks pass silently; a table that looks like a plan's does not."""
        first = next((r for r in segment.rows if not _is_blank(r)), None)
        if first is None or len(first) < 3:
            return
        keys = [_heading_key(c.text) for c in first]
        roles = {_column_role(k) for k in keys}
        if keys[0] in _STT_HEADINGS or len(roles & {"task", "lead", "indicator", "deadline"}) >= 2:
            self.doc.warnings.append(
                f"{segment.where}: bảng có tiêu đề cột “{' | '.join(_one_line(c.text) for c in first)}” không phải "
                f"bảng nhiệm vụ (cần cột nhiệm vụ và cột chủ trì) hay bảng giao chỉ tiêu; bảng này không được nhập."
            )

    # Task rows -----------------------------------------------------------------------------------

    def _read_task_rows(self, table: _TaskTable, rows: list[list[Cell]], is_flattened: bool) -> None:
        columns = table.columns
        stt_col = columns.roles.get("stt", 0)
        for index, cells in enumerate(rows):
            if _is_blank(cells) or _is_column_numbers(cells) or _is_repeated_header(cells, columns):
                continue
            if is_flattened and _starts_with_footnote(cells):
                # The footnotes under a table, glued to it with whatever the page has after them.
                if not any(_is_label(r[stt_col].text) for r in rows[index + 1 :] if len(r) > stt_col):
                    break
                continue
            where = _row_where(cells, table.caption_where)
            fitted = _within_width(self.doc, cells, columns.width, where, is_flattened)
            if fitted is None:
                continue
            cells = fitted
            row = _expanded_row(cells, columns.width, where) if len(cells) == columns.width else None
            next_label = self._next_label(itertools.islice(rows, index + 1, None), stt_col)
            if row is None:
                heading = _section_heading(
                    _Row([cell_text(c) for c in cells] + [None] * (columns.width - len(cells)), cells, where),
                    _positional(columns),
                    next_label,
                )
                if heading is not None and sum(1 for c in cells if c.text.strip()) <= 2:
                    self._start_section(table, heading, where)
                    continue
                row = _aligned_row(cells, columns, where)
            else:
                heading = _section_heading(row, columns, next_label)
                if heading is not None:
                    self._start_section(table, heading, where)
                    continue
            self._read_item_row(table, row)

    @staticmethod
    def _next_label(rows: Iterable[list[Cell]], stt_col: int) -> str | None:
        for cells in rows:
            if not _is_blank(cells):
                return _label(cells[stt_col].text) if len(cells) > stt_col else None
        return None

    def _start_section(self, table: _TaskTable, heading: tuple[str, str], where: str) -> None:
        number, title = heading[0], _one_line(_FOOTNOTE_TEXT_MARK_RE.sub("", heading[1]))
        current = table.section
        top = number.split(".", 1)[0]
        kind = _label_kind(top, table.top_kind, current.number if current is not None else "")
        if table.top_kind is None:
            table.top_kind = kind
        if "." in number or (current is not None and kind != table.top_kind):
            # A sub-section ("III.1.2", "1" or "a" under "I") stays in its section; a dotted number opens
            # its top section only when the table has none of that kind before it.
            if current is None or ("." in number and kind == table.top_kind and top != current.number):
                table.section = self._add_section(table, top, "", where)
            table.subsection = f"{number} {title}".strip()
            return
        table.section = self._add_section(table, number, title, where)
        table.subsection = ""
        table.last_item = None

    def _add_section(self, table: _TaskTable, number: str, title: str, where: str) -> SectionRows:
        if number and any(s.number == number for s in table.sections):
            self.doc.warnings.append(
                f"{where}: mục {number} xuất hiện hai lần trong bảng nhiệm vụ; "
                f"các nhiệm vụ được giữ theo thứ tự trong văn bản."
            )
        section = SectionRows(number, title, where, appendix=table.appendix)
        table.sections.append(section)
        self.doc.sections.append(section)
        return section

    def _read_item_row(self, table: _TaskTable, row: _Row) -> None:
        roles = table.columns.roles
        stt_col = roles.get("stt")
        task_col = roles["task"]
        continues = table.last_item is not None and (stt_col is not None and row.values[stt_col] is None)
        if continues and row.values[task_col] is None:
            self._add_pair(table, row)
            return
        if self._is_wrapped_fragment(table, row):
            self._append_fragment(table, row)
            return
        values = [
            table.last_values[i] if v is None and table.last_values else (v or "") for i, v in enumerate(row.values)
        ]
        task = _one_line(values[task_col])
        stt = _label(values[stt_col]) if stt_col is not None else ""
        stt = "" if stt in _BULLETS else stt  # a bullet in the STT column numbers nothing
        if not task or not re.search(r"\w", task):
            reason = (
                "hàng có số thứ tự nhưng không có nội dung nhiệm vụ."
                if stt
                else "hàng không có nội dung nhiệm vụ và không phải tiêu đề mục."
            )
            self._not_understood(row.where, row.cells, reason)
            return
        item = self._item(table, values, stt, row.where)
        inherited = [i for i, v in enumerate(row.values) if v is None and i != stt_col]
        if continues:
            first = table.last_item
            assert first is not None  # what `continues` means
            item.subrow = (first.subrow or 1) + 1
        elif inherited and not table.last_values:
            self._not_understood(row.where, row.cells, "hàng thiếu ô và không có hàng trên để lấy theo.")
            return
        elif inherited and row.is_placed:
            names = ", ".join(f"“{table.columns.headings[i]}”" for i in inherited)
            self.doc.warnings.append(
                f"{row.where}: nhiệm vụ số {stt or '(không số)'} thiếu ô ở cột {names}; "
                f"đã lấy theo hàng trên (ô gộp) — hãy kiểm tra."
            )
        self._check_item(table, item, row.where, continues)
        section = table.section or self._default_section(table, row.where)
        section.items.append(item)
        table.last_item = item
        table.last_values = values

    def _item(self, table: _TaskTable, values: list[str], stt: str, where: str) -> ItemRow:
        roles = table.columns.roles

        def value(role: str) -> str:
            return values[roles[role]] if role in roles else ""

        notes = {table.columns.headings[i]: _one_line(values[i]) for i in table.columns.notes if _one_line(values[i])}
        if table.subsection:
            notes["Tiểu mục"] = table.subsection
        return ItemRow(
            stt=stt,
            # Task and result keep their line breaks: the bullets inside them are part of the text.
            task=_BULLET_RE.sub("", normalize_text_keep_lines(value("task"))),
            lead=value("lead"),
            coordinating=value("coordinating"),
            expected_output=normalize_text_keep_lines(value("expected_output")),
            deadline=_one_line(value("deadline")).rstrip(".").strip(),
            where=where,
            notes=notes,
        )

    def _default_section(self, table: _TaskTable, where: str) -> SectionRows:
        table.section = self._add_section(table, "", "", where)
        return table.section

    def _numbered_stts(self, section: SectionRows) -> set[str]:
        """The STTs of the section's items that are not sub-rows, grown with the section (items are only ever
        appended): a 10,000-row table is checked in linear time, not in its square."""
        seen, stts = self.numbered.get(id(section), (0, set()))
        stts.update(other.stt for other in section.items[seen:] if other.subrow is None)
        self.numbered[id(section)] = (len(section.items), stts)
        return stts

    def _check_item(self, table: _TaskTable, item: ItemRow, where: str, is_subrow: bool) -> None:
        label = item.stt or "(không số)"
        if item.stt and not _is_label(item.stt):
            self.doc.warnings.append(
                f"{where}: số thứ tự “{item.stt}” của nhiệm vụ không phải số (1, 2 …) "
                f"hay ký hiệu mục (I, A, a …); nhiệm vụ vẫn được nhập."
            )
        section = table.section
        if not is_subrow and item.stt and section is not None and item.stt in self._numbered_stts(section):
            self.doc.warnings.append(
                f"{where}: mục {section.number or '(không tên)'} có hai nhiệm vụ cùng số {item.stt}; cả hai được nhập."
            )
        if not item.lead.strip():
            self.doc.warnings.append(f"{where}: nhiệm vụ số {label} không ghi cơ quan chủ trì.")

    def _add_pair(self, table: _TaskTable, row: _Row) -> None:
        """A sub-row under a merged task: its own lead and coordinating units join the item's."""
        item = table.last_item
        assert item is not None  # a pair row continues an item (see _read_item_row)
        roles = table.columns.roles
        lead = row.text(roles.get("lead")) or ""
        coordinating = row.text(roles.get("coordinating")) or ""
        if lead or coordinating:
            pairs = item.notes.get(_PAIRS_NOTE) or _pair_line(item.lead, item.coordinating)
            item.notes[_PAIRS_NOTE] = "\n".join([pairs, _pair_line(lead, coordinating)])
            item.lead = "\n".join(filter(None, [item.lead, lead]))
            item.coordinating = "\n".join(filter(None, [item.coordinating, coordinating]))
        for col, text in row.present():
            if col in (roles.get("lead"), roles.get("coordinating")):
                continue
            heading = table.columns.headings[col]
            item.notes[heading] = "\n".join(filter(None, [item.notes.get(heading), _one_line(text)]))

    def _is_wrapped_fragment(self, table: _TaskTable, row: _Row) -> bool:
        """The rest of the row above, cut by a page break: no number, and every cell starts in lowercase."""
        stt_col = table.columns.roles.get("stt")
        if table.last_item is None or (stt_col is not None and row.values[stt_col]):
            return False
        present = row.present()
        return bool(present) and all(_one_line(t)[:1].islower() for _, t in present)

    def _append_fragment(self, table: _TaskTable, row: _Row) -> None:
        item = table.last_item
        assert item is not None  # a fragment follows an item (see _is_fragment)
        fields = {
            table.columns.roles.get(r): r for r in ("task", "lead", "coordinating", "expected_output", "deadline")
        }
        for col, text in row.present():
            name = fields.get(col)
            if name is None:
                heading = table.columns.headings[col]
                item.notes[heading] = _one_line(f"{item.notes.get(heading, '')} {text}")
            else:
                # The fragment finishes the cell's last line ("… tương tác với" + "người dân …").
                setattr(item, name, normalize_text_keep_lines(f"{getattr(item, name)} {text}"))
            if table.last_values:
                table.last_values[col] = f"{table.last_values[col]} {text}".strip()

    def _not_understood(self, where: str, cells: list[Cell], reason: str) -> None:
        self.doc.not_understood.append(NotUnderstood(where, _row_text(cells), reason))

    # Decision 1872's group table -----------------------------------------------------------------

    def _read_groups(self, columns: _Columns, rows: list[list[Cell]], where: str) -> None:
        if self.doc.groups:
            self.doc.warnings.append(
                f"{where}: văn bản có thêm một bảng giao chỉ tiêu theo nhóm đơn vị; chỉ bảng đầu tiên được nhập."
            )
            return
        _GroupReader(self.doc, columns, where).read(rows)

    # End -----------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Name the appendices when there are several task tables, and report sections left empty."""
        if len(self.task_tables) > 1:
            for number, table in enumerate(self.task_tables, start=1):
                label = table.appendix if table.appendix and table.appendix != "Phụ lục" else f"Bảng {number}"
                for section in table.sections:
                    section.appendix = label
        else:
            for table in self.task_tables:
                for section in table.sections:
                    section.appendix = ""
        for table in self.task_tables:
            for section in table.sections:
                if not section.items:
                    self.doc.warnings.append(
                        f"{section.where}: mục {section.number}{f' “{section.title}”' if section.title else ''} có "
                        f"tiêu đề nhưng không có nhiệm vụ nào (văn bản có thể bị cắt ngắn); không tạo nhiệm vụ nào "
                        f"cho mục này."
                    )


def _within_width(
    doc: PlanDocument, cells: list[Cell], width: int, where: str, is_flattened: bool
) -> list[Cell] | None:
    """The row cut to the header's width, or None when it cannot be. A flattened table glues what
    follows it (footnotes, a stray paragraph) onto its last row: footnotes are dropped, the rest reported."""
    if is_flattened:
        cells = _drop_spacer_cells(cells)
    while len(cells) > width and not cells[-1].text.strip():
        cells = cells[:-1]
    if len(cells) <= width:
        return cells
    if not _is_label(cells[0].text) and cells[0].text.strip():
        reason = f"hàng có {len(cells)} ô nhưng bảng chỉ có {width} cột; không rõ ô nào thuộc cột nào."
        doc.not_understood.append(NotUnderstood(where, _row_text(cells), reason))
        return None
    extra = [c for c in cells[width:] if not _FOOTNOTE_TEXT_RE.match(c.text.strip())]
    if extra:
        doc.not_understood.append(
            NotUnderstood(
                _row_where(extra, where),
                _row_text(extra),
                f"ô nằm ngoài {width} cột của bảng (ở cuối hàng); không rõ thuộc cột nào.",
            )
        )
    return cells[:width]


def _label_kind(label: str, top_kind: str | None, previous: str) -> str:
    """How a section number counts: "roman", "upper" (A, B …), "digit", "lower" (a, b …) or "" (none).
    Among lettered sections a roman-looking letter that follows the previous one (H → I, H → L with
    letters skipped as Vietnamese lists do) is a letter."""
    if not label:
        return ""
    if label.isdigit():
        return "digit"
    if label.islower():
        return "lower"
    follows = len(label) == 1 and len(previous) == 1 and 0 < ord(label) - ord(previous) <= 2
    if re.fullmatch(r"[IVXLC]+", label) and not (top_kind == "upper" and follows):
        return "roman"
    return "upper"


def _positional(columns: _Columns) -> _Columns:
    """The same columns, for judging a short row before its cells are placed (STT first)."""
    roles = {"stt": 0} if "stt" in columns.roles else {}
    return _Columns(columns.kind, columns.headings, roles)


_PAIRS_NOTE = "Phân công theo hàng"


def _pair_line(lead: str, coordinating: str) -> str:
    lead, coordinating = _one_line(lead), _one_line(coordinating)
    return f"{lead} — phối hợp: {coordinating}" if coordinating else lead


# --- KPI target tables ------------------------------------------------------------------------------


class _TargetReader:
    """A table that sets one target a row ("Chỉ tiêu | Đơn vị | Kết quả | Cơ quan chủ trì"), grouped
    by period rows ("I Giai đoạn 2025-2027") and sub-group rows ("I.1 …")."""

    def __init__(self, doc: PlanDocument, columns: _Columns, segment: _Segment):
        self.doc = doc
        self.columns = columns
        self.where = segment.where
        self.is_flattened = segment.is_flattened
        horizon = _HORIZON_RE.search(_BRACKETED_RE.sub(" ", segment.caption.text)) if segment.caption else None
        self.default_period = horizon.group(0).lower() if horizon else ""
        self.section = ""
        self.group = ""
        self.period = self.default_period

    def read(self, rows: list[list[Cell]]) -> None:
        roles = self.columns.roles
        data = [r for r in rows if not _is_blank(r)]
        lead_col = roles.get("lead")
        unit_col = roles.get("unit")
        if lead_col is None and unit_col is not None and self._units_are_agencies(data, unit_col):
            lead_col, unit_col = unit_col, None
        if lead_col is None:
            self.doc.warnings.append(
                f"{self.where}: bảng chỉ tiêu không giao chỉ tiêu cho đơn vị nào (không có cột chủ trì); "
                f"bảng này không được nhập."
            )
            return
        self.lead_col, self.unit_col = lead_col, unit_col
        stt_col = roles.get("stt", 0)
        for cells in data:
            if _is_column_numbers(cells) or _is_repeated_header(cells, self.columns):
                continue
            where = _row_where(cells, self.where)
            fitted = _within_width(self.doc, cells, self.columns.width, where, self.is_flattened)
            if fitted is None:
                continue
            cells = fitted
            if len(cells) == self.columns.width:
                row = _expanded_row(cells, self.columns.width, where)
            else:
                row = _Row([cell_text(c) for c in cells] + [None] * (self.columns.width - len(cells)), cells, where)
            heading = _section_heading(row, _Columns("targets", self.columns.headings, {"stt": stt_col}), None)
            if heading is not None and len(row.present()) <= 2:
                self._start_group(heading, row)
                continue
            if len(cells) != self.columns.width:
                self.doc.not_understood.append(
                    NotUnderstood(
                        where, _row_text(cells), f"hàng có {len(cells)} ô, bảng chỉ tiêu có {self.columns.width} cột."
                    )
                )
                continue
            self._read_target(row, stt_col)

    def _units_are_agencies(self, rows: list[list[Cell]], col: int) -> bool:
        texts = [cell_text(r[col]) for r in rows if len(r) > col and r[col].text.strip()]
        return bool(texts) and sum(_looks_like_units(t) for t in texts) > len(texts) / 2

    def _start_group(self, heading: tuple[str, str], row: _Row) -> None:
        number, title = heading
        if "." in number and self.section:
            self.group = number
            return
        self.section = number
        if _is_period(title):
            self.period, self.group = title, ""
        else:
            self.period = self.default_period
            written = [t for _, t in row.present()]
            self.group = _one_line(written[0] if len(written) == 1 else f"{number}. {title}")

    def _read_target(self, row: _Row, stt_col: int) -> None:
        roles = self.columns.roles
        indicator = _one_line(row.text(roles["indicator"]))
        if not indicator:
            self.doc.not_understood.append(
                NotUnderstood(row.where, _row_text(row.cells), "hàng không có nội dung chỉ tiêu.")
            )
            return
        lead = _lead_clause(row.text(self.lead_col) or "")
        if not lead:
            self.doc.warnings.append(f"{row.where}: chỉ tiêu “{indicator[:60]}” không ghi cơ quan chủ trì.")
        value_col = roles.get("expected_output")
        value = _one_line(row.text(value_col)) if value_col is not None else ""
        if value or not self.columns.periods:
            periods = [(value or _value_in_sentence(indicator), self.period)]
        else:
            periods = [
                (_one_line(row.text(col)), self.columns.headings[col])
                for col in self.columns.periods
                if _one_line(row.text(col))
            ]
        for value, period in periods:
            deadline = parse_deadline(period, self.doc.year) if period else None
            self.doc.targets.append(
                TargetRow(
                    section=self.section,
                    group=self.group,
                    ref=_label(row.values[stt_col] or ""),
                    indicator=indicator,
                    value=value,
                    unit_of_measure=_one_line(row.text(self.unit_col)) if self.unit_col is not None else "",
                    lead=lead,
                    period=period,
                    due=deadline.due_on.isoformat() if deadline and deadline.due_on else None,
                    where=row.where,
                )
            )


def _value_in_sentence(indicator: str) -> str:
    """The threshold an indicator sentence states ("… đạt tối thiểu 40%" → "tối thiểu 40%")."""
    match = _PERCENT_VALUE_RE.search(indicator) or _COUNT_VALUE_RE.search(indicator)
    return match.group(0).strip() if match else ""


def _lead_clause(cell: str) -> str:
    """The units a KPI lead cell names before the role it gives them ("Sở Y tế chủ trì, theo dõi" →
    "Sở Y tế"); the cell itself when it is only names."""
    text = normalize_text_keep_lines(cell)
    match = _ROLE_VERB_RE.search(text)
    return text[: match.start()].rstrip(" ,;:") if match and match.start() > 0 else text


# --- Decision 1872's group table --------------------------------------------------------------------

_GROUP_RE = re.compile(r"^Nhóm\s*(\d+)\s*(?:\(\s*(\d+)\s*đơn vị\s*\))?\s*:?\s*(.*)$", re.S | re.I)
_INDICATOR_NUMBER_RE = re.compile(r"\s*\((\d+)\)\s*$")


class _GroupReader:
    """Appendix 1 of Decision 1872: "STT | Đơn vị | one column per indicator", a row per unit group
    ("Nhóm N (k đơn vị): A; B; C") with one target cell per indicator."""

    def __init__(self, doc: PlanDocument, columns: _Columns, where: str):
        self.doc = doc
        self.unit_col = columns.roles["unit"]
        self.headings = columns.headings
        self.where = where

    def read(self, rows: list[list[Cell]]) -> None:
        indicators = self.headings[self.unit_col + 1 :]
        self.doc.indicators = [_INDICATOR_NUMBER_RE.sub("", h).strip() for h in indicators]
        width = len(self.headings)
        seen: set[int] = set()
        for cells in rows:
            if _is_blank(cells) or _is_column_numbers(cells):
                continue
            where = _row_where(cells, self.where)
            if len(cells) != width:
                self._not_understood(
                    where,
                    cells,
                    f"hàng của bảng chỉ tiêu có {len(cells)} ô, cần {width} ô "
                    f"(STT, Đơn vị và {len(indicators)} chỉ tiêu). "
                    f"Văn bản có thể bị cắt hoặc lỗi.",
                )
                continue
            self._read_group(cells, where, seen)
        if not self.doc.groups:
            self.doc.warnings.append(f"{self.where}: bảng giao chỉ tiêu theo nhóm đơn vị không có hàng nào đọc được.")

    def _read_group(self, cells: list[Cell], where: str, seen: set[int]) -> None:
        unit_cell = cells[self.unit_col]
        text = cell_text(unit_cell)
        match = _GROUP_RE.match(normalize_text(text))
        if match:
            number = int(match.group(1))
            declared = int(match.group(2)) if match.group(2) else None
            members_text, name = match.group(3), f"Nhóm {number}"
        else:
            # A table that lists single units (one unit a row) makes each unit its own group.
            stt = cell_text(cells[0]).rstrip(".")
            if not stt.isdigit() or fold_name(text).startswith("nhóm"):
                self._not_understood(
                    where,
                    cells,
                    f"ô “Đơn vị” phải bắt đầu bằng “Nhóm N” hoặc hàng phải có STT là số; đọc được “{text[:60]}”.",
                )
                return
            number, declared, members_text, name = int(stt), None, text, normalize_text(text)
        if number in seen:
            self._not_understood(where, cells, f"nhóm {number} xuất hiện hai lần trong bảng chỉ tiêu.")
            return
        members = split_names(members_text, lambda _n: False, strict_separators=";\n")
        if not members:
            self._not_understood(where, cells, f"{name} không có đơn vị nào.")
            return
        seen.add(number)
        if declared is not None and declared != len(members):
            self.doc.warnings.append(
                f"{unit_cell.where}: {name} ghi {declared} đơn vị nhưng liệt kê {len(members)} đơn vị."
            )
        target_cells = cells[self.unit_col + 1 :]
        targets = [cell_text(c) for c in target_cells]
        for cell, target in zip(target_cells, targets):
            if not target:
                self.doc.warnings.append(f"{cell.where}: {name} để trống chỉ tiêu.")
        self.doc.groups.append(GroupRow(number, name, declared, members, targets, unit_cell.where))

    def _not_understood(self, where: str, cells: list[Cell], reason: str) -> None:
        self.doc.not_understood.append(NotUnderstood(where, _row_text(cells), reason))
        self.doc.warnings.append(f"{where}: {reason}")


# --- Entry point ------------------------------------------------------------------------------------


def _caption_paragraph(paragraph: Paragraph) -> _Caption | None:
    text = paragraph.text.strip()
    match = _CAPTION_RE.match(text)
    if match is None:
        return None
    rest = text[match.end() :].strip()
    if (
        not text.startswith("PHỤ LỤC")
        and rest
        and not _is_upper(rest)
        and (not rest.startswith(":") or len(text.split()) > _CAPTION_TITLE_MAX_WORDS)
    ):
        return None  # "Phụ lục kèm theo …" in running text
    return _caption_from_text(text, paragraph.where)


def recognise_tables(blocks: list[Block], doc: PlanDocument) -> None:
    """Fill doc's sections, targets, groups, not-understood rows and warnings from the tables in blocks.

    A paragraph caption ("PHỤ LỤC II …") and the title lines under it go with the next table."""
    recogniser = _Recogniser(doc)
    caption: _Caption | None = None
    title_lines = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            found = _caption_paragraph(block)
            if found is not None:
                caption, title_lines = found, 0
            elif caption is not None and block.text.strip():
                title_lines += 1
                if title_lines <= _CAPTION_TITLE_LINES:
                    caption.text = f"{caption.text} {_one_line(block.text)}"
                elif title_lines > _CAPTION_REACH:
                    caption = None  # running text, not a caption over a table
            continue
        for segment in _segments(block, caption):
            recogniser.read(segment)
        caption = None
    recogniser.finish()
