"""Turns a file into blocks: picks the reader by what the bytes are (and, failing that, by the file's
name), so every format reaches the recognisers as the same stream of paragraphs and tables."""

from __future__ import annotations

import email
import email.policy
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..containers import ContainerRefused, check_container
from .blocks import Block
from .doc_reader import read_doc
from .document import PlanImportError
from .docx_reader import read_docx_blocks
from .html_reader import read_html_blocks
from .pdf_reader import read_pdf
from .text_reader import read_text

Reader = Callable[[bytes], list[Block]]

# File kind → reader. Old Word, RTF and OpenDocument files are converted by LibreOffice.
READERS: dict[str, Reader] = {
    "text": read_text,
    "docx": read_docx_blocks,
    "html": read_html_blocks,
    "pdf": read_pdf,
    "doc": read_doc,
    "rtf": lambda data: read_doc(data, ".rtf"),
    "odt": lambda data: read_doc(data, ".odt"),
    "mhtml": lambda data: read_html_blocks(_mhtml_page(data)),
}

_SUFFIX_KINDS = {
    ".txt": "text",
    ".md": "text",
    ".text": "text",
    ".markdown": "text",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".doc": "doc",
    ".rtf": "rtf",
    ".odt": "odt",
    ".mht": "mhtml",
    ".mhtml": "mhtml",
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A Word or Excel file saved with a password is an OLE container holding the encrypted package.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ENCRYPTED = (
    "tệp Word có mật khẩu: hãy mở tệp bằng Word, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ tài liệu › "
    "Mã hóa bằng mật khẩu) rồi lưu lại và tải lên."
)
# Zip packages that are not Word documents: what they are, for the message.
_OTHER_PACKAGES = {
    "xl/workbook.xml": "bảng tính Excel (.xlsx)",
    "ppt/presentation.xml": "bản trình chiếu PowerPoint (.pptx)",
}
_ODF_TEXT = b"application/vnd.oasis.opendocument.text"


def _zip_kind(data: bytes) -> str:
    """What a zip package holds: a Word document, an OpenDocument text; anything else is refused by name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            mimetype = package.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, KeyError, OSError):
        return "docx"  # the .docx reader names the damage
    if mimetype.startswith(_ODF_TEXT):
        return "odt"
    if "word/document.xml" not in names:
        for part, what in _OTHER_PACKAGES.items():
            if part in names:
                raise PlanImportError(
                    f"tệp là {what}, không phải văn bản: hãy tải lên kế hoạch dạng .docx, .pdf hoặc .doc."
                )
    return "docx"


def sniff(data: bytes) -> str | None:
    """The kind the first bytes announce, or None for anything else (text)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(_OLE):
        if _ENCRYPTED_PACKAGE in data[:65536]:
            raise PlanImportError(_ENCRYPTED)
        return "doc"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"mime-version:") or b"content-type: multipart/related" in head:
        return "mhtml"
    if head.startswith((b"<!doctype html", b"<html", b"<table")) or (head.startswith(b"<") and b"<html" in head):
        return "html"
    return None


def _from_utf16(data: bytes) -> bytes:
    """Text saved as UTF-16 (Windows Notepad's "Unicode", with its byte order mark) as UTF-8; other bytes as
    they are."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise PlanImportError("tệp UTF-16 bị hỏng: hãy mở bằng Notepad và lưu lại dưới dạng UTF-8.") from exc
    return data


def _mhtml_page(data: bytes) -> bytes | str:
    """The HTML page of a single-file web page (.mht, or a .doc that a website or Word saved as one)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() in ("text/html", "application/xhtml+xml"):
            payload = part.get_payload(decode=True)
            html = payload if isinstance(payload, bytes) else b""
            # The part's declared charset wins over the page's own <meta>, as a browser reads it.
            try:
                return html.decode(part.get_content_charset() or "")
            except (LookupError, UnicodeDecodeError):
                return html
    raise PlanImportError("tệp trang web (.mht) không có phần nội dung HTML: hãy lưu lại văn bản dưới dạng .docx.")


def read_blocks(data: bytes, filename: str) -> list[Block]:
    """The file's paragraphs and tables in document order; PlanImportError when it cannot be read."""
    if not data.strip():
        raise PlanImportError("tệp rỗng.")
    data = _from_utf16(data)
    try:
        check_container(data)  # a decompression bomb is refused before any reader unpacks it
    except ContainerRefused as exc:
        raise PlanImportError(str(exc.message)) from exc
    kind = sniff(data) or _SUFFIX_KINDS.get(Path(filename).suffix.lower(), "text")
    return READERS[kind](data)
