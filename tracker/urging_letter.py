"""The urging letter (công văn đôn đốc): what the IT Centre writes to units whose assignments are overdue,
as plain data (letter_content), and the note it leaves on each item's history once it is made
(record_letter). The .docx is written by tracker.reports.letter_docx, which reads nothing but a Letter."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .assignments import PermissionDenied, actor_of
from .extensions import db
from .formatting import vn_long_date
from .models import ActionItem, Assignment, ItemComment, Plan, PlanSection, Unit, User
from .reports.content import Issuer, _lines, dmy, plan_reference
from .rules.lifecycle import OVERDUE
from .rules.names import fold_name
from .rules.permissions import URGE_UNIT, can
from .rules.texts import Text, joined, t
from .status_sql import monitoring_class

SUBJECT = "V/v đôn đốc thực hiện các\nnhiệm vụ đã quá hạn"  # broken where the narrow column reads best


class LetterRefused(Exception):
    """The letter cannot be made for this selection; the message says why in Vietnamese."""


@dataclass(frozen=True)
class OverdueItem:
    """One overdue assignment of a unit, as the letter lists it."""

    item_id: int
    reference: str  # "I.2"
    task: str
    plan: str  # the plan's number: "1872/QĐ-BVHTTDL"
    due_on: date
    days_overdue: int

    @property
    def due_text(self) -> str:
        return dmy(self.due_on)


@dataclass(frozen=True)
class UnitOverdue:
    unit_id: int
    code: str
    name: str
    items: tuple[OverdueItem, ...]


@dataclass(frozen=True)
class Letter:
    """The công văn đôn đốc: who issues it, the day it is made, the plans it is about and, for each unit
    addressed, its overdue items (most days overdue first)."""

    issuer: Issuer
    made_on: date
    units: tuple[UnitOverdue, ...]
    plans: tuple[str, ...]  # how the letter names the plans: "Kế hoạch ban hành kèm theo Quyết định số …"

    @property
    def subject(self) -> str:
        return SUBJECT

    @property
    def dateline(self) -> str:
        return joined(self.issuer.place, vn_long_date(self.made_on), sep=", ")

    @property
    def as_of(self) -> str:
        return dmy(self.made_on)

    @property
    def item_count(self) -> int:
        return sum(len(unit.items) for unit in self.units)

    @property
    def addressed_to_one(self) -> str:
        """ "Cục Điện ảnh": the one unit addressed, on the "Kính gửi" line itself; empty for several."""
        return self.units[0].name if len(self.units) == 1 else ""

    @property
    def addressees(self) -> tuple[str, ...]:
        """ "Kính gửi:" to several units, one a line: "- Cục A;", …, "- Cục B." (Nghị định 30/2020/NĐ-CP)."""
        if len(self.units) == 1:
            return ()
        return tuple(f"- {unit.name}{'.' if n == len(self.units) else ';'}" for n, unit in enumerate(self.units, 1))

    @property
    def you(self) -> str:
        """How the body addresses the readers: "Quý đơn vị" or "các đơn vị"."""
        return "Quý đơn vị" if len(self.units) == 1 else "các đơn vị"

    @property
    def plans_text(self) -> str:
        if len(self.plans) <= 1:
            return "".join(self.plans)
        return f"{', '.join(self.plans[:-1])} và {self.plans[-1]}"

    @property
    def opening(self) -> Text:
        """The body's first sentence."""
        return t(
            "Thực hiện nhiệm vụ theo dõi, đôn đốc việc triển khai %(plans)s, %(issuer)s thông báo: tính đến ngày "
            "%(day)s, %(count)s nhiệm vụ được giao cho %(you)s đã quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:",
            plans=self.plans_text,
            issuer=self.issuer.name,
            day=self.as_of,
            count=self.item_count,
            you=self.you,
        )

    @property
    def recipients(self) -> tuple[str, ...]:
        """ "Nơi nhận": the units addressed, then the lines of the setting (ending "Lưu: VT, …")."""
        return tuple(f"{unit.name};" for unit in self.units) + self.issuer.recipients

    @property
    def filename(self) -> str:
        return f"cong-van-don-doc-{self.made_on:%Y-%m-%d}.docx"


def letter_issuer(settings: Mapping[str, object]) -> Issuer:
    """The report's issuer and signer (TRACKER_REPORT_*), with the letter's own number suffix and "Nơi nhận"
    lines (TRACKER_LETTER_NUMBER_SUFFIX, TRACKER_LETTER_RECIPIENTS)."""
    return dataclasses.replace(
        Issuer.from_settings(settings),
        number_suffix=str(settings["LETTER_NUMBER_SUFFIX"]).strip(),
        recipients=_lines(settings["LETTER_RECIPIENTS"]),
    )


def _overdue(unit_ids: Iterable[int] | None, today: date) -> list[Assignment]:
    """Active overdue assignments (of these units, or of all), most days overdue first: one query and the loads."""
    query = (
        select(Assignment)
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .join(PlanSection, ActionItem.section_id == PlanSection.id)
        .join(Unit, Assignment.unit_id == Unit.id)
        .where(Assignment.is_active, monitoring_class(OVERDUE, today))
        .order_by(Assignment.due_on, ActionItem.plan_id, PlanSection.position, ActionItem.position)
        .options(
            selectinload(Assignment.unit),
            selectinload(Assignment.item).selectinload(ActionItem.section).selectinload(PlanSection.plan),
        )
    )
    if unit_ids is not None:
        query = query.where(Assignment.unit_id.in_(list(unit_ids)))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class UnitRef:
    """A unit as the letter's choices name it (plain values: a large directory makes thousands of them)."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class OverdueUnits:
    """The units with overdue assignments: the first of them by name (all, unless a limit was given), how many
    units there are and how many overdue assignments they hold between them."""

    units: list[tuple[UnitRef, int]]
    count: int
    total: int


def units_with_overdue(today: date, *, limit: int | None = None) -> OverdueUnits:
    """Every unit with overdue assignments on `today` and how many, by name: the units a letter may be addressed
    to, and what "all overdue" selects. One query; with `limit`, only that many units are read (a directory
    of thousands of units is counted, not listed)."""
    counts = (
        select(Assignment.unit_id, func.count().label("overdue"))
        .join(ActionItem, Assignment.item_id == ActionItem.id)
        .where(Assignment.is_active, monitoring_class(OVERDUE, today))
        .group_by(Assignment.unit_id)
        .subquery()
    )
    query = (
        select(Unit.id, Unit.code, Unit.name, counts.c.overdue, func.count().over(), func.sum(counts.c.overdue).over())
        .join(counts, counts.c.unit_id == Unit.id)
        .order_by(Unit.name)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    units = [(UnitRef(unit_id, code, name), int(overdue)) for unit_id, code, name, overdue, _n, _sum in rows]
    return OverdueUnits(units, int(rows[0][4]) if rows else 0, int(rows[0][5]) if rows else 0)


def letter_content(unit_ids: Iterable[int] | None, *, today: date, issuer: Issuer) -> Letter:
    """The letter to these units (None: every unit with overdue assignments) about their assignments overdue
    on `today`. Refused (LetterRefused) when nothing is selected, a unit is unknown or has nothing overdue."""
    wanted = None if unit_ids is None else sorted(set(unit_ids))
    if wanted is not None and not wanted:
        raise LetterRefused(t("Chưa chọn đơn vị nào để lập công văn đôn đốc."))
    by_unit: dict[int, list[Assignment]] = {}
    for assignment in _overdue(wanted, today):
        by_unit.setdefault(assignment.unit_id, []).append(assignment)
    if wanted is None:
        if not by_unit:
            raise LetterRefused(
                t("Tính đến ngày %(day)s không đơn vị nào có nhiệm vụ quá hạn; không có gì để đôn đốc.", day=dmy(today))
            )
        wanted = list(by_unit)
    else:
        known = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted))).all())
        if len(known) < len(wanted):
            raise LetterRefused(t("Không tìm thấy một số đơn vị đã chọn; hãy tải lại trang và chọn lại."))
        idle = sorted(known[i] for i in wanted if i not in by_unit)
        if idle:
            raise LetterRefused(
                t(
                    "Không lập công văn: %(units)s không có nhiệm vụ quá hạn tính đến ngày %(day)s. "
                    "Hãy bỏ chọn đơn vị này.",
                    units=", ".join(idle),
                    day=dmy(today),
                )
            )
    plans: dict[int, Plan] = {}
    units = []
    for unit_id in wanted:
        rows = by_unit[unit_id]
        for a in rows:
            plans.setdefault(a.item.plan_id, a.item.plan)
        items = tuple(
            OverdueItem(
                item_id=a.item_id,
                reference=a.item.reference,
                task=a.item.task,
                plan=a.item.plan.number,
                due_on=a.due_on,
                days_overdue=(today - a.due_on).days,
            )
            for a in rows
            if a.due_on is not None  # always: an overdue assignment has a due date
        )
        units.append(UnitOverdue(unit_id=unit_id, code=rows[0].unit.code, name=rows[0].unit.name, items=items))
    units.sort(key=lambda u: (-max(i.days_overdue for i in u.items), fold_name(u.name), u.name))
    ordered_plans = sorted(plans.values(), key=lambda p: (p.year or 0, p.number))
    return Letter(
        issuer=issuer,
        made_on=today,
        units=tuple(units),
        plans=tuple(plan_reference(p.number, p.issued_on) for p in ordered_plans),
    )


def history_note(units: Iterable[str], made_on: date) -> str:
    """What an item's history says of the letter: "Đôn đốc Cục A, Cục B bằng công văn đôn đốc ngày 15/11/2023."."""
    return f"Đôn đốc {', '.join(units)} bằng công văn đôn đốc ngày {dmy(made_on)}."


def record_letter(letter: Letter, *, actor: User, now: datetime) -> int:
    """Note the letter on the history of each item it lists, once per item (naming every unit urged about
    it). Flushes, the caller commits. Returns the number of items noted."""
    user = actor_of(actor)
    if not all(can(user, URGE_UNIT, unit=unit.unit_id) for unit in letter.units):
        raise PermissionDenied(t("Chỉ Trung tâm Công nghệ thông tin và quản trị viên được đôn đốc đơn vị."))
    units_of_item: dict[int, list[str]] = {}
    for unit in letter.units:
        for item in unit.items:
            names = units_of_item.setdefault(item.item_id, [])
            if unit.name not in names:
                names.append(unit.name)
    for item_id, names in units_of_item.items():
        db.session.add(ItemComment(item_id=item_id, author=actor, at=now, body=history_note(names, letter.made_on)))
    db.session.flush()
    return len(units_of_item)
