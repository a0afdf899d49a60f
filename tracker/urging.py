"""Đôn đốc: the IT Centre urges a unit about one of its assignments — an email now, through the same
outbox as the reminders (so at most one urge per unit per day), and a line in the item's history."""
from __future__ import annotations

from datetime import date, datetime

from flask import render_template

from .assignments import PermissionDenied, actor_of
from .extensions import db
from .models import Assignment, ItemComment, User
from .outbox import Draft, enqueue
from .rules.lifecycle import STATE_LABELS
from .rules.permissions import URGE_UNIT, can


class AlreadyUrged(Exception):
    """The unit has already been urged today (one email per unit per day)."""


class NoAddress(Exception):
    """The unit has no email address to urge."""


def urge(assignment: Assignment, text: str, *, actor: User, today: date, now: datetime, base_url: str) -> int:
    """Queue the urge email and record it on the item; returns the outbox row's id. Flushes, the caller
    commits (and may dispatch that row at once)."""
    if not can(actor_of(actor), URGE_UNIT, unit=assignment.unit_id):
        raise PermissionDenied("Chỉ Trung tâm Công nghệ thông tin và quản trị viên được đôn đốc đơn vị.")
    unit, item = assignment.unit, assignment.item
    recipients = sorted({e for e in (unit.head_email, unit.focal_email) if e})
    if not recipients:
        raise NoAddress(f"{unit.name} chưa có địa chỉ thư điện tử.")
    text = text.strip()
    context = {"unit": unit, "item": item, "assignment": assignment, "text": text, "actor": actor, "today": today,
               "base_url": base_url.rstrip("/"), "state": STATE_LABELS[assignment.status],
               "days": (assignment.due_on - today).days if assignment.due_on else None}
    created = enqueue([Draft(
        unit_id=unit.id, kind="urge", reference_on=today, recipients=recipients,
        cc=[actor.email] if actor.email not in recipients else [],
        subject=f"[Theo dõi kế hoạch] Đôn đốc thực hiện nhiệm vụ {item.reference} — {unit.name}",
        body_text=render_template("emails/urge.txt", **context),
        body_html=render_template("emails/urge.html", **context),
        entries=[{"kind": "urge", "item": item.reference, "days": context["days"]}],
    )], now=now)
    if not created:
        raise AlreadyUrged(f"{unit.name} đã được đôn đốc hôm nay; mỗi đơn vị nhận tối đa một thư đôn đốc mỗi ngày.")
    note = f"Đôn đốc {unit.name} qua thư điện tử" + (f": {text}" if text else ".")
    db.session.add(ItemComment(item_id=item.id, author=actor, at=now, body=note))
    db.session.flush()
    return created[0]
