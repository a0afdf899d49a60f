"""The API's OpenAPI 3.0 description, written by hand next to the views it describes (tracker.views.api)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from ..models.plans import ITEM_UNIT_KINDS
from ..rules.indicators import KINDS, SCHEME_LABELS
from ..rules.kpi import FIELDS, MAX_COUNT, STATUS_LABELS, TARGET_KINDS
from ..rules.lifecycle import OVERDUE, STATES

ID = {"type": "integer", "format": "int32", "minimum": 1, "maximum": 2_147_483_647}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {**DATE, "nullable": True}
INSTANT = {"type": "string", "format": "date-time", "nullable": True}
TEXT = {"type": "string"}
NULLABLE_INT = {"type": "integer", "nullable": True}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
PER_PAGE_MAX = 200


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], *, required: list[str] | None = None, closed: bool = True) -> dict:
    """An object schema; every property is required unless told otherwise, and no others appear when closed."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def _page(item: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
        }
    )


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


ERRORS = {
    "400": _error("A query parameter or the request body cannot be used (the message names it, in Vietnamese)."),
    "401": _error("No valid session or bearer token (revoked, unknown, or its account disabled)."),
    "403": _error("The signed-in user may not do this."),
    "404": _error("No such record."),
    "405": _error("This path does not take that method."),
}


def _responses(ok: dict, *codes: str, ok_status: str = "200") -> dict:
    responses = {ok_status: ok}
    for code in ("400", "401", "404", "405", *codes):
        responses[code] = ERRORS[code]
    return responses


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


PAGE_PARAMETERS = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1}, "Page number, from 1."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 50},
        f"Rows per page, at most {PER_PAGE_MAX}.",
    ),
]
PLAN_PARAMETER = _query(
    "plan",
    {"type": "string", "minLength": 1},
    "A plan's id or its number as written (e.g. `1872/QĐ-BVHTTDL`); unknown → 400.",
)

MENTION = _object(
    {
        "name": {**TEXT, "description": "The unit's name for a recognised unit, else the name as written."},
        "written": {**TEXT, "description": "The name as the document writes it."},
        "kind": {"type": "string", "enum": list(ITEM_UNIT_KINDS)},
        "units": {"type": "array", "items": _object({"code": TEXT, "name": TEXT})},
    }
)

DEADLINE = _object(
    {
        "text": {**TEXT, "description": "The deadline as written (“Tháng 8/2023”, “Hàng năm”)."},
        "due": {**NULLABLE_DATE, "description": "The date it was read as; null when it names none."},
        "recurrence": {"type": "string", "nullable": True, "description": "“yearly” for a recurring item."},
        "ongoing": {"type": "boolean", "description": "“thường xuyên”: never overdue."},
        "parsed": {"type": "boolean"},
        "set_by_hand": {"type": "boolean", "description": "An admin fixed the due date by hand."},
    }
)

ASSIGNMENT = _object(
    {
        "id": ID,
        "item": {**TEXT, "description": "The item's reference, e.g. I.2 (section I, STT 2)."},
        "item_id": ID,
        "plan": {**TEXT, "description": "The plan's number."},
        "unit": TEXT,
        "unit_code": TEXT,
        "occurrence": {**NULLABLE_INT, "description": "The year, for one occurrence of a yearly item."},
        "status": {"type": "string", "enum": list(STATES)},
        "status_label": TEXT,
        "due": NULLABLE_DATE,
        "days_left": {**NULLABLE_INT, "description": "Negative once overdue; null when done or without a due date."},
        "overdue": {"type": "boolean"},
        "completed_on": NULLABLE_DATE,
        "document_number": TEXT,
        "document_date": NULLABLE_DATE,
        "document_title": TEXT,
        "difficulty": TEXT,
        "proposal": TEXT,
        "last_report_on": NULLABLE_DATE,
        "version": {"type": "integer", "description": "Send it back with a change: an older version gets 409."},
        "updated_at": INSTANT,
    }
)

ITEM_SUMMARY_PROPERTIES = {
    "id": ID,
    "plan": _object({"id": ID, "number": TEXT}),
    "section": _object({"number": TEXT, "title": TEXT}),
    "reference": TEXT,
    "stt": TEXT,
    "task": TEXT,
    "lead": {"type": "array", "items": _ref("Mention")},
    "coordinating": {"type": "array", "items": _ref("Mention")},
    "lead_text": TEXT,
    "coordinating_text": TEXT,
    "expected_output": TEXT,
    "deadline": _ref("Deadline"),
    "status": {
        "type": "string",
        "enum": [*STATES, OVERDUE],
        "nullable": True,
        "description": "The roll-up of the item's assignments; null when none is assigned.",
    },
    "status_label": TEXT,
    "assignment_count": {"type": "integer", "minimum": 0},
}
ITEM_SUMMARY = _object(ITEM_SUMMARY_PROPERTIES)
ITEM = _object({**ITEM_SUMMARY_PROPERTIES, "assignments": {"type": "array", "items": _ref("Assignment")}})

PLAN_PROPERTIES = {
    "id": ID,
    "number": TEXT,
    "title": TEXT,
    "issued_on": NULLABLE_DATE,
    "year": NULLABLE_INT,
    "end_year": NULLABLE_INT,
    "section_count": {"type": "integer", "minimum": 0},
    "item_count": {"type": "integer", "minimum": 0},
    "assignment_count": {"type": "integer", "minimum": 0},
}
PLAN = _object(PLAN_PROPERTIES)
PLAN_DETAIL = _object(
    {
        **PLAN_PROPERTIES,
        "as_of": DATE,
        "assignments_by_status": _object({state: {"type": "integer", "minimum": 0} for state in (*STATES, OVERDUE)}),
        "sections": {
            "type": "array",
            "items": _object({"number": TEXT, "title": TEXT, "items": {"type": "array", "items": _ref("ItemSummary")}}),
        },
    }
)

STANDING = _object(
    {
        "unit": TEXT,
        "unit_code": TEXT,
        "plan": TEXT,
        "kpi_scheme": {"type": "string", "enum": list(SCHEME_LABELS)},
        "group": TEXT,
        "as_of": {
            **NULLABLE_DATE,
            "description": "The date of the figures used; null when the unit has reported none.",
        },
        "indicators": {
            "type": "array",
            "items": _object(
                {
                    "number": {"type": "integer"},
                    "name": TEXT,
                    "kind": {
                        "type": "string",
                        "enum": list(KINDS),
                        "description": "ratio: numerator/denominator; percent: reported directly; count: against a count.",
                    },
                    "unit_of_measure": TEXT,
                    "numerator": NULLABLE_INT,
                    "denominator": NULLABLE_INT,
                    "percent": {**NULLABLE_NUMBER, "description": "Rounded to one decimal; null for a count."},
                    "count": {**NULLABLE_INT, "description": "A count indicator's reported count."},
                    "target": {
                        **_object(
                            {
                                "kind": {"type": "string", "enum": list(TARGET_KINDS)},
                                "low": NULLABLE_NUMBER,
                                "high": NULLABLE_NUMBER,
                                "note": TEXT,
                            }
                        ),
                        "nullable": True,
                    },
                    "required": NULLABLE_NUMBER,
                    "status": {"type": "string", "enum": list(STATUS_LABELS)},
                    "gap_points": {**NULLABLE_NUMBER, "description": "Percentage points short of the target."},
                    "gap_count": {**NULLABLE_NUMBER, "description": "A count indicator: how many short of the target."},
                }
            ),
        },
    }
)
UNIT_KPI = _object({"units": {"type": "array", "items": _ref("Standing")}})

ERROR = _object(
    {
        "error": _object(
            {
                "code": TEXT,
                "message": {
                    **TEXT,
                    "description": "What went wrong, in Vietnamese (or English when the session chose it).",
                },
                "request_id": {"type": "string", "nullable": True, "description": "Quote it to an administrator."},
                "problems": {
                    "type": "object",
                    "additionalProperties": TEXT,
                    "description": '422 invalid_transition: what to fix, per field ("" for the change itself).',
                },
                "conflicts": {
                    "type": "array",
                    "description": "422 inconsistent_figures: the figures in conflict.",
                    "items": _object({"figures": {"type": "array", "items": TEXT}, "message": TEXT}),
                },
            },
            required=["code", "message", "request_id"],
        )
    }
)

STATUS_CHANGE = _object(
    {
        "status": {"type": "string", "enum": list(STATES)},
        "version": {"type": "integer", "description": "The version read; a newer one on the server gets 409."},
        "comment": {"type": "string", "maxLength": 5000, "description": "Needed for a progress report (same status)."},
        "difficulty": {"type": "string", "maxLength": 5000, "description": "Needed to move to blocked."},
        "proposal": {"type": "string", "maxLength": 5000},
        "reason": {"type": "string", "maxLength": 5000, "description": "Needed to reopen a done assignment."},
        "document_number": {"type": "string", "maxLength": 120},
        "document_date": NULLABLE_DATE,
        "document_title": {"type": "string", "maxLength": 1000},
        "completed_on": NULLABLE_DATE,
    },
    required=["status", "version"],
)

FIGURES = {
    **_object(
        {
            "as_of": DATE,
            "plan": {**ID, "description": "A plan with its own indicators; leave out for Decision 1872's counts."},
            **{name: {"type": "integer", "minimum": 0, "maximum": MAX_COUNT} for name in FIELDS},
        },
        required=["as_of"],
        closed=False,
    ),
    "additionalProperties": {
        "oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_COUNT}, {"type": "string", "maxLength": 20}]
    },
    "description": "Without `plan`: the eight counts of Decision 1872. With `plan`: the figures its definition "
    "(GET /api/v1/plans/{plan_id}/indicators) asks for, by key — whole numbers, and a percentage "
    'as a number or text ("72,5").',
}
INDICATORS = _object(
    {
        "plan_id": ID,
        "plan": TEXT,
        "kpi_scheme": {"type": "string", "enum": list(SCHEME_LABELS)},
        "indicators": {
            "type": "array",
            "items": _object(
                {
                    "number": {"type": "integer"},
                    "name": TEXT,
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "numerator_key": TEXT,
                    "denominator_key": {**TEXT, "nullable": True},
                    "numerator_label": TEXT,
                    "denominator_label": {**TEXT, "nullable": True},
                    "unit_of_measure": TEXT,
                }
            ),
        },
        "fields": {
            "type": "array",
            "description": "What a unit reports, by key, in this order.",
            "items": _object({"key": TEXT, "label": TEXT, "kind": {"type": "string", "enum": ["count", "percent"]}}),
        },
    }
)

DESCRIPTION = """Read the plans, their items and every unit's assignments and KPI standing; change an assignment's
status and report a unit's KPI counts, under the same rules as the pages.

Authenticate with a personal token (`Authorization: Bearer <token>`, made on the account page or with
`flask --app wsgi users token`); the token acts with its account's role. A signed-in browser session works too,
and then every POST needs the page's CSRF token in an `X-CSRFToken` header. Messages are in Vietnamese.
Lists come as `{"items", "total", "page", "per_page"}`."""


def openapi_document() -> dict:
    """The description as a fresh dict (callers may change it)."""
    paths = {
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description.",
                "security": [],
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/api/v1/plans": {
            "get": {
                "operationId": "listPlans",
                "summary": "The plans held.",
                "tags": ["plans"],
                "parameters": PAGE_PARAMETERS,
                "responses": _responses(_json(_page("Plan"), "A page of plans.")),
            }
        },
        "/api/v1/plans/{plan_id}": {
            "get": {
                "operationId": "getPlan",
                "summary": "A plan with its sections, item summaries and assignment counts.",
                "tags": ["plans"],
                "parameters": [_path("plan_id", ID, "The plan's id.")],
                "responses": _responses(_json(_ref("PlanDetail"), "The plan.")),
            }
        },
        "/api/v1/plans/{plan_id}/indicators": {
            "get": {
                "operationId": "getPlanIndicators",
                "tags": ["plans", "kpi"],
                "summary": "A plan's indicator definition (Decision 1872's built-in one, or the plan's own).",
                "parameters": [_path("plan_id", ID, "The plan's id.")],
                "responses": _responses(_json(_ref("Indicators"), "The definition.")),
            }
        },
        "/api/v1/items": {
            "get": {
                "operationId": "listItems",
                "summary": "Action items in plan order.",
                "tags": ["items"],
                "parameters": [
                    *PAGE_PARAMETERS,
                    PLAN_PARAMETER,
                    _query(
                        "section",
                        {"type": "string", "minLength": 1},
                        "A section number as printed (e.g. `I`); unknown → 400.",
                    ),
                ],
                "responses": _responses(_json(_page("ItemSummary"), "A page of items.")),
            }
        },
        "/api/v1/items/{item_id}": {
            "get": {
                "operationId": "getItem",
                "summary": "An item in full, with its assignments.",
                "tags": ["items"],
                "parameters": [_path("item_id", ID, "The item's id.")],
                "responses": _responses(_json(_ref("Item"), "The item.")),
            }
        },
        "/api/v1/assignments": {
            "get": {
                "operationId": "listAssignments",
                "summary": "Active assignments, filtered.",
                "tags": ["assignments"],
                "parameters": [
                    *PAGE_PARAMETERS,
                    _query("unit", {"type": "string", "minLength": 1}, "A unit's code (e.g. `VPC`); unknown → 400."),
                    _query("status", {"type": "string", "enum": list(STATES)}, "Only assignments in this state."),
                    PLAN_PARAMETER,
                    _query(
                        "overdue",
                        {"type": "string", "enum": ["1", "0", "true", "false"]},
                        "1: only those overdue as of `as_of` (not done, past due, the item not ongoing); "
                        "0: only those not overdue.",
                    ),
                    _query(
                        "as_of",
                        DATE,
                        "The day the `overdue` filter and each row's `days_left` and `overdue` are judged on; "
                        "default today.",
                    ),
                ],
                "responses": _responses(_json(_page("Assignment"), "A page of assignments.")),
            }
        },
        "/api/v1/assignments/{assignment_id}": {
            "get": {
                "operationId": "getAssignment",
                "summary": "One assignment.",
                "tags": ["assignments"],
                "parameters": [_path("assignment_id", ID, "The assignment's id.")],
                "responses": _responses(_json(_ref("Assignment"), "The assignment.")),
            }
        },
        "/api/v1/assignments/{assignment_id}/status": {
            "post": {
                "operationId": "setAssignmentStatus",
                "tags": ["assignments"],
                "summary": "Change the status (or report progress), as the update form does.",
                "description": "Only the assignment's own unit (unit_head, unit_staff) moves it; the IT Centre and "
                "admins reopen a done one with a reason.",
                "parameters": [_path("assignment_id", ID, "The assignment's id.")],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("StatusChange")}}},
                "responses": {
                    **_responses(_json(_ref("Assignment"), "The assignment as saved."), "403"),
                    "409": _error("Someone changed the assignment since `version`; nothing was saved."),
                    "422": _error("The change breaks a rule; `problems` says what to fix per field."),
                },
            }
        },
        "/api/v1/kpi": {
            "get": {
                "operationId": "listKpi",
                "summary": "Every unit's KPI standing against its group's targets.",
                "tags": ["kpi"],
                "parameters": [
                    *PAGE_PARAMETERS,
                    PLAN_PARAMETER,
                    _query("as_of", DATE, "Use the latest figures on or before this day."),
                ],
                "responses": _responses(_json(_page("Standing"), "A page of standings, one per unit and plan.")),
            }
        },
        "/api/v1/units/{code}/kpi": {
            "get": {
                "operationId": "getUnitKpi",
                "summary": "One unit's KPI standing.",
                "tags": ["kpi"],
                "description": "The unit's own people, and the monitoring roles.",
                "parameters": [_path("code", {"type": "string", "minLength": 1, "maxLength": 40}, "The unit's code.")],
                "responses": _responses(_json(_ref("UnitKpi"), "The unit's standing in each plan."), "403"),
            }
        },
        "/api/v1/units/{code}/figures": {
            "post": {
                "operationId": "reportFigures",
                "summary": "Report a unit's KPI figures as of a day.",
                "tags": ["kpi"],
                "description": "The unit's own people only. A second report for the same day supersedes the first.",
                "parameters": [_path("code", {"type": "string", "minLength": 1, "maxLength": 40}, "The unit's code.")],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Figures")}}},
                "responses": {
                    **_responses(_json(_ref("UnitKpi"), "Saved; the unit's standing."), "403", ok_status="201"),
                    "422": _error("The counts contradict each other (`conflicts`) or the date is in the future."),
                },
            }
        },
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Plan Tracker API", "version": "1", "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token."}
            },
            "schemas": {
                "Error": ERROR,
                "Plan": PLAN,
                "PlanDetail": PLAN_DETAIL,
                "ItemSummary": ITEM_SUMMARY,
                "Item": ITEM,
                "Mention": MENTION,
                "Deadline": DEADLINE,
                "Assignment": ASSIGNMENT,
                "Standing": STANDING,
                "UnitKpi": UNIT_KPI,
                "StatusChange": STATUS_CHANGE,
                "Figures": FIGURES,
                "Indicators": INDICATORS,
            },
        },
        "security": [{"bearerAuth": []}],
    }
    return deepcopy(document)
