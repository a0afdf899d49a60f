"""Long imports run outside the request: a durable queue of jobs, each claimed by exactly one worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime
from .users import User

JOB_KINDS = ("plan_preview", "plan_import", "kpi_import")
JOB_STATES = ("queued", "running", "done", "failed")


class ImportJob(Model):
    """One import (a plan's preview, a plan's import, a KPI file's import) of a file kept under instance/ by its
    token: queued by a request, claimed by one worker (state queued → running by one conditional UPDATE), done
    with its result (the preview or the report) kept, or failed with a message in Vietnamese."""

    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("kind IN ('plan_preview', 'plan_import', 'kpi_import')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The kept upload: instance/<folder of the kind>/<token><suffix>, and the name it was uploaded under.
    token: Mapped[str] = mapped_column(String(32))
    suffix: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    # What the request chose (the plan's number, the plan it amends, the KPI file's plan…).
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "host:pid" of the worker that claimed it.
    claimed_by: Mapped[str] = mapped_column(String(120), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User | None] = relationship()
