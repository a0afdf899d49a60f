"""What happens to an assignment: the history of changes, comments on items, and evidence files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .users import User

EVENT_KINDS = ("move", "progress", "reopen")


class AssignmentEvent(Model):
    """One change of an assignment: who, when, from which state to which, and what they gave."""

    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    document_number: Mapped[str] = mapped_column(String(120), default="")
    document_date: Mapped[date | None]
    document_title: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None]
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_files.id"))

    actor: Mapped[User | None] = relationship()
    evidence_file: Mapped[EvidenceFile | None] = relationship()


class EvidenceFile(Model):
    """An uploaded file (the output document), stored outside the web root under a random name."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    filename: Mapped[str] = mapped_column(String(255))  # as the user named it, shown on download
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    uploaded_by: Mapped[User] = relationship()


class ItemComment(Model):
    """A remark on an item by anyone who may see it (the IT Centre's urging among them)."""

    __tablename__ = "item_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()
