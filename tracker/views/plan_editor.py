"""The plan editor's pages (admins only): create a plan by hand, edit its particulars and sections, add, edit,
move, cancel and restore items, and the live reading of a deadline text."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import (
    DateField,
    FieldList,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from ..clock import today, utcnow
from ..extensions import db
from ..form_base import Form
from ..forms import EmptyForm
from ..labels import gettext
from ..labels import lazy_gettext as _l
from ..models import ActionItem, ItemUnit, Plan, PlanSection, Unit
from ..plan_editor import (
    EditRefused,
    ItemFields,
    PlanFields,
    add_item,
    add_section,
    cancel_item,
    create_plan,
    edit_item,
    move_item,
    move_section,
    read_deadline,
    rename_section,
    restore_item,
    update_plan,
)
from ..rules.permissions import MANAGE_SETTINGS
from .access import require
from .labels import say

bp = Blueprint("plan_editor", __name__)

# Empty boxes offered for more unit names (a page without script cannot add boxes).
_SPARE_NAME_BOXES = 2
_YEAR = NumberRange(min=1990, max=2100, message=_l("Năm phải có 4 chữ số (1990–2100)."))
_NOT_A_NUMBER = _l("Hãy nhập năm bằng chữ số, ví dụ 2023.")


class PlanForm(Form):
    number = StringField(_l("Số hiệu văn bản"), validators=[Length(max=80)])
    issued_on = DateField(_l("Ngày ban hành"), validators=[Optional()])
    issuer = StringField(_l("Cơ quan ban hành"), validators=[Optional(), Length(max=500)])
    title = TextAreaField(_l("Tên (trích yếu) kế hoạch"), validators=[Length(max=5000)])
    year = IntegerField(_l("Năm bắt đầu"), validators=[Optional(), _YEAR])
    end_year = IntegerField(_l("Năm kết thúc (kế hoạch nhiều năm)"), validators=[Optional(), _YEAR])


class SectionForm(Form):
    number = StringField(_l("Số mục (I, II, 1 …)"), validators=[Length(max=20)])
    title = StringField(_l("Tên mục"), validators=[Length(max=2000)])


class ItemForm(Form):
    section = SelectField(_l("Mục"), coerce=int, validate_choice=False)
    task = TextAreaField(_l("Nội dung nhiệm vụ"), validators=[Length(max=20000)], render_kw={"rows": 6})
    lead = FieldList(StringField(_l("Đơn vị chủ trì"), validators=[Length(max=500)]))
    coordinating = FieldList(StringField(_l("Đơn vị phối hợp"), validators=[Length(max=500)]))
    expected_output = TextAreaField(_l("Dự kiến kết quả"), validators=[Optional(), Length(max=5000)])
    deadline_text = StringField(_l("Thời gian hoàn thành (như văn bản ghi)"), validators=[Length(max=500)])
    due_on = DateField(_l("Hoặc đặt ngày hạn bằng tay"), validators=[Optional()])


class CancelForm(Form):
    reason = TextAreaField(_l("Lý do bãi bỏ"), validators=[Length(max=5000)])


def _plan(plan_id: int) -> Plan:
    plan = db.session.scalar(
        select(Plan)
        .where(Plan.id == plan_id)
        .options(
            selectinload(Plan.sections)
            .selectinload(PlanSection.items)
            .options(selectinload(ActionItem.units).selectinload(ItemUnit.unit), selectinload(ActionItem.assignments)),
            selectinload(Plan.items),
        )
    )
    return plan or abort(404)


def _item(item_id: int) -> ActionItem:
    item = db.session.get(ActionItem, item_id) or abort(404)
    _plan(item.plan_id)  # loads the plan's sections and items in a fixed number of queries
    return item


def _refused(form: Form, problems: dict[str, str]) -> None:
    """Put the service's problems on the form's fields, translated, for the error summary."""
    for name, message in problems.items():
        target = getattr(form, name, None)
        field = target.entries[0] if isinstance(target, FieldList) and target.entries else target
        if field is None:
            form.form_errors.append(say(message))
        else:
            field.errors = [*field.errors, say(message)]


def _plan_fields(form: PlanForm) -> PlanFields:
    return PlanFields(
        number=form.number.data or "",
        title=form.title.data or "",
        issuer=form.issuer.data or "",
        issued_on=form.issued_on.data,
        year=form.year.data,
        end_year=form.end_year.data,
    )


def _tidy_year_errors(form: PlanForm) -> None:
    for f in (form.year, form.end_year):
        if f.errors and f.raw_data and f.raw_data[0] and not f.raw_data[0].strip().isdigit():
            f.errors = [_NOT_A_NUMBER]


@bp.route("/plans/new", methods=["GET", "POST"])
def new_plan():
    """A plan entered by hand: its number, date, issuer, title and years."""
    require(MANAGE_SETTINGS)
    form = PlanForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                plan = create_plan(_plan_fields(form), actor=current_user, now=utcnow())
            except EditRefused as refused:
                db.session.rollback()
                _refused(form, refused.problems)
            else:
                db.session.commit()
                flash(
                    gettext("Đã tạo kế hoạch %(number)s. Hãy thêm các mục và nhiệm vụ.", number=plan.number), "success"
                )
                return redirect(url_for("plan_editor.sections", plan_id=plan.id))
        _tidy_year_errors(form)
        return render_template("plans/edit_plan.html", form=form, plan=None), 422
    return render_template("plans/edit_plan.html", form=form, plan=None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
def edit_plan(plan_id: int):
    """The editor's page of a plan: its particulars, and its sections and items with their actions."""
    require(MANAGE_SETTINGS)
    plan = _plan(plan_id)
    form = PlanForm(obj=plan if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                changes = update_plan(plan, _plan_fields(form), actor=current_user, now=utcnow())
            except EditRefused as refused:
                db.session.rollback()
                _refused(form, refused.problems)
            else:
                db.session.commit()
                flash(
                    gettext("Đã lưu: %(changes)s.", changes="; ".join(changes))
                    if changes
                    else gettext("Không có gì thay đổi."),
                    "success",
                )
                return redirect(url_for("plan_editor.edit_plan", plan_id=plan.id))
        _tidy_year_errors(form)
        plan = _plan(plan_id)
        return render_template("plans/edit_plan.html", form=form, plan=plan, token=EmptyForm()), 422
    return render_template("plans/edit_plan.html", form=form, plan=plan, token=EmptyForm())


@bp.route("/plans/<int:plan_id>/sections", methods=["GET", "POST"])
def sections(plan_id: int):
    """A plan's sections: add one, rename one (the form names it), move them up and down."""
    require(MANAGE_SETTINGS)
    plan = _plan(plan_id)
    section_id = request.form.get("section", type=int)
    editing = next((s for s in plan.sections if s.id == section_id), None)
    forms = {s.id: SectionForm(prefix=f"s{s.id}", obj=s if s is not editing else None) for s in plan.sections}
    new_form = SectionForm(prefix="new") if editing is None else SectionForm(prefix="new", formdata=None)
    form = forms[editing.id] if editing is not None else new_form
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                if editing is None:
                    add_section(plan, form.number.data or "", form.title.data or "", actor=current_user, now=utcnow())
                else:
                    rename_section(
                        editing, form.number.data or "", form.title.data or "", actor=current_user, now=utcnow()
                    )
            except EditRefused as refused:
                db.session.rollback()
                _refused(form, refused.problems)
            else:
                db.session.commit()
                flash(gettext("Đã lưu mục."), "success")
                return redirect(url_for("plan_editor.sections", plan_id=plan.id))
        plan = _plan(plan_id)
        return render_template(
            "plans/edit_sections.html",
            plan=plan,
            forms=forms,
            new_form=new_form,
            refused=form,
            refused_anchor=f"muc-{section_id}" if editing else "muc-moi",
            token=EmptyForm(),
        ), 422
    return render_template(
        "plans/edit_sections.html", plan=plan, forms=forms, new_form=new_form, refused=None, token=EmptyForm()
    )


@bp.post("/plans/<int:plan_id>/sections/move")
def move_plan_section(plan_id: int):
    """Move a section up or down (the form names the section and the direction)."""
    require(MANAGE_SETTINGS)
    plan = _plan(plan_id)
    form = EmptyForm()
    section = next((s for s in plan.sections if s.id == request.form.get("section", type=int)), None)
    if not form.validate_on_submit() or section is None:
        flash(gettext("Chưa chuyển: hãy bấm nút lên/xuống bên cạnh một mục."), "error")
    elif move_section(section, request.form.get("direction", ""), actor=current_user, now=utcnow()):
        db.session.commit()
        flash(gettext("Đã chuyển mục %(number)s.", number=section.number or section.title), "success")
    return redirect(url_for("plan_editor.sections", plan_id=plan.id))


def _directory_names() -> list[str]:
    return list(db.session.scalars(select(Unit.name).where(Unit.is_active).order_by(Unit.name)))


def _names_in(form_list: FieldList, names: list[str]) -> None:
    """Fill the unit boxes with the names, plus spare empty boxes."""
    while form_list.entries:
        form_list.pop_entry()
    for name in [*names, *([""] * _SPARE_NAME_BOXES)]:
        form_list.append_entry(name)


def _item_form(plan: Plan, item: ActionItem | None) -> ItemForm:
    form = ItemForm(obj=item if request.method == "GET" and item is not None else None)
    form.section.choices = [(s.id, f"{s.number} — {s.title}" if s.number else s.title) for s in plan.sections]
    if request.method == "GET":
        if item is not None:
            form.section.data = item.section_id
            form.due_on.data = item.due_on if item.is_due_set_by_hand else None
        _names_in(form.lead, [w for w, _k, _u in item.mentions("lead")] if item else [])
        _names_in(form.coordinating, [w for w, _k, _u in item.mentions("coordinating")] if item else [])
    else:
        # The typed names are kept, and spare boxes added back, on a refused or previewed form.
        _names_in(form.lead, [f.data or "" for f in form.lead if f.data])
        _names_in(form.coordinating, [f.data or "" for f in form.coordinating if f.data])
    return form


def _item_fields(form: ItemForm) -> ItemFields:
    return ItemFields(
        section_id=form.section.data,
        task=form.task.data or "",
        lead=[f.data or "" for f in form.lead],
        coordinating=[f.data or "" for f in form.coordinating],
        expected_output=form.expected_output.data or "",
        deadline_text=form.deadline_text.data or "",
        due_on=form.due_on.data,
    )


def _item_page(plan: Plan, item: ActionItem | None, form: ItemForm, status: int = 200):
    reading = read_deadline(form.deadline_text.data or "", plan.year) if form.deadline_text.data else None
    return render_template(
        "plans/edit_item.html", plan=plan, item=item, form=form, reading=reading, names=_directory_names()
    ), status


def _save_item(plan: Plan, item: ActionItem | None):
    form = _item_form(plan, item)
    if request.method == "GET":
        if item is None and plan.sections:
            form.section.data = plan.sections[-1].id
        return _item_page(plan, item, form)
    if not form.validate_on_submit():
        return _item_page(plan, item, form, 422)
    if "preview" in request.form:
        # Without script: the deadline's reading is shown, nothing is saved.
        return _item_page(plan, item, form)
    try:
        if item is None:
            item = add_item(plan, _item_fields(form), actor=current_user, now=utcnow())
            message = gettext("Đã thêm nhiệm vụ %(ref)s.", ref=item.reference)
        else:
            changes = edit_item(item, _item_fields(form), actor=current_user, now=utcnow())
            message = (
                gettext("Đã lưu nhiệm vụ %(ref)s.", ref=item.reference) if changes else gettext("Không có gì thay đổi.")
            )
    except EditRefused as refused:
        db.session.rollback()
        _refused(form, refused.problems)
        plan = _plan(plan.id)
        item = db.session.get(ActionItem, item.id) if item is not None and item.id else None
        return _item_page(plan, item, form, 422)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("plan_editor.edit_plan", plan_id=plan.id) + f"#nv-{item.id}")


@bp.route("/plans/<int:plan_id>/items/new", methods=["GET", "POST"])
def new_item(plan_id: int):
    """A new item: task, lead and coordinating units, expected output, deadline."""
    require(MANAGE_SETTINGS)
    return _save_item(_plan(plan_id), None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item_page(item_id: int):
    """Edit an item, or move it to another section."""
    require(MANAGE_SETTINGS)
    item = _item(item_id)
    if item.cancelled_on is not None:
        flash(gettext("Nhiệm vụ %(ref)s đã bãi bỏ: hãy khôi phục trước khi sửa.", ref=item.reference), "error")
        return redirect(url_for("plan_editor.edit_plan", plan_id=item.plan_id) + f"#nv-{item.id}")
    return _save_item(item.plan, item)


@bp.post("/items/<int:item_id>/move")
def move_plan_item(item_id: int):
    """Move an item up or down within its section."""
    require(MANAGE_SETTINGS)
    item = _item(item_id)
    form = EmptyForm()
    direction = request.form.get("direction", "")
    if not form.validate_on_submit() or direction not in ("up", "down"):
        flash(gettext("Chưa chuyển: hãy bấm nút lên/xuống bên cạnh nhiệm vụ."), "error")
    elif move_item(item, direction, actor=current_user, now=utcnow()):
        db.session.commit()
        flash(gettext("Đã chuyển nhiệm vụ %(ref)s.", ref=item.reference), "success")
    return redirect(url_for("plan_editor.edit_plan", plan_id=item.plan_id) + f"#nv-{item.id}")


@bp.route("/items/<int:item_id>/cancel", methods=["GET", "POST"])
def cancel_plan_item(item_id: int):
    """Cancel ("bãi bỏ") an item, with a reason."""
    require(MANAGE_SETTINGS)
    item = _item(item_id)
    form = CancelForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                cancel_item(item, form.reason.data or "", actor=current_user, now=utcnow(), today=today())
            except EditRefused as refused:
                db.session.rollback()
                _refused(form, refused.problems)
            else:
                db.session.commit()
                flash(gettext("Đã bãi bỏ nhiệm vụ %(ref)s.", ref=item.reference), "success")
                return redirect(url_for("items.show", item_id=item.id))
        item = _item(item_id)
        return render_template("plans/edit_cancel.html", item=item, form=form), 422
    return render_template("plans/edit_cancel.html", item=item, form=form)


@bp.post("/items/<int:item_id>/restore")
def restore_plan_item(item_id: int):
    """Undo an item's cancellation: its lead units' assignments are active again."""
    require(MANAGE_SETTINGS)
    item = _item(item_id)
    form = EmptyForm()
    if form.validate_on_submit() and restore_item(item, actor=current_user, now=utcnow()):
        db.session.commit()
        flash(gettext("Đã khôi phục nhiệm vụ %(ref)s.", ref=item.reference), "success")
    else:
        flash(gettext("Nhiệm vụ %(ref)s không ở trạng thái bãi bỏ.", ref=item.reference), "error")
    return redirect(url_for("items.show", item_id=item.id))


@bp.get("/plans/<int:plan_id>/deadline-reading")
def deadline_reading(plan_id: int):
    """How the grammar reads a deadline text in this plan's year, as JSON, for the live hint."""
    require(MANAGE_SETTINGS)
    plan = db.session.get(Plan, plan_id) or abort(404)
    reading = read_deadline(request.args.get("text", "")[:500], plan.year)
    reading["words"] = gettext(reading["words"]) if not reading["is_parsed"] else reading["words"]
    return jsonify(reading)
