"""What every reader produces: the plan's appendices as plain data, with where each piece came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import Cell, Table

__all__ = [
    "Cell",
    "GroupRow",
    "ItemRow",
    "NotUnderstood",
    "PlanDocument",
    "PlanImportError",
    "PlanNumberMissing",
    "SectionRows",
    "Table",
    "TargetRow",
]


class PlanImportError(Exception):
    """The document cannot be read; `where` names the line, or the table row and column, at fault."""

    def __init__(self, message: str, where: str | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class PlanNumberMissing(PlanImportError):
    """The document was read but states no number (or left it blank): the person importing gives one.
    `document` is what was read, so a preview can show it without reading the file again."""

    def __init__(self, message: str, document: PlanDocument):
        super().__init__(message)
        self.document = document


@dataclass
class GroupRow:
    """One row of Appendix 1: a unit group, its members as written, and one target cell per indicator."""

    number: int
    name: str
    declared_size: int | None
    members: list[str]
    targets: list[str]
    where: str


@dataclass
class ItemRow:
    """One action item of Appendix 2 (or one lettered item / sub-item of a paragraph plan)."""

    stt: str
    task: str
    lead: str
    coordinating: str
    expected_output: str
    deadline: str
    where: str
    # The columns or labels the importer keeps but does not interpret ("Kinh phí", "Ghi chú",
    # "Người đứng đầu chịu trách nhiệm", "Tình trạng" …): heading as written → value.
    notes: dict[str, str] = field(default_factory=dict)
    # 2, 3 … for the second and later physical sub-rows of one numbered row (merged STT), or the
    # second and later label blocks under one heading; None for the first (or only) one.
    subrow: int | None = None


@dataclass
class SectionRows:
    number: str
    title: str
    where: str
    items: list[ItemRow] = field(default_factory=list)
    appendix: str = ""  # "Phụ lục II" when the document has several task appendices


@dataclass
class TargetRow:
    """One KPI target a table sets for a unit or a group of units (not Decision 1872's group table,
    which is GroupRow): the indicator, its threshold as written, and who answers for it."""

    section: str  # "I" (period or group row it sits under), "" when none
    group: str  # sub-group label such as "I.1", "" when none
    ref: str  # the row's own number
    indicator: str
    value: str  # "100%", "tối thiểu 40%" …, as written
    unit_of_measure: str  # the "Đơn vị" column when it is a unit of measure ("%", "hồ sơ"), else ""
    lead: str  # the lead cell or clause as written
    period: str  # "Giai đoạn 2025-2027", "đến năm 2030", "" when none
    due: str | None  # ISO date: end of the period, None when none
    where: str


@dataclass
class NotUnderstood:
    """A row or paragraph that looks like part of the plan but that no recogniser could read."""

    where: str  # "trang 3, bảng 1, hàng 7" or "dòng 212"
    text: str  # the raw text, whitespace folded
    reason: str = ""  # what was missing, in Vietnamese ("không có đơn vị chủ trì" …)


@dataclass
class PlanDocument:
    number: str | None = None
    title: str = ""
    issuer: str = ""  # "UBND tỉnh Đồng Tháp", "Thủ tướng Chính phủ" …, "" when not stated
    issued_on: str | None = None  # ISO date
    year: int | None = None
    end_year: int | None = None  # a multi-year plan's last year
    indicators: list[str] = field(default_factory=list)  # Appendix 1 column headings, in order
    groups: list[GroupRow] = field(default_factory=list)
    sections: list[SectionRows] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    not_understood: list[NotUnderstood] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_appendix1(self) -> bool:
        return bool(self.groups)

    @property
    def has_appendix2(self) -> bool:
        return bool(self.sections)
