"""Reader for .docx documents: the tables as python-docx sees them, merged cells counted once."""
from __future__ import annotations

import io
import zipfile

from .document import Cell, PlanImportError, Table


def read_docx(data: bytes) -> tuple[str, list[Table]]:
    """The running text (paragraphs outside tables) and every table of a .docx file."""
    import docx  # python-docx; imported here so the other readers work without it loaded
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanImportError(f"tệp không phải là tài liệu .docx đọc được ({exc}).") from exc
    text = "\n".join(p.text for p in document.paragraphs)
    tables: list[Table] = []
    for t_index, table in enumerate(document.tables, start=1):
        rows: list[list[Cell]] = []
        for r_index, row in enumerate(table.rows, start=1):
            cells: list[Cell] = []
            seen = set()
            for c_index, cell in enumerate(row.cells, start=1):
                # A merged cell appears once per grid column it spans: keep its first appearance.
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                content = "\n".join(p.text for p in cell.paragraphs)
                cells.append(Cell(content, f"bảng {t_index}, hàng {r_index}, cột {c_index}"))
            rows.append(cells)
        tables.append(Table(rows, f"bảng {t_index}"))
    return text, tables
