"""The JSON API's requests and responses, each declared once: marshmallow reads and checks the requests, writes the
responses, and apispec (through flask-smorest) makes the OpenAPI document from the same declarations.

A request that cannot be used is refused with one Vietnamese message naming the first field at fault (in the order
the fields are declared here), as the API always answered; tracker.views.api turns it into the JSON error body."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date
from typing import Any

from flask import current_app, g
from marshmallow import EXCLUDE, INCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from ..clock import today
from ..labels import gettext
from ..models.plans import ITEM_UNIT_KINDS
from ..rules.indicators import KINDS, SCHEME_LABELS
from ..rules.kpi import FIELDS, MAX_COUNT, STATUS_LABELS, TARGET_KINDS
from ..rules.lifecycle import OVERDUE, STATES
from ..rules.score import BANDS  # issue 17
from ..status import item_status, status_of

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
# Ids are 32-bit in the schema; a larger number in a URL names nothing (and SQLite cannot even bind it).
MAX_ID = 2_147_483_647
# The same limits as the update form (tracker.forms.StatusForm) and the columns behind it.
TEXT_LIMITS = {
    "comment": 5000,
    "difficulty": 5000,
    "proposal": 5000,
    "reason": 5000,
    "document_number": 120,
    "document_title": 1000,
}
_DIGITS = re.compile(r"[0-9]{1,12}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_storable(text: str) -> bool:
    """False for text with NUL or lone surrogates, which neither database accepts."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _invalid_characters(name: str) -> str:
    return gettext("Tham số “%(name)s” chứa ký tự không hợp lệ.", name=name)


def _not_a_day(name: str) -> str:
    return gettext("“%(field)s” phải là ngày dạng YYYY-MM-DD.", field=name)


# --- request fields: every failure of a field is one message that names it ----------------


class Refusing(fields.Field):
    """A mixin for request fields: whatever is wrong with the value (missing, null, wrong type, out of range),
    the field answers with its one message; `code` is the error code the API sends with it."""

    code = "invalid_request"

    def __init__(self, *args: Any, refusal: Callable[[str], str], code: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        if code is not None:
            self.code = code

    def make_error(self, key: str, **kwargs: Any) -> ValidationError:
        return ValidationError(self.refusal(self.data_key or self.name or ""))

    def deserialize(
        self, value: Any, attr: str | None = None, data: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Any:
        if isinstance(value, Unstorable):
            raise ValidationError(_invalid_characters(self.data_key or self.name or ""))
        return super().deserialize(value, attr, data, **kwargs)

    def _validate(self, value: Any) -> None:
        try:
            super()._validate(value)
        except ValidationError:
            raise self.make_error("validator_failed") from None


class Text(Refusing, fields.String):
    """Text that either database can store (no NUL, no lone surrogate)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not is_storable(value):
            raise self.make_error("invalid")
        return value


class Name(Text):
    """A query parameter naming a plan or a unit: given empty (`plan=`), it is refused, not taken as absent."""

    refuses_empty = True

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            name = self.data_key or self.name or ""
            raise ValidationError(gettext("Tham số “%(name)s” không được để trống.", name=name))
        return super()._deserialize(value, attr, data, **kwargs)


class WholeNumber(Refusing, fields.Integer):
    """A whole number written with digits only, as a query parameter."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            raise self.make_error("invalid")
        return int(value)


class StrictInteger(Refusing, fields.Integer):
    """A JSON integer (true and false are not numbers here, nor is 1.0 or "1")."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class Day(Refusing, fields.Date):
    """A day as YYYY-MM-DD. `strict`: exactly that form (query parameters); otherwise whatever
    date.fromisoformat reads, "" meaning none, and with `as_text` the JSON value read as text first."""

    def __init__(self, *args: Any, strict: bool = False, as_text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strict, self.as_text = strict, as_text

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if self.as_text:
            value = str(value)
        elif value == "" and not self.strict:
            return None
        if not isinstance(value, str) or (self.strict and not _ISO_DAY.fullmatch(value)):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


class Flag(Refusing, fields.Boolean):
    """1 or true, 0 or false (any case)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        text = value.lower() if isinstance(value, str) else None
        if text in ("1", "true"):
            return True
        if text in ("0", "false"):
            return False
        raise self.make_error("invalid")


class Passed(fields.Raw):
    """A value handed on as sent: the operation behind the endpoint judges it and says what is wrong."""


# --- request schemas -----------------------------------------------------------------------


class Request(Schema):
    """A request body or a query string."""

    def refusal(self, messages: Mapping[str, Any]) -> tuple[str, str]:
        """The (code, message) of the first field at fault, in declaration order."""
        for name, field in self.fields.items():
            key = field.data_key or name
            if key in messages:
                found = messages[key]
                message = found[0] if isinstance(found, list) and found else found
                return getattr(field, "code", "invalid_request"), str(message)
        return "invalid_request", str(messages)  # not reached: every field of a request is one of ours


class Unstorable(str):
    """A query parameter's text that no column can hold: its field refuses it before judging its form."""


class Query(Request):
    """A query string: values stripped, an empty one as good as absent (but for a Name: refused)."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _strip(self, data: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            key = field.data_key or name
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                values[key] = value.strip() if is_storable(value) else Unstorable(value)
            elif isinstance(value, str) and getattr(field, "refuses_empty", False):
                values[key] = ""
        return values


def _query(**kwargs: Any) -> dict[str, Any]:
    return {"code": "invalid_query", **kwargs}


def _whole(maximum: int) -> Callable[[str], str]:
    return lambda name: gettext("Tham số “%(name)s” phải là số nguyên từ 1 đến %(max)d.", name=name, max=maximum)


class PageQuery(Query):
    page = WholeNumber(
        load_default=1,
        validate=validate.Range(1, MAX_PAGE),
        metadata={"description": "Page number, from 1."},
        **_query(refusal=_whole(MAX_PAGE)),
    )
    per_page = WholeNumber(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(1, MAX_PER_PAGE),
        metadata={"description": f"Rows per page, at most {MAX_PER_PAGE}."},
        **_query(refusal=_whole(MAX_PER_PAGE)),
    )


def _plan_parameter() -> Name:
    return Name(
        validate=validate.Length(min=1),
        metadata={
            "description": "A plan's id or its number as written (e.g. `1872/QĐ-BVHTTDL`); unknown or empty → 400."
        },
        **_query(refusal=_invalid_characters),
    )


class ItemsQuery(PageQuery):
    plan = _plan_parameter()
    section = Text(
        validate=validate.Length(min=1),
        metadata={"description": "A section number as printed (e.g. `I`); unknown → 400."},
        **_query(refusal=_invalid_characters),
    )


OPEN = "open"  # the assignments list's filter for "not done": every state but done
ASSIGNMENT_FILTER_STATES = (*STATES, OPEN)


class AssignmentsQuery(PageQuery):
    as_of = Day(
        strict=True,
        metadata={
            "description": "The day the `overdue` filter and each row's `days_left` and `overdue` are judged on; "
            "default today."
        },
        **_query(refusal=_not_a_day),
    )
    unit = Name(
        validate=validate.Length(min=1),
        metadata={"description": "A unit's code (e.g. `VPC`); unknown or empty → 400."},
        **_query(refusal=_invalid_characters),
    )
    status = Text(
        validate=validate.OneOf(ASSIGNMENT_FILTER_STATES),
        metadata={"description": "Only assignments in this state; `open`: every state but done."},
        **_query(
            refusal=lambda _name: gettext(
                "“status” phải là một trong %(states)s.", states=", ".join(ASSIGNMENT_FILTER_STATES)
            )
        ),
    )
    plan = _plan_parameter()
    overdue = Flag(
        metadata={
            "type": "string",  # as a query string carries it
            "enum": ["1", "0", "true", "false"],
            "description": "1: only those overdue as of `as_of` (not done, past due, the item not ongoing); "
            "0: only those not overdue.",
        },
        **_query(refusal=lambda name: gettext("Tham số “%(name)s” chỉ nhận 1 hoặc 0.", name=name)),
    )


class KpiQuery(PageQuery):
    plan = _plan_parameter()
    as_of = Day(
        strict=True,
        metadata={"description": "Use the latest figures on or before this day."},
        **_query(refusal=_not_a_day),
    )


def _status_and_version(_name: str) -> str:
    return gettext("Cần “status” (một trong %(states)s) và “version” (số nguyên).", states=", ".join(STATES))


def _text_refusal(name: str) -> str:
    return gettext("“%(field)s” phải là một chuỗi văn bản dài tối đa %(max)d ký tự.", field=name, max=TEXT_LIMITS[name])


def _change_text(name: str, description: str | None = None) -> Text:
    """A free-text field of a change; absent or null means empty."""
    return Text(
        load_default="",
        allow_none=True,
        validate=validate.Length(max=TEXT_LIMITS[name]),
        refusal=_text_refusal,
        metadata={"description": description} if description else {},
    )


class StatusChangeSchema(Request):
    """A change of status or a progress report, as the update form takes it."""

    class Meta:
        unknown = EXCLUDE  # other keys are ignored, as they always were
        additional_properties = False  # but the description names only these

    status = Text(required=True, validate=validate.OneOf(STATES), refusal=_status_and_version)
    version = StrictInteger(
        required=True,
        refusal=_status_and_version,
        metadata={"description": "The version read; a newer one on the server gets 409."},
    )
    comment = _change_text("comment", "Needed for a progress report (same status).")
    difficulty = _change_text("difficulty", "Needed to move to blocked.")
    proposal = _change_text("proposal")
    reason = _change_text("reason", "Needed to reopen a done assignment.")
    document_number = _change_text("document_number")
    document_title = _change_text("document_title")
    document_date = Day(allow_none=True, load_default=None, refusal=_not_a_day, code="invalid_date")
    completed_on = Day(allow_none=True, load_default=None, refusal=_not_a_day, code="invalid_date")

    @post_load
    def _empty_texts(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {key: "" if key in TEXT_LIMITS and value is None else value for key, value in data.items()}


FiguresSchema = type(
    "FiguresSchema",
    (Request,),
    {
        "__doc__": "A unit's KPI figures as of a day.",
        "Meta": type(
            "Meta",
            (),
            {
                "unknown": INCLUDE,  # the figures, by key: record_figures judges them and says what is wrong
                "description": "Without `plan`: the eight counts of Decision 1872. With `plan`: the figures its "
                "definition (GET /api/v1/plans/{plan_id}/indicators) asks for, by key — whole numbers, and a "
                'percentage as a number or text ("72,5").',
                "additional_properties": {
                    "oneOf": [
                        {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
                        {"type": "string", "maxLength": 20},
                    ]
                },
            },
        ),
        "as_of": Day(required=True, as_text=True, refusal=_not_a_day, code="invalid_date"),
        "plan": StrictInteger(
            allow_none=True,
            validate=validate.Range(1, MAX_ID),
            refusal=lambda _name: gettext("“plan” phải là mã số (id) của một kế hoạch."),
            code="invalid_plan",
            metadata={
                "format": "int32",
                "description": "A plan with its own indicators; leave out for Decision 1872's counts.",
            },
        ),
        # Decision 1872's eight counts, described; handed on as sent.
        **{name: Passed(metadata={"type": "integer", "minimum": 0, "maximum": MAX_COUNT}) for name in FIELDS},
    },
)


# --- response fields and schemas -----------------------------------------------------------


class Instant(fields.DateTime):
    """A stored instant in UTC with its offset (SQLite hands back naive datetimes; they were stored in UTC)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()


class Response(Schema):
    """A response: every field is always there (null when it has no value) and no other appears."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.required = True


def _enum(values: Any, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


def _count() -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0))


def _id() -> fields.Integer:
    return fields.Integer(validate=validate.Range(1, MAX_ID), metadata={"format": "int32"})


def _day(**kwargs: Any) -> fields.Date:
    return fields.Date(allow_none=True, **kwargs)


def as_of_day() -> date:
    """The day an assignment's status is judged on: the list's `as_of` when given, else today."""
    return g.get("api_as_of") or today()


class AssignmentSchema(Response):
    id = _id()
    item = fields.String(attribute="item.reference", metadata={"description": "The item's reference, e.g. I.2."})
    item_id = _id()
    plan = fields.String(attribute="item.plan.number", metadata={"description": "The plan's number."})
    unit = fields.String(attribute="unit.name")
    unit_code = fields.String(attribute="unit.code")
    occurrence = fields.Integer(
        allow_none=True, metadata={"description": "The year, for one occurrence of a yearly item."}
    )
    status = _enum(STATES)
    status_label = fields.String()
    due = _day(attribute="due_on")
    days_left = fields.Integer(
        allow_none=True, metadata={"description": "Negative once overdue; null when done or without a due date."}
    )
    overdue = fields.Boolean()
    completed_on = _day()
    document_number = fields.String()
    document_date = _day()
    document_title = fields.String()
    difficulty = fields.String()
    proposal = fields.String()
    last_report_on = _day()
    version = fields.Integer(metadata={"description": "Send it back with a change: an older version gets 409."})
    updated_at = Instant(allow_none=True)

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if attr == "occurrence":
            return obj.occurrence or None
        if attr in ("status_label", "days_left", "overdue"):
            # Worked out once a row (three fields read it) and a request (the day, the window).
            known = g.get("api_status_of")
            if known is None:
                known = g.api_status_of = {"_day": as_of_day(), "_window": current_app.config["DUE_SOON_DAYS"]}
            status = known.get(obj.id)
            if status is None or status[0] is not obj:
                found = status_of(obj, today=known["_day"], due_soon_days=known["_window"])
                status = known[obj.id] = (obj, found)
            return {"status_label": status[1].label, "days_left": status[1].days_left, "overdue": status[1].is_overdue}[
                attr
            ]
        return super().get_attribute(obj, attr, default)


class UnitRefSchema(Response):
    code = fields.String()
    name = fields.String()


class MentionSchema(Response):
    """A name in an item's lead or coordinating cell: (as written, its kind, the units it stands for)."""

    name = fields.String(metadata={"description": "The unit's name for a recognised unit, else the name as written."})
    written = fields.String(metadata={"description": "The name as the document writes it."})
    kind = _enum(ITEM_UNIT_KINDS)
    units = fields.List(fields.Nested(UnitRefSchema))

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        written, kind, units = obj
        if attr == "name":
            return units[0].name if kind == "unit" and units else written
        return {"written": written, "kind": kind, "units": units}[attr]


class DeadlineSchema(Response):
    """An item's deadline as written and as read."""

    text = fields.String(
        attribute="deadline_text", metadata={"description": "The deadline as written (“Tháng 8/2023”, “Hàng năm”)."}
    )
    due = _day(attribute="due_on", metadata={"description": "The date it was read as; null when it names none."})
    recurrence = fields.String(allow_none=True, metadata={"description": "“yearly” for a recurring item."})
    ongoing = fields.Boolean(attribute="is_ongoing", metadata={"description": "“thường xuyên”: never overdue."})
    parsed = fields.Boolean(attribute="is_deadline_parsed")
    set_by_hand = fields.Boolean(
        attribute="is_due_set_by_hand", metadata={"description": "An admin fixed the due date by hand."}
    )


class PlanRefSchema(Response):
    id = _id()
    number = fields.String()


class SectionRefSchema(Response):
    number = fields.String()
    title = fields.String()


class ItemSummarySchema(Response):
    """An item as in the plan's Appendix 2, with its roll-up status; assignments only counted."""

    id = _id()
    plan = fields.Nested(PlanRefSchema)
    section = fields.Nested(SectionRefSchema)
    reference = fields.String()
    stt = fields.String()
    task = fields.String()
    lead = fields.List(fields.Nested(MentionSchema))
    coordinating = fields.List(fields.Nested(MentionSchema))
    lead_text = fields.String()
    coordinating_text = fields.String()
    expected_output = fields.String()
    deadline = fields.Nested(DeadlineSchema)
    status = _enum(
        [*STATES, OVERDUE],
        allow_none=True,
        metadata={"description": "The roll-up of the item's assignments; null when none is assigned."},
    )
    status_label = fields.String()
    assignment_count = _count()

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if attr in ("lead", "coordinating"):
            return obj.mentions(attr)
        if attr == "deadline":
            return obj
        if attr in ("status", "status_label"):
            key, label = item_status(obj, today=today())
            return key if attr == "status" else label
        if attr == "assignment_count":
            return sum(1 for a in obj.assignments if a.is_active)
        if attr == "assignments":
            return [a for a in obj.assignments if a.is_active]
        return super().get_attribute(obj, attr, default)


class ItemSchema(ItemSummarySchema):
    """An item in full: the summary and every active assignment."""

    assignments = fields.List(fields.Nested(AssignmentSchema))


class PlanSchema(Response):
    """A plan and what it holds, from {"plan": Plan, "section_count", "item_count", "assignment_count"}."""

    id = _id()
    number = fields.String()
    title = fields.String()
    issued_on = _day()
    year = fields.Integer(allow_none=True)
    end_year = fields.Integer(allow_none=True)
    section_count = _count()
    item_count = _count()
    assignment_count = _count()

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if attr.endswith("_count"):
            return obj[attr]
        return super().get_attribute(obj["plan"], attr, default)


class PlanSectionSchema(Response):
    """A section with its items, from {"section": PlanSection, "items": [ActionItem]}."""

    number = fields.String(attribute="section.number")
    title = fields.String(attribute="section.title")
    items = fields.List(fields.Nested(ItemSummarySchema))


class PlanDetailSchema(PlanSchema):
    """A plan with its sections, each item's summary, and its assignments counted by status."""

    as_of = fields.Date()
    assignments_by_status = fields.Nested(
        Response.from_dict({state: _count() for state in (*STATES, OVERDUE)}, name="AssignmentsByStatus")
    )
    sections = fields.List(fields.Nested(PlanSectionSchema))

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        if attr in ("as_of", "assignments_by_status", "sections"):
            return obj[attr]
        return super().get_attribute(obj, attr, default)


class TargetSchema(Response):
    kind = _enum(TARGET_KINDS)
    low = fields.Float(allow_none=True)
    high = fields.Float(allow_none=True)
    note = fields.String()


class IndicatorStandingSchema(Response):
    number = fields.Integer()
    name = fields.String()
    kind = _enum(
        KINDS,
        metadata={"description": "ratio: numerator/denominator; percent: reported directly; count: against a count."},
    )
    unit_of_measure = fields.String()
    numerator = fields.Integer(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    percent = fields.Float(allow_none=True, metadata={"description": "Rounded to one decimal; null for a count."})
    count = fields.Integer(allow_none=True, metadata={"description": "A count indicator's reported count."})
    target = fields.Nested(TargetSchema, allow_none=True)
    required = fields.Float(allow_none=True)
    status = _enum(STATUS_LABELS)
    gap_points = fields.Float(allow_none=True, metadata={"description": "Percentage points short of the target."})
    gap_count = fields.Float(
        allow_none=True, metadata={"description": "A count indicator: how many short of the target."}
    )


class StandingSchema(Response):
    """A unit's standing against its group's targets, from tracker.figures.standing_as_json (the CLI prints it too)."""

    unit = fields.String()
    unit_code = fields.String()
    plan = fields.String()
    kpi_scheme = _enum(SCHEME_LABELS)
    group = fields.String()
    as_of = fields.String(
        allow_none=True,
        metadata={
            "format": "date",
            "description": "The date of the figures used; null when the unit has reported none.",
        },
    )
    indicators = fields.List(fields.Nested(IndicatorStandingSchema))


class UnitKpiSchema(Response):
    units = fields.List(fields.Nested(StandingSchema))


class IndicatorDefinitionSchema(Response):
    number = fields.Integer()
    name = fields.String()
    kind = _enum(KINDS)
    numerator_key = fields.String()
    denominator_key = fields.String(allow_none=True)
    numerator_label = fields.String()
    denominator_label = fields.String(allow_none=True)
    unit_of_measure = fields.String()


class FieldDefinitionSchema(Response):
    key = fields.String()
    label = fields.String()
    kind = _enum(["count", "percent"])


class IndicatorsSchema(Response):
    """A plan's indicator definition, from tracker.figures.definition_json."""

    plan_id = _id()
    plan = fields.String()
    kpi_scheme = _enum(SCHEME_LABELS)
    indicators = fields.List(fields.Nested(IndicatorDefinitionSchema))
    fields_ = fields.List(
        fields.Nested(FieldDefinitionSchema),
        data_key="fields",
        attribute="fields",
        metadata={"description": "What a unit reports, by key, in this order."},
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The API's list: {"items", "total", "page", "per_page"}, from a db.paginate Pagination (or the like)."""
    return Response.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "total": _count(),
            "page": fields.Integer(validate=validate.Range(min=1)),
            "per_page": fields.Integer(validate=validate.Range(1, MAX_PER_PAGE)),
        },
        name=name,
    )


PlanPageSchema = page_schema(PlanSchema, "PlanPage")
ItemPageSchema = page_schema(ItemSummarySchema, "ItemSummaryPage")
AssignmentPageSchema = page_schema(AssignmentSchema, "AssignmentPage")
StandingPageSchema = page_schema(StandingSchema, "StandingPage")


class ConflictSchema(Response):
    figures = fields.List(fields.String())
    message = fields.String()


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(
        required=True,
        metadata={"description": "What went wrong, in Vietnamese (or English when the session chose it)."},
    )
    request_id = fields.String(
        required=True, allow_none=True, metadata={"description": "Quote it to an administrator."}
    )
    problems = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": '422 invalid_transition: what to fix, per field ("" for the change itself).'},
    )
    conflicts = fields.List(
        fields.Nested(ConflictSchema), metadata={"description": "422 inconsistent_figures: the figures in conflict."}
    )


class ErrorSchema(Schema):
    """Every error the API answers (tracker.views.security.error_response)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


# --- issue 17: the league table and monthly snapshots ------------------------------------------------------

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])\Z")


def _not_a_month(name: str) -> str:
    return gettext("Tham số “%(name)s” phải là một tháng dạng YYYY-MM, ví dụ 2023-08.", name=name)


class LeagueQuery(Query):
    plan = _plan_parameter()
    month = Text(
        validate=validate.Regexp(_MONTH),
        metadata={
            "description": "A month as YYYY-MM: a past month comes from its snapshot (none → 404); the current month "
            "(the default) is worked out live as of today.",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
        },
        **_query(refusal=_not_a_month),
    )


class SnapshotsQuery(PageQuery):
    plan = _plan_parameter()


class ScoreSettingsSchema(Response):
    """The weights (summing to 100), a late completion's credit, and each band's lowest score."""

    delivery_weight = fields.Integer()
    kpi_weight = fields.Integer()
    discipline_weight = fields.Integer()
    late_credit = fields.Integer()
    excellent = fields.Integer()
    good = fields.Integer()
    fair = fields.Integer()
    average = fields.Integer()


class ScorePartsSchema(Response):
    delivery = fields.Float(allow_none=True, metadata={"description": "0–100; null: no judged assignment."})
    kpi = fields.Float(allow_none=True, metadata={"description": "0–100; null: no target in force."})
    discipline = fields.Float(allow_none=True, metadata={"description": "0–100; null: nothing due to report."})


class ClassCountsSchema(Response):
    """Quy chế 42's four classes as of the day."""

    done_on_time = _count()
    done_late = _count()
    not_done_overdue = _count()
    not_done_in_time = _count()


class AttainedSchema(Response):
    number = fields.Integer()
    required = fields.Float(allow_none=True)
    achieved = fields.Float(allow_none=True)
    status = _enum(STATUS_LABELS)


class ReportingSchema(Response):
    figures_due = _count()
    figures_on_time = _count()
    ongoing_due = _count()
    ongoing_reported = _count()


class LeagueLineSchema(Response):
    rank = fields.Integer(allow_none=True, metadata={"description": "By score, from 1; null without a score."})
    unit = fields.String()
    unit_code = fields.String()
    band = _enum(BANDS, allow_none=True)
    score = fields.Float(allow_none=True, metadata={"description": "0–100 to one decimal; null without any part."})
    previous = fields.Float(allow_none=True, metadata={"description": "Last month's frozen score, when known."})
    change = fields.Float(allow_none=True)
    parts = fields.Nested(ScorePartsSchema)
    classes = fields.Nested(ClassCountsSchema)
    kpi_attainment = fields.List(fields.Nested(AttainedSchema))
    reporting = fields.Nested(ReportingSchema)


class LeagueSchema(Response):
    plan_id = _id()
    plan = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    as_of = fields.Date()
    live = fields.Boolean(metadata={"description": "true: worked out now; false: from the month's snapshot."})
    settings = fields.Nested(ScoreSettingsSchema)
    units = fields.List(fields.Nested(LeagueLineSchema))


class SnapshotSummarySchema(Response):
    id = _id()
    plan_id = _id()
    plan = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    as_of = fields.Date()
    taken_at = Instant()
    units = _count()


class SnapshotSchema(Response):
    id = _id()
    plan_id = _id()
    plan = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    as_of = fields.Date()
    taken_at = Instant()
    settings = fields.Nested(ScoreSettingsSchema)
    units = fields.List(fields.Nested(LeagueLineSchema))


SnapshotPageSchema = page_schema(SnapshotSummarySchema, "SnapshotPage")
