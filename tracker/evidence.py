"""Evidence files: checked for size and type, stored outside the web root under a random name."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .models import Assignment, EvidenceFile, User
from .rules.files import clean_filename
from .rules.texts import t

# Extension → (content type, the file signatures it may start with).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls (Word/Excel 97-2003)
_ZIP = b"PK\x03\x04"  # .docx / .xlsx / .odt / .ods are ZIP containers
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (_ZIP,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


class EvidenceRejected(Exception):
    """The file cannot be kept as evidence; the message says why and what is accepted."""


def _accepted() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


def store_evidence(
    stream: IO[bytes],
    filename: str,
    *,
    assignment: Assignment,
    uploader: User,
    now: datetime,
    upload_dir: Path,
    max_bytes: int,
) -> EvidenceFile:
    """Check and store an uploaded file under a cleaned name; flushes its row, the caller commits."""
    filename = clean_filename(filename, fallback="minh-chung")
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise EvidenceRejected(
            t("Không nhận tệp “%(name)s”: chỉ nhận các loại %(types)s.", name=filename, types=_accepted())
        )
    content_type, signatures = ALLOWED_TYPES[suffix]
    data = stream.read(max_bytes + 1)
    if not data:
        raise EvidenceRejected(t("Tệp “%(name)s” rỗng.", name=filename))
    if len(data) > max_bytes:
        raise EvidenceRejected(t("Tệp “%(name)s” lớn hơn %(size)s MB.", name=filename, size=max_bytes // (1024 * 1024)))
    if not data.startswith(signatures):
        raise EvidenceRejected(
            t("Nội dung tệp “%(name)s” không phải là tệp %(suffix)s hợp lệ.", name=filename, suffix=suffix)
        )
    stored_name = secrets.token_hex(16)
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / stored_name
    path.write_bytes(data)
    # The file is written before the change it proves is decided (a 409 or 422 may still refuse it):
    # until the transaction commits it is only pending, and a rollback deletes it.
    db.session.info.setdefault(_PENDING_FILES, []).append(path)
    record = EvidenceFile(
        assignment_id=assignment.id,
        uploaded_by_id=uploader.id,
        at=now,
        filename=filename,
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(record)
    db.session.flush()
    return record


_PENDING_FILES = "tracker.evidence.pending_files"


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    """Committed: the files written in this transaction belong to rows that now exist."""
    session.info.pop(_PENDING_FILES, None)


@event.listens_for(Session, "after_rollback")
def _delete_refused_files(session: Session) -> None:
    """Rolled back (a version conflict, a refused change, an error): the rows are gone, so are their files."""
    for path in session.info.pop(_PENDING_FILES, []):
        path.unlink(missing_ok=True)
