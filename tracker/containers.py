"""Checks a .docx or .xlsx (a zip container) before any parser opens it: a small file that unpacks to
gigabytes (a decompression bomb) is refused with a message instead of taking a worker's memory."""

from __future__ import annotations

import io
import zipfile
import zlib

from .rules.texts import Text, t

# A real plan or spreadsheet unpacks to a few megabytes, pictures included; these leave ample room.
MAX_ENTRIES = 5_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 100 * 1024 * 1024
# XML compresses well (20:1 is common) but not a thousandfold; only entries over RATIO_FROM bytes are judged.
MAX_RATIO = 200
RATIO_FROM = 1024 * 1024
MAX_NESTING = 2
CHUNK = 1024 * 1024  # a container inside a container (an embedded chart's workbook) is checked too, once


class ContainerRefused(ValueError):
    """The container would unpack to more than the product reads; the message says why, in Vietnamese."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


def check_container(data: bytes, *, depth: int = 1) -> None:
    """Raise ContainerRefused if the zip in `data` has too many entries, unpacks to too much in total or in
    one entry, compresses an entry implausibly well, or nests containers too deep. Not a zip: nothing to
    check (the reader says what it is). Declared sizes are what zipfile trusts when reading, so checking
    them bounds what any parser on zipfile can unpack."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ContainerRefused(
                t(
                    "Tệp chứa %(count)s thành phần nén, nhiều hơn mức %(limit)s mà hệ thống đọc.",
                    count=len(entries),
                    limit=MAX_ENTRIES,
                )
            )
        total = sum(entry.file_size for entry in entries)
        biggest = max(entries, key=lambda entry: entry.file_size, default=None)
        if total > MAX_TOTAL_BYTES:
            raise ContainerRefused(
                t(
                    "Tệp giải nén ra %(size)s MB, vượt mức %(limit)s MB mà hệ thống đọc.",
                    size=total // (1024 * 1024),
                    limit=MAX_TOTAL_BYTES // (1024 * 1024),
                )
            )
        if biggest is not None and biggest.file_size > MAX_ENTRY_BYTES:
            raise ContainerRefused(
                t(
                    "Tệp có thành phần “%(part)s” giải nén ra %(size)s MB, vượt mức %(limit)s MB mà hệ thống đọc.",
                    part=biggest.filename,
                    size=biggest.file_size // (1024 * 1024),
                    limit=MAX_ENTRY_BYTES // (1024 * 1024),
                )
            )
        for entry in entries:
            if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise ContainerRefused(
                    t(
                        "Tệp có thành phần “%(part)s” nén bất thường (gấp %(ratio)s lần): "
                        "có thể là tệp độc hại, hệ thống không mở.",
                        part=entry.filename,
                        ratio=entry.file_size // max(entry.compress_size, 1),
                    )
                )
        for entry in entries:
            content = _read_whole(archive, entry)
            if content is not None:  # a container inside: checked as well, one level down
                if depth >= MAX_NESTING:
                    raise ContainerRefused(t("Tệp lồng các tệp nén quá nhiều tầng; hệ thống không mở."))
                check_container(content, depth=depth + 1)


def _read_whole(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes | None:
    """Unpack one entry to its end (its checksum is checked there), a chunk at a time: a part that is
    encrypted, compressed in a way no reader knows, or damaged is refused here with its name, not later by a
    parser as a server error. Returns the entry's bytes when it is itself a zip, else None."""
    try:
        with archive.open(entry) as part:
            first = part.read(CHUNK)
            nested = first.startswith(b"PK\x03\x04")
            chunks = [first]
            while chunk := part.read(CHUNK):
                if nested:
                    chunks.append(chunk)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ContainerRefused(
            t(
                "Tệp bị hỏng hoặc được đặt mật khẩu: không đọc được phần “%(part)s”. Hãy mở tệp bằng Word hoặc "
                "Excel, lưu lại (không đặt mật khẩu) rồi tải lên.",
                part=entry.filename,
            )
        ) from exc
    return b"".join(chunks) if nested else None
