"""Reader for HTML documents: every <table>, cells as their text with <br> and paragraphs as line breaks."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

from .document import Cell, Table

_BLOCKS = ["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"]
_SPACE_RE = re.compile(r"\s+")


def read_html(data: bytes | str) -> tuple[str, list[Table]]:
    """The running text (outside tables) and every table of an HTML page."""
    soup = BeautifulSoup(data, "lxml")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    # HTML collapses source whitespace; only <br> and block boundaries break lines.
    for string in soup.find_all(string=True):
        if isinstance(string, NavigableString) and string.parent.name not in ("pre",):
            string.replace_with(_SPACE_RE.sub(" ", str(string)))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")

    tables: list[Table] = []
    for t_index, table in enumerate(soup.find_all("table"), start=1):
        if table.find_parent("table") is not None:
            continue  # a nested table is read as part of its cell's text
        rows: list[list[Cell]] = []
        for r_index, tr in enumerate(table.find_all("tr"), start=1):
            if tr.find_parent("table") is not table:
                continue
            cells = [
                Cell(td.get_text(), f"bảng {t_index}, hàng {r_index}, cột {c_index}")
                for c_index, td in enumerate(tr.find_all(["td", "th"], recursive=False), start=1)
            ]
            rows.append(cells)
        tables.append(Table(rows, f"bảng {t_index}"))
    for table in soup.find_all("table"):
        table.decompose()
    text = (soup.body or soup).get_text()
    return text, tables
