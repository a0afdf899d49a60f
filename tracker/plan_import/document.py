"""What every reader produces: the plan's appendices as plain data, with where each piece came from."""
from __future__ import annotations

from dataclasses import dataclass, field


class PlanImportError(Exception):
    """The document cannot be read; `where` names the line, or the table row and column, at fault."""

    def __init__(self, message: str, where: str | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Cell:
    text: str
    where: str  # "dòng 212" or "bảng 2, hàng 5, cột 3"


@dataclass
class Table:
    rows: list[list[Cell]]
    where: str  # where the table starts


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


@dataclass
class SectionRows:
    number: str
    title: str
    where: str
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class PlanDocument:
    number: str | None = None
    title: str = ""
    issued_on: str | None = None  # ISO date
    year: int | None = None
    end_year: int | None = None  # a multi-year plan's last year
    indicators: list[str] = field(default_factory=list)  # Appendix 1 column headings, in order
    groups: list[GroupRow] = field(default_factory=list)
    sections: list[SectionRows] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_appendix1(self) -> bool:
        return bool(self.groups)

    @property
    def has_appendix2(self) -> bool:
        return bool(self.sections)
