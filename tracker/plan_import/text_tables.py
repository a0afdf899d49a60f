"""Reader for tables extracted as text: one cell per tab-indented line, rows separated by blank lines,
and tables written with "|" between cells."""
from __future__ import annotations

import re

from .document import Cell, Table

_PIPE_SEPARATOR_RE = re.compile(r"^[\s|:\-+]+$")


def read_tab_tables(lines: list[str]) -> list[Table]:
    """Tables whose cells each start on a line beginning with a tab; a cell runs on over untabbed lines."""
    tables: list[Table] = []
    rows: list[list[Cell]] | None = None
    row: list[Cell] | None = None
    cell: Cell | None = None
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            if rows is None:
                rows, start = [], number
            if row is None:
                row = []
                rows.append(row)
            cell = Cell(line[1:], f"dòng {number}")
            row.append(cell)
        elif not line.strip():
            row, cell = None, None
        elif cell is not None:
            cell.text += "\n" + line
        else:
            if rows:
                tables.append(Table(rows, f"dòng {start}"))
            rows = None
    if rows:
        tables.append(Table(rows, f"dòng {start}"))
    return tables


def read_pipe_tables(lines: list[str]) -> list[Table]:
    """Tables written one row a line with "|" between cells (Markdown and similar)."""
    tables: list[Table] = []
    rows: list[list[Cell]] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.count("|") >= 2:
            if not rows:
                start = number
            if _PIPE_SEPARATOR_RE.match(line):
                continue
            body = line.strip()
            body = body[1:] if body.startswith("|") else body
            body = body[:-1] if body.endswith("|") else body
            rows.append([Cell(text.strip(), f"dòng {number}, cột {col}") for col, text in enumerate(body.split("|"), 1)])
        elif rows:
            tables.append(Table(rows, f"dòng {start}"))
            rows = []
    if rows:
        tables.append(Table(rows, f"dòng {start}"))
    return tables
