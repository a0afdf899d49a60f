"""A unit's due dates as an iCalendar feed (one all-day event per open assignment), behind a secret,
revocable link, so the unit sees its deadlines in its own calendar program."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import not_, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .links import external_url
from .models import ActionItem, Assignment, PlanSection, Unit
from .status_sql import is_done


def new_calendar_token(unit: Unit) -> str:
    """Give the unit a new secret link; the old one stops working."""
    unit.calendar_token = secrets.token_urlsafe(24)
    return unit.calendar_token


def unit_for_token(code: str, token: str) -> Unit | None:
    """The unit whose feed this is, if the token is its current one."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.calendar_token or not token or not secrets.compare_digest(unit.calendar_token, token):
        return None
    return unit


def unit_calendar(unit: Unit, *, now: datetime) -> bytes:
    """The feed: each open (not done) assignment with a due date, as an all-day event on that date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Plan Tracker//Theo doi ke hoach//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Hạn nhiệm vụ — {unit.name}")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    assignments = db.session.scalars(
        select(Assignment)
        .where(
            Assignment.unit_id == unit.id,
            Assignment.is_active,
            not_(is_done()),
            Assignment.due_on.is_not(None),
        )
        .order_by(Assignment.due_on)
        .options(selectinload(Assignment.item).selectinload(ActionItem.section).selectinload(PlanSection.plan))
    )
    for assignment in assignments:
        item, due_on = assignment.item, assignment.due_on
        assert due_on is not None  # the query selects dated assignments only
        event = Event()
        event.add("uid", f"assignment-{assignment.id}@plan-tracker")
        event.add("dtstamp", now)
        event.add("dtstart", due_on)
        event.add("dtend", due_on + timedelta(days=1))
        event.add("summary", f"Hạn nhiệm vụ {item.reference}: {item.task.splitlines()[0][:120]}")
        event.add(
            "description", f"Kế hoạch {item.plan.number}\n{item.task}\n\nThời gian hoàn thành: {item.deadline_text}"
        )
        event.add("url", external_url("items.show", item_id=item.id))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
