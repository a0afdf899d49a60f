"""Đôn đốc: the IT Centre urges a unit about one of its assignments. The urge rides in the unit's one email
of the day (joining it while unsent, or the next working morning's once it is sent), and is noted in the
item's history; an item is urged at most once a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, bindparam, select

from .assignments import PermissionDenied, actor_of
from .extensions import db, read_rows
from .models import Assignment, ItemComment, OutboxMessage, User
from .outbox import enqueue
from .reminders import (
    compose,
    has_swept,
    it_centre,
    it_centre_addresses,
    load_send_time,
    merge_into,
    plan_day,
    recipients_of,
)
from .rules.permissions import URGE_UNIT, can
from .rules.reminders import URGE
from .rules.texts import t
from .rules.workdays import WorkCalendar


class AlreadyUrged(Exception):
    """This item has already been urged to this unit today."""


class NoAddress(Exception):
    """The unit has nobody to write to."""


@dataclass(frozen=True)
class Urged:
    """Where the urge went: the outbox row, the day its email goes out, and whether it can be sent now."""

    message_id: int
    goes_on: date
    send_now: bool


@cache
def _urged_statement() -> Select[int | None, list]:
    """urged_today's statement, built once (every page of the overdue list runs it), the units and day bound."""
    return select(OutboxMessage.unit_id, OutboxMessage.entries).where(
        OutboxMessage.unit_id.in_(bindparam("unit_ids", expanding=True)),
        OutboxMessage.kind == "daily",
        OutboxMessage.reference_on >= bindparam("today"),
    )


def urged_today(unit_ids: set[int], today: date) -> set[tuple[int, int]]:
    """(unit, item) pairs urged on `today`, from the units' emails of today and later (one query)."""
    if not unit_ids:
        return set()
    found = set()
    for unit_id, entries in read_rows(_urged_statement(), {"unit_ids": list(unit_ids), "today": today}):
        found |= {
            (unit_id, e.get("item_id")) for e in entries if e.get("kind") == URGE and e.get("on") == today.isoformat()
        }
    return found


def _send_moment(day: date) -> datetime:
    """The daily send time on `day` (the admin's setting, else SEND_TIME), as an aware UTC moment."""
    hours, minutes = (load_send_time() or current_app.config["SEND_TIME"]).split(":")
    local = datetime(
        day.year, day.month, day.day, int(hours), int(minutes), tzinfo=ZoneInfo(current_app.config["TIMEZONE"])
    )
    return local.astimezone(UTC)


def _next_workday(day: date, calendar: WorkCalendar) -> date:
    day += timedelta(days=1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def urge(assignment: Assignment, text: str, *, actor: User, today: date, now: datetime) -> Urged:
    """Put the urge in the unit's email and record it on the item. Flushes, the caller commits (and
    dispatches the row at once when `send_now`)."""
    if not can(actor_of(actor), URGE_UNIT, unit=assignment.unit_id):
        raise PermissionDenied(t("Chỉ Trung tâm Công nghệ thông tin và quản trị viên được đôn đốc đơn vị."))
    unit, item = assignment.unit, assignment.item
    if (unit.id, item.id) in urged_today({unit.id}, today):
        raise AlreadyUrged(
            t(
                "Nhiệm vụ %(item)s của %(unit)s đã được đôn đốc hôm nay; "
                "mỗi nhiệm vụ được đôn đốc tối đa một lần mỗi ngày.",
                item=item.reference,
                unit=unit.name,
            )
        )
    recipients = recipients_of([unit])[unit.id]
    if not recipients:
        raise NoAddress(t("%(unit)s chưa có tài khoản nhận nhắc việc hay địa chỉ thư điện tử.", unit=unit.name))
    text = text.strip()
    record = {
        "kind": URGE,
        "item": item.reference,
        "days": None,
        "item_id": item.id,
        "assignment_id": assignment.id,
        "text": text,
        "by": actor.display_name,
        "by_email": actor.email,
        "on": today.isoformat(),
    }
    centre = it_centre()
    cc = it_centre_addresses(centre) if centre is None or unit.id != centre.id else []
    calendar = WorkCalendar()
    day = today
    for _attempt in range(60):  # a day whose email has left moves the urge on; two months of days off is the end
        message = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.unit_id == unit.id, OutboxMessage.kind == "daily", OutboxMessage.reference_on == day
            )
        )
        if (
            message is not None
            and message.status == "pending"
            and merge_into(message, unit, [record], recipients=recipients, cc=cc)
        ):
            goes = Urged(message.id, day, send_now=message.next_attempt_at <= now)
            break
        if message is None:
            records, copies = [record], cc
            if day == today and calendar.is_workday(today) and not has_swept(today):
                # Before the day's sweep: the day's reminders go with the urge, now, as the one email.
                planned = plan_day(today, only_unit=unit.id).drafts
                if planned:
                    records = planned[0].entries + records
                    copies = sorted(set(cc) | set(planned[0].cc))
            draft = compose(unit, day, records, recipients=recipients, cc=copies)
            later = day != today
            created = enqueue([draft], now=now, not_before=_send_moment(day) if later else None)
            if created:
                goes = Urged(created[0], day, send_now=not later)
                break
            continue  # another request wrote the row meanwhile: read it again
        day = _next_workday(day, calendar)  # today's email has left: the next working morning's
    else:
        raise RuntimeError(f"No day found for the urge of {unit.name}.")
    note = f"Đôn đốc {unit.name} qua thư điện tử" + (f": {text}" if text else ".")
    db.session.add(ItemComment(item_id=item.id, author=actor, at=now, body=note))
    db.session.flush()
    return goes
