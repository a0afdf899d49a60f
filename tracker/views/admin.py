"""Admin: user accounts — create, disable or enable, re-bind to another role or unit."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts import AccountError, create_user, rebind, set_active
from ..clock import utcnow
from ..extensions import db
from ..forms import EmptyForm, RebindForm, UserForm
from ..models import Unit, User
from ..rules.permissions import MANAGE_USERS, ROLE_LABELS
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
