"""The item page (task, units, deadline, every assignment, history, comments, evidence) and the
writes made from it and from the unit page: status changes, comments, evidence downloads."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..assignments import EditConflict, PermissionDenied, add_comment, change_assignment
from ..clock import today, utcnow
from ..evidence import EvidenceRejected, store_evidence
from ..extensions import db
from ..forms import CommentForm, StatusForm, add_error
from ..item_history import ITEM_EVENT, history_page
from ..labels import gettext
from ..labels import lazy_gettext as _l
from ..models import ActionItem, Assignment, EvidenceFile, ItemUnit
from ..page_cache import cached_page
from ..plan_editor import change_words
from ..rules.lifecycle import BLOCKED, DONE, IN_PROGRESS, Change, Evidence, TransitionRefused, next_states
from ..rules.permissions import COMMENT_ITEM, REOPEN_ASSIGNMENT, UPDATE_ASSIGNMENT, VIEW_EVIDENCE, VIEW_PLAN
from ..status import item_status, status_of
from ..unit_page import GROUPS, Page, group_of, positive_number
from .access import allowed, require
from .labels import say
from .units import render_unit, unit_page_url

bp = Blueprint("items", __name__)

CARDS_PER_PAGE = 25  # an item's assignment cards on one page (a national item is assigned to hundreds of units)

# What the item's history calls each changed field (tracker.plan_editor.FIELD_WORDS, marked for translation).
ITEM_FIELD_WORDS = {
    "task": _l("Nội dung"),
    "lead": _l("Đơn vị chủ trì"),
    "coordinating": _l("Đơn vị phối hợp"),
    "expected_output": _l("Dự kiến kết quả"),
    "deadline_text": _l("Thời hạn"),
    "due_on": _l("Hạn"),
    "section": _l("Mục"),
    "position": _l("Thứ tự"),
}


def _load_item(item_id: int) -> ActionItem:
    """The item with what its page shows of it: its section and plan joined; its units and its assignments, each
    with its unit, read in one statement each (the history is read a page at a time, tracker.item_history). The
    statements are built once for the process, the item bound as a parameter."""
    item_statement, units_statement, assignments_statement = _item_statements()
    item = db.session.scalar(item_statement, {"item_id": item_id})
    if item is None:
        abort(404)
    set_committed_value(item, "units", list(db.session.scalars(units_statement, {"item_id": item_id})))
    set_committed_value(item, "assignments", list(db.session.scalars(assignments_statement, {"item_id": item_id})))
    return item


@cache
def _item_statements() -> tuple[Select[ActionItem], Select[ItemUnit], Select[Assignment]]:
    """_load_item's three statements, in the orders of ActionItem.units and ActionItem.assignments."""
    item_id: BindParameter[int] = bindparam("item_id")
    return (
        select(ActionItem)
        .where(ActionItem.id == item_id)
        .options(joinedload(ActionItem.section), joinedload(ActionItem.plan)),
        select(ItemUnit)
        .where(ItemUnit.item_id == item_id)
        .options(joinedload(ItemUnit.unit))
        .order_by(ItemUnit.position, ItemUnit.id),
        select(Assignment)
        .where(Assignment.item_id == item_id)
        .options(joinedload(Assignment.unit))
        .order_by(Assignment.id),
    )


def _page_arg(name: str) -> int:
    """A page number from the query string; anything else is the first page."""
    return positive_number(request.args.get(name)) or 1


def _status_form(assignment: Assignment, *, for_reopen: bool = False) -> StatusForm:
    form = StatusForm(prefix=f"a{assignment.id}")
    options = [IN_PROGRESS] if for_reopen else [assignment.status, *next_states(assignment.status)]
    if assignment.status == DONE and not for_reopen:
        options = []
    labels = {state: label for state, label, *_ in form.to_state.iter_choices()}
    form.to_state.choices = [
        (s, labels[s] if s != assignment.status else gettext("%(state)s (báo cáo tiến độ)", state=labels[s]))
        for s in options
    ]
    if request.method == "GET":
        form.version.data = str(assignment.version)
        if for_reopen:
            form.to_state.data = IN_PROGRESS
    return form


def _involved_units(item: ActionItem) -> set[int]:
    return {u.unit_id for u in item.units if u.unit_id is not None}


def render_item(item: ActionItem, *, forms: dict | None = None, status: int = 200):
    """The item page; `forms` carries a submitted form back with its errors. An item assigned to hundreds of
    units shows its cards CARDS_PER_PAGE at a time (?apage=) and its history a page at a time (?hpage=)."""
    now = today()
    window = current_app.config["DUE_SOON_DAYS"]
    rows = [(a, status_of(a, today=now, due_soon_days=window)) for a in item.assignments if a.is_active]
    forms = dict(forms or {})
    refused = {a_id: form for a_id, form in forms.items() if form.form_errors or any(f.errors for f in form)}
    # A refused form's card first, under the summary that links to it (not another unit's badge on top); then
    # the reader's own unit, the card they came to update; then what needs attention first, in the plan's order.
    rows.sort(
        key=lambda row: (
            row[0].id not in refused,
            row[0].unit_id != current_user.unit_id,
            GROUPS.index(group_of(row[1])),
        )
    )
    cards = _page_of_rows(len(rows), _page_arg("apage"))
    rows = rows[(cards.page - 1) * CARDS_PER_PAGE : cards.page * CARDS_PER_PAGE]
    for assignment, _status in rows:
        if assignment.id in forms:
            continue
        if allowed(UPDATE_ASSIGNMENT, unit=assignment.unit_id) and assignment.status != DONE:
            forms[assignment.id] = _status_form(assignment)
        elif allowed(REOPEN_ASSIGNMENT, unit=assignment.unit_id) and assignment.status == DONE:
            forms[assignment.id] = _status_form(assignment, for_reopen=True)
    entries, history = history_page(item.id, {a.id: a for a in item.assignments}, page=_page_arg("hpage"))
    # The item's own edits, each change in words, beside its assignments' history.
    timeline = [
        (
            entry.kind,
            entry.at,
            entry.who,
            entry.record,
            [
                change_words(c, str(ITEM_FIELD_WORDS.get(c.get("field", ""), c.get("field", ""))))
                for c in entry.record.changes
            ]
            if entry.kind == ITEM_EVENT
            else entry.assignment,
        )
        for entry in entries
    ]
    shown = {entry.assignment.id: entry.assignment for entry in entries if entry.assignment is not None}
    can_comment = allowed(COMMENT_ITEM, units=_involved_units(item))
    pages = {"apage": cards.page, "hpage": history.page}
    return render_template(
        "items/show.html",
        item=item,
        rows=rows,
        cards=cards,
        forms=forms,
        timeline=timeline,
        history=history,
        page_url=lambda **changes: _item_page_url(item.id, {**pages, **changes}),
        refused_form=next(iter(refused.values()), None),
        refused_anchor=next((f"cap-nhat-{a_id}" for a_id in refused), None),
        roll_up=item_status(item, today=now),
        comment_form=CommentForm() if can_comment else None,
        can_view_evidence={a_id: allowed(VIEW_EVIDENCE, unit=a.unit_id) for a_id, a in shown.items()},
    ), status


def _page_of_rows(total: int, page: int) -> Page:
    """Which page of the cards to show: the one asked for, or the first when it is past the end."""
    cards = Page(page=page, per_page=CARDS_PER_PAGE, total=total)
    return cards if page <= cards.pages else Page(page=1, per_page=CARDS_PER_PAGE, total=total)


def _item_page_url(item_id: int, pages: dict[str, int]) -> str:
    """The item page's address with these pages of cards and history (the first page is left out)."""
    values: dict[str, Any] = {name: n for name, n in pages.items() if n > 1}
    return url_for("items.show", item_id=item_id, **values)


@bp.get("/items/<int:item_id>")
@cached_page
def show(item_id: int):
    require(VIEW_PLAN)
    return render_item(_load_item(item_id))


@bp.post("/assignments/<int:assignment_id>/status")
def update_status(assignment_id: int):
    """A status change or progress report from the item page's form or the unit page's quick form."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    reopening = assignment.status == DONE
    if not allowed(REOPEN_ASSIGNMENT if reopening else UPDATE_ASSIGNMENT, unit=assignment.unit_id):
        abort(403, description=gettext("Bạn không có quyền cập nhật nhiệm vụ này của đơn vị khác."))
    item = _load_item(assignment.item_id)
    form = _status_form(assignment, for_reopen=reopening)
    back = request.form.get("back") == "unit"
    if not form.validate_on_submit():
        return _refused(assignment, form, back=back)
    comment = form.comment.data or ""
    difficulty = form.difficulty.data or ""
    if form.to_state.data == BLOCKED and assignment.status != BLOCKED and not difficulty:
        # The unit page's quick form has one text box: moving into "blocked", it says what the difficulty is;
        # keeping "blocked", it is a progress report like any other. The item page accepts the same.
        difficulty, comment = comment, ""
    change = Change(
        to_state=form.to_state.data,
        comment=comment,
        difficulty=difficulty,
        proposal=form.proposal.data or "",
        reason=form.reason.data or "",
        evidence=Evidence(
            document_number=form.document_number.data or "",
            document_date=form.document_date.data,
            document_title=form.document_title.data or "",
            completed_on=form.completed_on.data,
        ),
    )
    try:
        upload = request.files.get(form.evidence.name)
        evidence_file = None
        if upload is not None and upload.filename:
            if not allowed(UPDATE_ASSIGNMENT, unit=assignment.unit_id):
                abort(403)
            evidence_file = store_evidence(
                upload.stream,
                upload.filename,
                assignment=assignment,
                uploader=current_user,
                now=utcnow(),
                upload_dir=Path(current_app.config["UPLOAD_DIR"]),
                max_bytes=current_app.config["MAX_CONTENT_LENGTH"],
            )
        change_assignment(
            assignment,
            change,
            actor=current_user,
            expected_version=int(form.version.data or ""),  # DataRequired: never empty here
            today=today(),
            now=utcnow(),
            evidence_file=evidence_file,
        )
    except EditConflict as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return render_item(_load_item(item.id), status=409)
    except PermissionDenied as exc:
        db.session.rollback()
        abort(403, description=say(exc))
    except (TransitionRefused, EvidenceRejected) as exc:
        db.session.rollback()
        problems = exc.problems if isinstance(exc, TransitionRefused) else {"evidence": say(exc)}
        for field, message in problems.items():
            target = getattr(form, field, None) if field else form.to_state
            add_error(target or form.to_state, message)
        return _refused(assignment, form, back=back)
    db.session.commit()
    flash(
        gettext("Đã cập nhật nhiệm vụ %(item)s của %(unit)s.", item=item.reference, unit=assignment.unit.name),
        "success",
    )
    if back:
        return redirect(unit_page_url(assignment.unit.code, request.form.get("view", "")))
    return redirect(url_for("items.show", item_id=item.id) + "#lich-su")


def _refused(assignment: Assignment, form: StatusForm, *, back: bool):
    """A refused update goes back to the page it came from — the unit page for the quick form — with the
    errors summed up at the top and what was typed still in the form."""
    if back:
        return render_unit(assignment.unit, refused_update=(assignment.id, form), status=422)
    return render_item(_load_item(assignment.item_id), forms={assignment.id: form}, status=422)


@bp.post("/items/<int:item_id>/comments")
def comment(item_id: int):
    item = _load_item(item_id)
    require(COMMENT_ITEM, units=_involved_units(item))
    form = CommentForm()
    if not form.validate_on_submit():
        return render_item(item, status=422)
    add_comment(item, form.body.data or "", author=current_user, involved_unit_ids=_involved_units(item), now=utcnow())
    db.session.commit()
    flash(gettext("Đã ghi ý kiến."), "success")
    return redirect(url_for("items.show", item_id=item.id) + "#lich-su")


@bp.get("/evidence/<int:file_id>")
def evidence(file_id: int):
    """Download an evidence file: only for those who may see the unit's evidence; never from the web root."""
    record = db.session.get(EvidenceFile, file_id)
    if record is None:
        abort(404)
    assignment = db.session.get(Assignment, record.assignment_id)
    if assignment is None:  # the file's assignment is deleted with it (ON DELETE CASCADE)
        abort(404)
    require(VIEW_EVIDENCE, unit=assignment.unit_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / record.stored_name
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=record.content_type, as_attachment=True, download_name=record.filename)
