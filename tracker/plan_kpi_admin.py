"""What an admin sets by hand for a plan's KPI side: its indicator definition (Decision 1872's built-in one or
the plan's own indicators), its unit groups and their members, and the targets per group or unit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import (
    Indicator,
    Plan,
    Target,
    TargetMilestone,
    Unit,
    UnitGroup,
    UnitGroupMember,
)
from .rules.kpi import RATIO_KEYS
from .rules.milestones import Step, decimal_text
from .rules.texts import joined, t

# Decision 1872's three ratios as the built-in definition names them (Appendix 1's wording).
BUILT_IN_1872 = {
    1: ("full_online", "Tỷ lệ TTHC đủ điều kiện được cung cấp DVCTT toàn trình"),
    2: ("procedures_online", "Tỷ lệ TTHC có phát sinh hồ sơ trực tuyến"),
    3: ("dossiers_online", "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến"),
}
KIND_LABELS = {
    "ratio": "Tỷ lệ giữa hai số đếm đơn vị báo cáo",
    "percent": "Tỷ lệ phần trăm đơn vị báo cáo trực tiếp",
    "count": "Số đếm so với chỉ tiêu",
}
TARGET_KIND_LABELS = {
    "value": "Một mức (tối thiểu)",
    "range": "Khoảng",
    "not_applicable": "Không áp dụng",
    "milestones": "Tăng dần theo mốc (ngày → mức)",
}


class PlanKpiError(Exception):
    """A change refused; `field` names the form field at fault (or is empty), the message says why."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _new_key(taken: set[str]) -> str:
    """A key figures are stored under: random so that a removed indicator's old figures never read as a new
    one's, and never changed once given."""
    while (key := f"k{secrets.token_hex(4)}") in taken:  # pragma: no cover — a clash is one in four billion
        pass
    taken.add(key)
    return key


def plan_indicators(plan: Plan) -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id).order_by(Indicator.number)))


def used_indicator_ids(plan: Plan) -> set[int]:
    """The plan's indicators some target uses (these cannot be removed)."""
    return set(db.session.scalars(select(Target.indicator_id).join(Indicator).where(Indicator.plan_id == plan.id)))


def use_1872(plan: Plan) -> list[Indicator]:
    """Choose Decision 1872's definition: its three ratios as the plan's indicators (1)–(3), made where missing.
    Refused while the plan has indicators of its own, which would be left unreported. Flushes."""
    indicators = {i.number: i for i in plan_indicators(plan)}
    own = [
        i
        for i in indicators.values()
        if i.number not in RATIO_KEYS or (i.numerator_key, i.denominator_key) != RATIO_KEYS[i.number]
    ]
    if own:
        names = ", ".join(f"({i.number}) {i.name}" for i in own)
        raise PlanKpiError(
            t(
                "Kế hoạch đang có chỉ tiêu riêng: %(names)s. Hãy xoá các chỉ tiêu đó trước khi chọn "
                "định nghĩa theo Quyết định 1872.",
                names=names,
            ),
            "scheme",
        )
    for number, (numerator, denominator) in RATIO_KEYS.items():
        if number not in indicators:
            ratio, name = BUILT_IN_1872[number]
            indicators[number] = Indicator(
                plan_id=plan.id,
                number=number,
                name=name,
                ratio=ratio,
                kind="ratio",
                numerator_key=numerator,
                denominator_key=denominator,
                unit_of_measure="%",
            )
            db.session.add(indicators[number])
    plan.kpi_scheme = "dvctt_1872"
    db.session.flush()
    return [indicators[n] for n in sorted(indicators)]


def use_own(plan: Plan) -> None:
    """Choose the plan's own indicators (those it has stay, and may then be edited). Flushes."""
    plan.kpi_scheme = "plan"
    db.session.flush()


@dataclass
class IndicatorFields:
    number: int
    name: str
    kind: str
    numerator_label: str
    denominator_label: str
    unit_of_measure: str


def _check_indicator(plan: Plan, fields: IndicatorFields, indicator: Indicator | None) -> None:
    if plan.kpi_scheme != "plan":
        raise PlanKpiError(
            t(
                "Kế hoạch đang dùng định nghĩa DVCTT theo Quyết định 1872: hãy chọn “chỉ tiêu riêng "
                "của kế hoạch” trước khi thêm hay sửa chỉ tiêu."
            ),
            "scheme",
        )
    if fields.kind not in KIND_LABELS:
        raise PlanKpiError(t("Hãy chọn cách đo của chỉ tiêu."), "kind")
    if not fields.name.strip():
        raise PlanKpiError(t("Tên chỉ tiêu: không được để trống."), "name")
    if fields.number < 1:
        raise PlanKpiError(t("Số thứ tự: phải là số nguyên từ 1 trở lên."), "number")
    taken = db.session.scalar(
        select(Indicator.id).where(Indicator.plan_id == plan.id, Indicator.number == fields.number)
    )
    if taken is not None and (indicator is None or taken != indicator.id):
        raise PlanKpiError(t("Số thứ tự: kế hoạch đã có chỉ tiêu (%(number)s).", number=fields.number), "number")
    if not fields.numerator_label.strip():
        what = {
            "ratio": t("Tử số (số đếm thứ nhất)"),
            "percent": t("Nội dung đơn vị báo cáo (tỷ lệ %)"),
            "count": t("Nội dung đơn vị báo cáo (số đếm)"),
        }[fields.kind]
        raise PlanKpiError(t("%(what)s: không được để trống.", what=what), "numerator_label")
    if fields.kind == "ratio" and not fields.denominator_label.strip():
        raise PlanKpiError(t("Mẫu số (số đếm thứ hai): không được để trống với chỉ tiêu tỷ lệ."), "denominator_label")


def _apply(indicator: Indicator, fields: IndicatorFields, taken: set[str]) -> None:
    indicator.number, indicator.name, indicator.kind = fields.number, fields.name.strip(), fields.kind
    indicator.numerator_label = fields.numerator_label.strip()
    indicator.denominator_label = fields.denominator_label.strip() if fields.kind == "ratio" else ""
    indicator.unit_of_measure = fields.unit_of_measure.strip() or ("%" if fields.kind != "count" else "")
    # Keys are given once and kept: figures already reported are stored under them.
    if not indicator.numerator_key:
        indicator.numerator_key = _new_key(taken)
    if fields.kind == "ratio" and not indicator.denominator_key:
        indicator.denominator_key = _new_key(taken)


def _taken_keys(plan: Plan) -> set[str]:
    return {k for i in plan_indicators(plan) for k in (i.numerator_key, i.denominator_key) if k}


def add_indicator(plan: Plan, fields: IndicatorFields) -> Indicator:
    """A new indicator of the plan's own, with keys of its own. Flushes."""
    _check_indicator(plan, fields, None)
    indicator = Indicator(plan_id=plan.id, ratio=None, numerator_key="", denominator_key="")
    _apply(indicator, fields, _taken_keys(plan))
    db.session.add(indicator)
    db.session.flush()
    return indicator


def edit_indicator(plan: Plan, indicator: Indicator, fields: IndicatorFields) -> None:
    """Change an indicator's number, name, kind, labels or unit; its keys stay. Flushes."""
    _check_indicator(plan, fields, indicator)
    _apply(indicator, fields, _taken_keys(plan))
    db.session.flush()


def next_indicator_number(plan: Plan) -> int:
    return (db.session.scalar(select(func.max(Indicator.number)).where(Indicator.plan_id == plan.id)) or 0) + 1


def remove_indicator(plan: Plan, indicator: Indicator) -> None:
    """Remove an indicator no target uses. Flushes."""
    count = db.session.scalar(select(func.count(Target.id)).where(Target.indicator_id == indicator.id))
    if count:
        raise PlanKpiError(
            t(
                "Chỉ tiêu (%(number)s) đang được dùng trong %(count)s chỉ tiêu giao: hãy xoá các "
                "chỉ tiêu giao đó trước.",
                number=indicator.number,
                count=count,
            )
        )
    db.session.delete(indicator)
    db.session.flush()


# Groups ---------------------------------------------------------------------------------------------------------


def plan_groups(plan: Plan) -> list[UnitGroup]:
    """The plan's groups with their members and units loaded (two queries more)."""
    return list(
        db.session.scalars(
            select(UnitGroup)
            .where(UnitGroup.plan_id == plan.id)
            .order_by(UnitGroup.number)
            .options(selectinload(UnitGroup.members).selectinload(UnitGroupMember.unit))
        )
    )


def _check_group_name(plan: Plan, name: str, group: UnitGroup | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise PlanKpiError(t("Tên nhóm: không được để trống."), "name")
    if len(name) > 255:
        raise PlanKpiError(t("Tên nhóm: tối đa 255 ký tự."), "name")
    for other in db.session.scalars(select(UnitGroup).where(UnitGroup.plan_id == plan.id)):
        if other is not group and other.name.casefold() == name.casefold():
            raise PlanKpiError(t("Tên nhóm: kế hoạch đã có nhóm “%(name)s”.", name=other.name), "name")
    return name


def add_group(plan: Plan, name: str) -> UnitGroup:
    """A new group, numbered after the last. Flushes."""
    name = _check_group_name(plan, name, None)
    number = (db.session.scalar(select(func.max(UnitGroup.number)).where(UnitGroup.plan_id == plan.id)) or 0) + 1
    group = UnitGroup(plan_id=plan.id, number=number, name=name)
    db.session.add(group)
    db.session.flush()
    return group


def rename_group(plan: Plan, group: UnitGroup, name: str) -> None:
    group.name = _check_group_name(plan, name, group)
    db.session.flush()


def delete_group(group: UnitGroup) -> None:
    """Remove a group with its members and targets (units' figures are kept). Flushes."""
    db.session.delete(group)
    db.session.flush()


def add_members(plan: Plan, group: UnitGroup, units: list[Unit]) -> list[Unit]:
    """Put units in a group; those already in it are left as they are. Refused, with nothing added, when a unit
    is in another group of the plan. Returns the units added. Flushes."""
    if not units:
        raise PlanKpiError(t("Hãy chọn ít nhất một đơn vị, hoặc một cấp đơn vị."), "units")
    elsewhere = {m.unit_id: g for g in plan_groups(plan) for m in g.members if m.unit_id is not None}
    clashes = [
        t("%(unit)s (đang ở nhóm “%(group)s”)", unit=u.name, group=elsewhere[u.id].name)
        for u in units
        if u.id in elsewhere and elsewhere[u.id].id != group.id
    ]
    if clashes:
        raise PlanKpiError(
            t(
                "Mỗi đơn vị chỉ thuộc một nhóm của kế hoạch. Không thêm được: %(clashes)s. "
                "Hãy bỏ đơn vị khỏi nhóm cũ trước.",
                clashes=joined(*clashes, sep="; "),
            ),
            "units",
        )
    position = max((m.position for m in group.members), default=0)
    added = []
    for unit in sorted({u.id: u for u in units}.values(), key=lambda u: u.name):
        if elsewhere.get(unit.id) is group:
            continue
        position += 1
        group.members.append(UnitGroupMember(position=position, written=unit.name, unit_id=unit.id))
        added.append(unit)
    db.session.flush()
    return added


def units_of_level(level: str) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.level == level, Unit.is_active).order_by(Unit.name)))


def unit_levels() -> list[str]:
    return list(
        db.session.scalars(select(Unit.level).where(Unit.level != "", Unit.is_active).distinct().order_by(Unit.level))
    )


def remove_member(member: UnitGroupMember) -> None:
    db.session.delete(member)
    db.session.flush()


# Targets --------------------------------------------------------------------------------------------------------


@dataclass
class TargetFields:
    kind: str  # value, range, not_applicable, milestones
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    note: str = ""
    milestones: tuple[Step, ...] = ()


def target_text(indicator: Indicator, fields: TargetFields) -> str:
    """The target in words, as the targets page and the plan page show it when written by hand."""
    unit = indicator.unit_of_measure or ""
    sep = "" if unit == "%" else " "

    def amount(value: Decimal) -> str:
        return f"{decimal_text(value)}{sep}{unit}".strip()

    low, high = fields.value_min, fields.value_max
    if fields.kind == "value":
        assert low is not None  # _check_target requires it
        text = f"Tối thiểu {amount(low)}"
    elif fields.kind == "range":
        assert low is not None and high is not None  # _check_target requires both
        text = f"Từ {decimal_text(low)} đến {amount(high)}"
    elif fields.kind == "milestones":
        text = "; ".join(f"{amount(s.value)} đến {s.due_on:%d/%m/%Y}" for s in fields.milestones)
    else:
        text = "Không áp dụng"
    return f"{text} ({fields.note})" if fields.note and fields.kind != "not_applicable" else text


def _check_target(indicator: Indicator, fields: TargetFields) -> None:
    limit = None if indicator.kind == "count" else Decimal(100)
    if fields.kind not in TARGET_KIND_LABELS:
        raise PlanKpiError(t("Hãy chọn loại chỉ tiêu."), "kind")
    if fields.kind in ("value", "range") and fields.value_min is None:
        raise PlanKpiError(t("Mức (tối thiểu): không được để trống."), "value_min")
    if fields.kind == "range":
        if fields.value_max is None:
            raise PlanKpiError(t("Mức tối đa: không được để trống với chỉ tiêu là một khoảng."), "value_max")
        if fields.value_min is not None and fields.value_max < fields.value_min:  # (None refused above)
            raise PlanKpiError(t("Mức tối đa: phải lớn hơn hoặc bằng mức tối thiểu."), "value_max")
    for value in (fields.value_min, fields.value_max, *(s.value for s in fields.milestones)):
        if limit is not None and value is not None and value > limit:
            raise PlanKpiError(
                t("Mức: một tỷ lệ không được lớn hơn %(limit)s%%.", limit=limit),
                "milestones" if fields.kind == "milestones" else "value_min",
            )
    if fields.kind == "milestones" and not fields.milestones:
        raise PlanKpiError(t("Các mốc: hãy ghi ít nhất một mốc, hoặc dùng phần “Điền các mốc” để tính."), "milestones")
    if fields.kind == "not_applicable" and not fields.note.strip():
        raise PlanKpiError(t("Ghi chú: hãy ghi vì sao chỉ tiêu không áp dụng."), "note")


def set_target(
    plan: Plan, indicator: Indicator, fields: TargetFields, *, group: UnitGroup | None = None, unit: Unit | None = None
) -> Target:
    """Set (or replace) the target of a group, or of one unit, for an indicator. Flushes."""
    if (group is None) == (unit is None):
        raise PlanKpiError(t("Hãy chọn một nhóm hoặc một đơn vị."), "holder")
    if indicator.plan_id != plan.id or (group is not None and group.plan_id != plan.id):
        raise PlanKpiError(t("Chỉ tiêu hoặc nhóm không thuộc kế hoạch này."), "holder")
    _check_target(indicator, fields)
    if group is not None:
        holder = Target.group_id == group.id
    else:
        assert unit is not None  # one of the two, checked above
        holder = Target.unit_id == unit.id
    target = db.session.scalar(
        select(Target).where(holder, Target.indicator_id == indicator.id).options(selectinload(Target.milestones))
    )
    if target is None:
        target = Target(
            group_id=group.id if group else None, unit_id=unit.id if unit else None, indicator_id=indicator.id
        )
        db.session.add(target)
    target.kind = "value" if fields.kind == "milestones" else fields.kind
    target.value_min = fields.value_min if fields.kind in ("value", "range") else None
    target.value_max = fields.value_max if fields.kind == "range" else None
    target.note = fields.note.strip()
    target.text = target_text(indicator, fields)
    target.milestones.clear()
    db.session.flush()  # the old steps go before new ones on the same dates arrive
    for step in fields.milestones if fields.kind == "milestones" else ():
        target.milestones.append(TargetMilestone(due_on=step.due_on, value=step.value))
    db.session.flush()
    return target


def remove_target(target: Target) -> None:
    db.session.delete(target)
    db.session.flush()


def plan_targets(plan: Plan) -> list[Target]:
    """Every target of the plan (by group or by unit) with its indicator, milestones, group and unit loaded."""
    return list(
        db.session.scalars(
            select(Target)
            .join(Indicator)
            .where(Indicator.plan_id == plan.id)
            .options(
                selectinload(Target.milestones),
                selectinload(Target.indicator),
                selectinload(Target.group),
                selectinload(Target.unit),
            )
            .order_by(Indicator.number, Target.group_id, Target.unit_id)
        )
    )
