"""Turns a file into blocks: picks the reader by what the bytes are (and, failing that, by the file's
name), so every format reaches the recognisers as the same stream of paragraphs and tables."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .blocks import Block
from .doc_reader import read_doc
from .docx_reader import read_docx_blocks
from .document import PlanImportError
from .html_reader import read_html_blocks
from .pdf_reader import read_pdf
from .text_reader import read_text

Reader = Callable[[bytes], list[Block]]

# File kind → reader.
READERS: dict[str, Reader] = {
    "text": read_text,
    "docx": read_docx_blocks,
    "html": read_html_blocks,
    "pdf": read_pdf,
    "doc": read_doc,
}

_SUFFIX_KINDS = {
    ".txt": "text", ".md": "text", ".text": "text", ".markdown": "text",
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".doc": "doc",
}


def sniff(data: bytes) -> str | None:
    """The kind the first bytes announce, or None for anything else (text)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")) or head.startswith(b"<?xml") and b"<html" in head:
        return "html"
    return None


def read_blocks(data: bytes, filename: str) -> list[Block]:
    """The file's paragraphs and tables in document order; PlanImportError when it cannot be read."""
    if not data.strip():
        raise PlanImportError("tệp rỗng.")
    kind = sniff(data) or _SUFFIX_KINDS.get(Path(filename).suffix.lower(), "text")
    return READERS[kind](data)
