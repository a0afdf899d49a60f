"""A plan's KPI side by hand: its indicators, its unit groups and the targets per group or unit (admins edit;
the IT Centre and leadership read)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from ..clock import today
from ..extensions import db
from ..figures import target_rule
from ..form_base import Form
from ..forms import EmptyForm
from ..labels import gettext
from ..labels import lazy_gettext as _l
from ..models import Indicator, Plan, Target, Unit, UnitGroup, UnitGroupMember
from ..plan_kpi_admin import (
    KIND_LABELS,
    TARGET_KIND_LABELS,
    IndicatorFields,
    PlanKpiError,
    TargetFields,
    add_group,
    add_indicator,
    add_members,
    delete_group,
    edit_indicator,
    next_indicator_number,
    plan_groups,
    plan_indicators,
    plan_targets,
    remove_indicator,
    remove_member,
    remove_target,
    rename_group,
    set_target,
    unit_levels,
    units_of_level,
    use_1872,
    use_own,
    used_indicator_ids,
)
from ..rules.kpi import target_in_force
from ..rules.milestones import (
    MilestoneInputError,
    Step,
    decimal_text,
    milestone_lines,
    parse_day,
    parse_milestone_lines,
    parse_number,
    rising_milestones,
)
from ..rules.permissions import MANAGE_SETTINGS, VIEW_MONITORING
from .access import require
from .labels import say

bp = Blueprint("plan_kpi", __name__, url_prefix="/plans/<int:plan_id>")

# Reading is for those who follow every unit (admin, IT Centre, leadership); changing is the admin's.
READ, EDIT = VIEW_MONITORING, MANAGE_SETTINGS


class SchemeForm(Form):
    scheme = RadioField(
        _l("Định nghĩa chỉ tiêu"),
        choices=[
            ("dvctt_1872", _l("DVCTT theo Quyết định 1872 (tám số đếm, ba tỷ lệ, các kiểm tra chéo)")),
            ("plan", _l("Chỉ tiêu riêng của kế hoạch")),
        ],
        validate_choice=False,
    )


class IndicatorForm(Form):
    number = StringField(_l("Số thứ tự"), validators=[Length(max=4)])
    name = StringField(_l("Tên chỉ tiêu"), validators=[Length(max=1000)])
    kind = RadioField(
        _l("Cách đo"), choices=[(k, _l(v)) for k, v in KIND_LABELS.items()], default="ratio", validate_choice=False
    )
    numerator_label = StringField(_l("Tử số, hoặc nội dung đơn vị báo cáo"), validators=[Length(max=1000)])
    denominator_label = StringField(_l("Mẫu số (chỉ với tỷ lệ giữa hai số đếm)"), validators=[Length(max=1000)])
    unit_of_measure = StringField(_l("Đơn vị tính"), default="%", validators=[Length(max=40)])


class GroupForm(Form):
    name = StringField(_l("Tên nhóm"), validators=[Length(max=300)])


class MembersForm(Form):
    units = SelectMultipleField(_l("Đơn vị trong danh mục (chọn được nhiều)"), coerce=str, validate_choice=False)
    level = SelectField(_l("Hoặc mọi đơn vị của một cấp"), validate_choice=False)


class TargetForm(Form):
    holder = SelectField(_l("Giao cho"), validate_choice=False)
    indicator = SelectField(_l("Chỉ tiêu"), validate_choice=False)
    kind = RadioField(
        _l("Loại chỉ tiêu giao"),
        choices=[(k, _l(v)) for k, v in TARGET_KIND_LABELS.items()],
        default="value",
        validate_choice=False,
    )
    value_min = StringField(_l("Mức (tối thiểu)"), validators=[Length(max=20)])
    value_max = StringField(_l("Mức tối đa (với khoảng)"), validators=[Length(max=20)])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])
    milestones = TextAreaField(_l("Các mốc (mỗi dòng: ngày/tháng/năm: mức)"), validators=[Length(max=5000)])
    start_value = StringField(_l("Mức đầu"), validators=[Length(max=20)])
    start_on = StringField(_l("Đạt mức đầu vào ngày (ngày/tháng/năm)"), validators=[Length(max=20)])
    step = StringField(_l("Mỗi tháng tiếp theo tăng thêm (điểm)"), validators=[Length(max=20)])
    until_value = StringField(_l("Cho đến mức"), validators=[Length(max=20)])


def _plan(plan_id: int, action: str) -> Plan:
    """The plan, after the permission check (so a forbidden role learns nothing from a 404)."""
    require(action)
    return db.session.get(Plan, plan_id) or abort(404)


def _refuse(form: Form, exc: PlanKpiError | MilestoneInputError, fallback: str) -> None:
    """Put a refusal on the field it names (or on the first field the form has)."""
    db.session.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    target = field if field is not None else getattr(form, fallback)
    target.errors = [*target.errors, say(exc)]


# Indicators ---------------------------------------------------------------------------------------------------


def _indicators_page(
    plan: Plan, *, scheme_form: SchemeForm | None = None, add_form: IndicatorForm | None = None, status: int = 200
):
    scheme_form = scheme_form or SchemeForm(prefix="scheme", scheme=plan.kpi_scheme)
    add_form = add_form or IndicatorForm(prefix="new", number=str(next_indicator_number(plan)))
    return render_template(
        "plans/kpi_indicators.html",
        plan=plan,
        indicators=plan_indicators(plan),
        used=used_indicator_ids(plan),
        scheme_form=scheme_form,
        add_form=add_form,
        token=EmptyForm(),
        kind_labels=KIND_LABELS,
    ), status


@bp.get("/indicators")
def indicators(plan_id: int):
    """The plan's indicator definition and its indicators."""
    return _indicators_page(_plan(plan_id, READ))


@bp.post("/indicators/scheme")
def set_scheme(plan_id: int):
    """Choose Decision 1872's built-in definition or the plan's own indicators."""
    plan = _plan(plan_id, EDIT)
    form = SchemeForm(prefix="scheme")
    if form.validate_on_submit():
        try:
            if form.scheme.data == "dvctt_1872":
                use_1872(plan)
            elif form.scheme.data == "plan":
                use_own(plan)
            else:
                raise PlanKpiError(gettext("Hãy chọn một định nghĩa chỉ tiêu."), "scheme")
        except PlanKpiError as exc:
            _refuse(form, exc, "scheme")
        else:
            db.session.commit()
            flash(gettext("Đã lưu định nghĩa chỉ tiêu của kế hoạch."), "success")
            return redirect(url_for("plan_kpi.indicators", plan_id=plan.id))
    return _indicators_page(plan, scheme_form=form, status=422)


def _indicator_fields(form: IndicatorForm) -> IndicatorFields:
    number = (form.number.data or "").strip()
    if not number.isdigit():
        raise PlanKpiError(gettext("Số thứ tự: hãy ghi một số nguyên từ 1 trở lên."), "number")
    return IndicatorFields(
        number=int(number),
        name=form.name.data or "",
        kind=form.kind.data or "",
        numerator_label=form.numerator_label.data or "",
        denominator_label=form.denominator_label.data or "",
        unit_of_measure=form.unit_of_measure.data or "",
    )


@bp.post("/indicators")
def add_indicator_(plan_id: int):
    """Add an indicator of the plan's own."""
    plan = _plan(plan_id, EDIT)
    form = IndicatorForm(prefix="new")
    if form.validate_on_submit():
        try:
            indicator = add_indicator(plan, _indicator_fields(form))
        except PlanKpiError as exc:
            _refuse(form, exc, "name")
        else:
            db.session.commit()
            flash(gettext("Đã thêm chỉ tiêu (%(number)s).", number=indicator.number), "success")
            return redirect(url_for("plan_kpi.indicators", plan_id=plan.id))
    return _indicators_page(plan, add_form=form, status=422)


def _indicator(plan: Plan, number: int) -> Indicator:
    return db.session.scalar(
        select(Indicator).where(Indicator.plan_id == plan.id, Indicator.number == number)
    ) or abort(404)


@bp.route("/indicators/<int:number>", methods=["GET", "POST"])
def edit_indicator_(plan_id: int, number: int):
    """Change an indicator (its keys, under which figures are stored, stay)."""
    plan = _plan(plan_id, EDIT)
    indicator = _indicator(plan, number)
    form = IndicatorForm(prefix="ind", obj=None if request.method == "POST" else indicator)
    if request.method == "GET":
        form.number.data = str(indicator.number)
    elif form.validate_on_submit():
        try:
            edit_indicator(plan, indicator, _indicator_fields(form))
        except PlanKpiError as exc:
            _refuse(form, exc, "name")
        else:
            db.session.commit()
            flash(gettext("Đã lưu chỉ tiêu (%(number)s).", number=indicator.number), "success")
            return redirect(url_for("plan_kpi.indicators", plan_id=plan.id))
    status = 422 if form.errors else 200
    return render_template("plans/kpi_indicator_edit.html", plan=plan, indicator=indicator, form=form), status


@bp.post("/indicators/<int:number>/remove")
def remove_indicator_(plan_id: int, number: int):
    """Remove an indicator, only while no target uses it."""
    plan = _plan(plan_id, EDIT)
    indicator = _indicator(plan, number)
    if EmptyForm().validate_on_submit():
        try:
            remove_indicator(plan, indicator)
        except PlanKpiError as exc:
            db.session.rollback()
            flash(say(exc), "error")
            return _indicators_page(plan, status=422)
        db.session.commit()
        flash(gettext("Đã xoá chỉ tiêu (%(number)s).", number=number), "success")
    return redirect(url_for("plan_kpi.indicators", plan_id=plan.id))


# Groups -------------------------------------------------------------------------------------------------------


def _members_form(group: UnitGroup, units: list[Unit], levels: list[str]) -> MembersForm:
    form = MembersForm(prefix=f"g{group.number}")
    form.units.choices = [(u.code, u.name) for u in units]
    form.level.choices = [("", gettext("— không chọn —"))] + [(level, level) for level in levels]
    return form


def _groups_page(plan: Plan, *, add_form: GroupForm | None = None, forms: dict | None = None, status: int = 200):
    groups = plan_groups(plan)
    units = list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))
    levels = unit_levels()
    forms = forms or {}
    member_forms = {g.id: forms.get(("members", g.id)) or _members_form(g, units, levels) for g in groups}
    rename_forms = {g.id: forms.get(("rename", g.id)) or GroupForm(prefix=f"r{g.number}", name=g.name) for g in groups}
    return render_template(
        "plans/kpi_groups.html",
        plan=plan,
        groups=groups,
        add_form=add_form or GroupForm(prefix="new"),
        member_forms=member_forms,
        rename_forms=rename_forms,
        token=EmptyForm(),
    ), status


@bp.get("/groups")
def groups(plan_id: int):
    """The plan's unit groups and their members."""
    return _groups_page(_plan(plan_id, READ))


@bp.post("/groups")
def add_group_(plan_id: int):
    plan = _plan(plan_id, EDIT)
    form = GroupForm(prefix="new")
    if form.validate_on_submit():
        try:
            group = add_group(plan, form.name.data or "")
        except PlanKpiError as exc:
            _refuse(form, exc, "name")
        else:
            db.session.commit()
            flash(gettext("Đã tạo nhóm “%(name)s”.", name=group.name), "success")
            return redirect(url_for("plan_kpi.groups", plan_id=plan.id, _anchor=f"nhom-{group.number}"))
    return _groups_page(plan, add_form=form, status=422)


def _group(plan: Plan, number: int) -> UnitGroup:
    return db.session.scalar(
        select(UnitGroup).where(UnitGroup.plan_id == plan.id, UnitGroup.number == number)
    ) or abort(404)


@bp.post("/groups/<int:number>/rename")
def rename_group_(plan_id: int, number: int):
    plan = _plan(plan_id, EDIT)
    group = _group(plan, number)
    form = GroupForm(prefix=f"r{number}")
    if form.validate_on_submit():
        try:
            rename_group(plan, group, form.name.data or "")
        except PlanKpiError as exc:
            _refuse(form, exc, "name")
        else:
            db.session.commit()
            flash(gettext("Đã đổi tên nhóm thành “%(name)s”.", name=group.name), "success")
            return redirect(url_for("plan_kpi.groups", plan_id=plan.id, _anchor=f"nhom-{number}"))
    return _groups_page(plan, forms={("rename", group.id): form}, status=422)


@bp.post("/groups/<int:number>/remove")
def delete_group_(plan_id: int, number: int):
    plan = _plan(plan_id, EDIT)
    group = _group(plan, number)
    if EmptyForm().validate_on_submit():
        name = group.name
        delete_group(group)
        db.session.commit()
        flash(gettext("Đã xoá nhóm “%(name)s” cùng các chỉ tiêu giao cho nhóm.", name=name), "success")
    return redirect(url_for("plan_kpi.groups", plan_id=plan.id))


@bp.post("/groups/<int:number>/members")
def add_members_(plan_id: int, number: int):
    """Put units in a group: several picked from the directory, or every unit of a level."""
    plan = _plan(plan_id, EDIT)
    group = _group(plan, number)
    units = list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))
    form = _members_form(group, units, unit_levels())
    if form.validate_on_submit():
        by_code = {u.code: u for u in units}
        wanted = [by_code[c] for c in form.units.data or [] if c in by_code]
        if form.level.data:
            wanted += units_of_level(form.level.data)
        try:
            added = add_members(plan, group, wanted)
        except PlanKpiError as exc:
            _refuse(form, exc, "units")
        else:
            db.session.commit()
            flash(
                gettext("Đã thêm %(count)s đơn vị vào nhóm “%(name)s”.", count=len(added), name=group.name), "success"
            )
            return redirect(url_for("plan_kpi.groups", plan_id=plan.id, _anchor=f"nhom-{number}"))
    return _groups_page(plan, forms={("members", group.id): form}, status=422)


@bp.post("/groups/<int:number>/members/<code>/remove")
def remove_member_(plan_id: int, number: int, code: str):
    plan = _plan(plan_id, EDIT)
    group = _group(plan, number)
    member = db.session.scalar(
        select(UnitGroupMember).join(Unit).where(UnitGroupMember.group_id == group.id, Unit.code == code)
    ) or abort(404)
    if EmptyForm().validate_on_submit():
        assert member.unit is not None  # found through its unit
        name = member.unit.name
        remove_member(member)
        db.session.commit()
        flash(gettext("Đã bỏ %(unit)s khỏi nhóm “%(name)s”.", unit=name, name=group.name), "success")
    return redirect(url_for("plan_kpi.groups", plan_id=plan.id, _anchor=f"nhom-{number}"))


# Targets ------------------------------------------------------------------------------------------------------


def _day_argument() -> tuple[date, str]:
    """The day the targets page shows targets in force on (?on=dd/mm/yyyy, today by default), and its error."""
    written = (request.args.get("on") or "").strip()
    if not written:
        return today(), ""
    try:
        return parse_day(written, field="on", label=gettext("Ngày xem chỉ tiêu")), ""
    except MilestoneInputError as exc:
        return today(), say(exc)


@bp.get("/targets")
def targets(plan_id: int):
    """Every target of the plan, with what is in force on a chosen day."""
    plan = _plan(plan_id, READ)
    on, error = _day_argument()
    rows = []
    for target in plan_targets(plan):
        rows.append((target, target_in_force(target_rule(target), on)))
    return render_template(
        "plans/kpi_targets.html",
        plan=plan,
        rows=rows,
        on=on,
        on_text=request.args.get("on", ""),
        error=error,
        token=EmptyForm(),
    ), 422 if error else 200


def _holder_choices(plan: Plan) -> list[tuple[str, str]]:
    groups = plan_groups(plan)
    choices = [("", gettext("— chọn nhóm hoặc đơn vị —"))]
    choices += [(f"g{g.number}", gettext("Nhóm: %(name)s", name=g.name)) for g in groups]
    units = list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))
    choices += [(f"u{u.code}", gettext("Riêng đơn vị: %(name)s", name=u.name)) for u in units]
    return choices


def _holder(plan: Plan, value: str) -> tuple[UnitGroup | None, Unit | None]:
    if value.startswith("g") and value[1:].isdigit():
        group = db.session.scalar(
            select(UnitGroup).where(UnitGroup.plan_id == plan.id, UnitGroup.number == int(value[1:]))
        )
        if group is not None:
            return group, None
    if value.startswith("u"):
        unit = db.session.scalar(select(Unit).where(Unit.code == value[1:]))
        if unit is not None:
            return None, unit
    raise PlanKpiError(gettext("Giao cho: hãy chọn một nhóm hoặc một đơn vị."), "holder")


def _target_fields(form: TargetForm, indicator: Indicator) -> TargetFields:
    limit = None if indicator.kind == "count" else Decimal(100)
    kind = form.kind.data or ""

    def number(field, label):
        text = (field.data or "").strip()
        return parse_number(text, field=field.name, label=label, at_most=limit) if text else None

    value_min = number(form.value_min, gettext("Mức (tối thiểu)")) if kind in ("value", "range") else None
    value_max = number(form.value_max, gettext("Mức tối đa")) if kind == "range" else None
    steps: tuple = ()
    if kind == "milestones":
        steps = tuple(parse_milestone_lines(form.milestones.data or "", field="milestones"))
        if not steps and any((f.data or "").strip() for f in _helper_fields(form)):
            steps = tuple(_helper_steps(form))
    return TargetFields(
        kind=kind, value_min=value_min, value_max=value_max, note=form.note.data or "", milestones=steps
    )


def _helper_fields(form: TargetForm) -> tuple:
    return form.start_value, form.start_on, form.step, form.until_value


def _helper_steps(form: TargetForm) -> list:
    """The milestones the helper writes from its four fields; errors name the field."""
    for field in _helper_fields(form):
        if not (field.data or "").strip():
            raise MilestoneInputError(
                field.name, gettext("%(label)s: không được để trống khi tính các mốc.", label=field.label.text)
            )
    # (each checked not blank above)
    start = parse_number(form.start_value.data or "", field="start_value", label=form.start_value.label.text)
    start_on = parse_day(form.start_on.data or "", field="start_on", label=form.start_on.label.text)
    step = parse_number(form.step.data or "", field="step", label=form.step.label.text)
    until = parse_number(form.until_value.data or "", field="until_value", label=form.until_value.label.text)
    return rising_milestones(start, start_on, step, until)


@bp.route("/targets/edit", methods=["GET", "POST"])
def edit_target(plan_id: int):
    """Set a group's or a unit's target for an indicator; the milestone helper fills the milestones and shows
    them before anything is saved."""
    plan = _plan(plan_id, EDIT)
    indicators_ = plan_indicators(plan)
    form = TargetForm()
    form.holder.choices = _holder_choices(plan)
    form.indicator.choices = [("", gettext("— chọn chỉ tiêu —"))] + [
        (str(i.number), f"({i.number}) {i.name}") for i in indicators_
    ]
    preview: list = []
    status = 200
    if request.method == "GET":
        form.holder.data = request.args.get("holder", "")
        form.indicator.data = request.args.get("indicator", "")
        existing = _existing_target(plan, form.holder.data, form.indicator.data)
        if existing is not None:
            _fill_from(form, existing)
    elif form.validate_on_submit():
        try:
            if request.form.get("action") == "preview":
                preview = _helper_steps(form)
                form.kind.data = "milestones"
                form.milestones.data = milestone_lines(preview)
            else:
                group, unit = _holder(plan, form.holder.data or "")
                indicator = next((i for i in indicators_ if str(i.number) == form.indicator.data), None)
                if indicator is None:
                    raise PlanKpiError(gettext("Chỉ tiêu: hãy chọn một chỉ tiêu của kế hoạch."), "indicator")
                set_target(plan, indicator, _target_fields(form, indicator), group=group, unit=unit)
                db.session.commit()
                flash(
                    gettext(
                        "Đã lưu chỉ tiêu giao cho %(holder)s.",
                        holder=group.name if group else unit.name if unit else "",
                    ),
                    "success",
                )
                return redirect(url_for("plan_kpi.targets", plan_id=plan.id))
        except (PlanKpiError, MilestoneInputError) as exc:
            _refuse(form, exc, "holder")
            status = 422
    else:
        status = 422
    return render_template(
        "plans/kpi_target_edit.html", plan=plan, form=form, preview=preview, has_indicators=bool(indicators_)
    ), status


def _existing_target(plan: Plan, holder: str, indicator_number: str) -> Target | None:
    try:
        group, unit = _holder(plan, holder)
    except PlanKpiError:
        return None
    indicator = (
        db.session.scalar(
            select(Indicator).where(Indicator.plan_id == plan.id, Indicator.number == int(indicator_number))
        )
        if indicator_number.isdigit()
        else None
    )
    if indicator is None:
        return None
    if group is not None:
        where = Target.group_id == group.id
    elif unit is not None:
        where = Target.unit_id == unit.id
    else:  # (_holder gives one of the two or refuses)
        return None
    return db.session.scalar(select(Target).where(where, Target.indicator_id == indicator.id))


def _fill_from(form: TargetForm, target: Target) -> None:
    """The form as the stored target reads, to change it."""
    form.kind.data = "milestones" if target.milestones else target.kind
    form.value_min.data = decimal_text(target.value_min) if target.value_min is not None else ""
    form.value_max.data = decimal_text(target.value_max) if target.value_max is not None else ""
    form.note.data = target.note
    form.milestones.data = milestone_lines([Step(m.due_on, m.value) for m in target.milestones])


@bp.post("/targets/remove")
def remove_target_(plan_id: int):
    """Remove a group's or a unit's target for an indicator."""
    plan = _plan(plan_id, EDIT)
    if EmptyForm().validate_on_submit():
        target = _existing_target(plan, request.form.get("holder", ""), request.form.get("indicator", ""))
        if target is None:
            flash(gettext("Không có chỉ tiêu giao nào như vậy để xoá."), "error")
        else:
            remove_target(target)
            db.session.commit()
            flash(gettext("Đã xoá chỉ tiêu giao."), "success")
    return redirect(url_for("plan_kpi.targets", plan_id=plan.id))
