"""Checks a .docx or .xlsx (a zip container) before any parser opens it: a small file that unpacks to
gigabytes (a decompression bomb) is refused with a message instead of taking a worker's memory."""

from __future__ import annotations

import io
import zipfile

from .rules.texts import Text, t

# A real plan or spreadsheet unpacks to a few megabytes, pictures included; these leave ample room.
MAX_ENTRIES = 5_000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 100 * 1024 * 1024
# XML compresses well (20:1 is common) but not a thousandfold; only entries over RATIO_FROM bytes are judged.
MAX_RATIO = 200
RATIO_FROM = 1024 * 1024
MAX_NESTING = 2  # a container inside a container (an embedded chart's workbook) is checked too, once


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
            if entry.file_size >= 4 and archive.open(entry).read(4) == b"PK\x03\x04":
                if depth >= MAX_NESTING:
                    raise ContainerRefused(t("Tệp lồng các tệp nén quá nhiều tầng; hệ thống không mở."))
                check_container(archive.read(entry), depth=depth + 1)
