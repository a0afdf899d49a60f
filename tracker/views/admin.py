"""Admin: user accounts (create, disable or enable, re-bind), the reminder rules, and the email log."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts import AccountError, create_user, rebind, set_active
from ..clock import utcnow
from ..extensions import db
from ..forms import EmptyForm, RebindForm, ReminderRulesForm, UserForm
from ..models import OutboxMessage, Unit, User
from ..models.emails import MESSAGE_STATES
from ..outbox import resend
from ..reminders import load_rules, load_send_time, save_rules
from ..rules import reminders as reminder_rules_module
from ..rules.permissions import MANAGE_SETTINGS, MANAGE_USERS, ROLE_LABELS, VIEW_EMAIL_LOG
from .access import require
from .labels import label

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _unit_choices() -> list[tuple[str, str]]:
    units = db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name))
    return [("", gettext("— không gắn đơn vị —"))] + [(str(u.id), f"{u.name} ({u.code})") for u in units]


def _unit(value: str | None) -> Unit | None:
    return db.session.get(Unit, int(value)) if value and value.isdigit() else None


def _page(form: UserForm, status: int = 200):
    users = list(db.session.scalars(select(User).order_by(User.role, User.email).options(selectinload(User.unit))))
    rebind_forms = {}
    for user in users:
        rebind_form = RebindForm(prefix=f"u{user.id}")
        rebind_form.unit.choices = form.unit.choices
        rebind_form.role.data = user.role
        rebind_form.unit.data = str(user.unit_id or "")
        rebind_forms[user.id] = rebind_form
    return render_template("admin/users.html", users=users, form=form, rebind_forms=rebind_forms,
                           toggle_form=EmptyForm(), role_labels=ROLE_LABELS), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    require(MANAGE_USERS)
    form = UserForm()
    form.unit.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            user = create_user(email=form.email.data, role=form.role.data, password=form.password.data,
                               unit=_unit(form.unit.data), name=form.name.data or "", now=utcnow())
        except AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
            return _page(form, 422)
        db.session.commit()
        flash(gettext("Đã tạo tài khoản %(email)s (%(role)s).", email=user.email, role=label(ROLE_LABELS[user.role])),
              "success")
        return redirect(url_for("admin.users"))
    return _page(form, 422 if form.errors else 200)


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    require(MANAGE_USERS)
    user = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(gettext("Bạn không thể tự khóa tài khoản của mình."), "error")
        return redirect(url_for("admin.users"))
    set_active(user, not user.is_active)
    db.session.commit()
    if user.is_active:
        flash(gettext("Đã mở khóa tài khoản %(email)s.", email=user.email), "success")
    else:
        flash(gettext("Đã khóa tài khoản %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    require(MANAGE_USERS)
    user = db.session.get(User, user_id) or abort(404)
    form = RebindForm(prefix=f"u{user.id}")
    form.unit.choices = _unit_choices()
    if not form.validate_on_submit():
        abort(400)
    try:
        rebind(user, role=form.role.data, unit=_unit(form.unit.data))
    except AccountError as exc:
        db.session.rollback()
        flash(f"{user.email}: {exc}", "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    role = label(ROLE_LABELS[user.role])
    if user.unit:
        flash(gettext("Đã đổi vai trò của %(email)s: %(role)s — %(unit)s. Các phiên đăng nhập của người này đã kết thúc.",
                      email=user.email, role=role, unit=user.unit.name), "success")
    else:
        flash(gettext("Đã đổi vai trò của %(email)s: %(role)s. Các phiên đăng nhập của người này đã kết thúc.",
                      email=user.email, role=role), "success")
    return redirect(url_for("admin.users"))


@bp.route("/reminders", methods=["GET", "POST"])
def reminder_rules():
    """The reminder rules (offsets, repeats, copies, send time, each kind on or off) and the units that
    cannot receive reminders because they have no address."""
    require(MANAGE_SETTINGS)
    current = load_rules()
    form = ReminderRulesForm()
    problems: list[str] = []
    if request.method == "GET":
        form.send_time.data = load_send_time() or current_app.config["SEND_TIME"]
        form.before_days.data = ", ".join(str(d) for d in current.before_days)
        for name in ("overdue_repeat_days", "ongoing_repeat_days", "progress_period_days", "kpi_repeat_days",
                     "digest_weekday", "copy_it_centre_on_overdue", "coordinators_get_before"):
            getattr(form, name).data = getattr(current, name)
        for kind in reminder_rules_module.KINDS:
            getattr(form, f"kind_{kind}").data = kind in current.enabled
    elif form.validate_on_submit():
        try:
            before = tuple(int(part) for part in form.before_days.data.replace(";", ",").split(",") if part.strip())
        except ValueError:
            before = ()
            problems.append(gettext("Số ngày nhắc trước hạn phải là các số nguyên, cách nhau bằng dấu phẩy."))
        new = replace(current, before_days=before, overdue_repeat_days=form.overdue_repeat_days.data,
                      ongoing_repeat_days=form.ongoing_repeat_days.data,
                      progress_period_days=form.progress_period_days.data, kpi_repeat_days=form.kpi_repeat_days.data,
                      digest_weekday=form.digest_weekday.data,
                      copy_it_centre_on_overdue=form.copy_it_centre_on_overdue.data,
                      coordinators_get_before=form.coordinators_get_before.data,
                      enabled=frozenset(k for k in reminder_rules_module.KINDS if getattr(form, f"kind_{k}").data))
        problems += [] if problems else new.validate()
        if not problems:
            save_rules(new, send_time=form.send_time.data, actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(gettext("Đã lưu quy tắc nhắc hạn; áp dụng từ lần gửi tiếp theo."), "success")
            return redirect(url_for("admin.reminder_rules"))
    no_address = list(db.session.scalars(
        select(Unit).where(Unit.is_active, (Unit.head_email.is_(None) | (Unit.head_email == "")),
                           (Unit.focal_email.is_(None) | (Unit.focal_email == ""))).order_by(Unit.name)))
    status = 422 if (problems or form.errors) else 200
    return render_template("admin/reminders.html", form=form, problems=problems, no_address=no_address,
                           kinds=reminder_rules_module.KINDS), status


EMAILS_PER_PAGE = 50


@bp.get("/emails")
def emails():
    """The email log: every message with its status, attempts, last error and text."""
    require(VIEW_EMAIL_LOG)
    status = request.args.get("status") or None
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(OutboxMessage)
    if status in MESSAGE_STATES:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    messages = list(db.session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(EMAILS_PER_PAGE).offset((page - 1) * EMAILS_PER_PAGE)
        .options(selectinload(OutboxMessage.unit))))
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template("admin/emails.html", messages=messages, status=status, page=page, total=total,
                           per_page=EMAILS_PER_PAGE, counts=counts, states=MESSAGE_STATES, resend_form=EmptyForm())


@bp.post("/emails/<int:message_id>/resend")
def resend_email(message_id: int):
    """Queue a failed message again (after the cause was fixed)."""
    require(MANAGE_SETTINGS)
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        resend(message, now=utcnow())
    except ValueError:
        flash(gettext("Chỉ gửi lại được thư đã gửi thất bại."), "error")
    else:
        db.session.commit()
        flash(gettext("Đã đưa thư #%(id)s vào hàng đợi gửi lại.", id=message.id), "success")
    return redirect(url_for("admin.emails", status="failed"))
