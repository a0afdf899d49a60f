"""An empty `plan=` or `unit=` parameter is refused with 400 and a Vietnamese message, as the schema says; other
empty parameters (`page=`, `per_page=`) still count as absent."""

from __future__ import annotations

import pytest

from .test_api import bearer, make_token


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/items?plan=", "plan"),
        ("/api/v1/items?plan=%20%20", "plan"),
        ("/api/v1/assignments?plan=", "plan"),
        ("/api/v1/assignments?unit=", "unit"),
        ("/api/v1/assignments?unit=%20", "unit"),
        ("/api/v1/kpi?plan=", "plan"),
    ],
)
def test_an_empty_plan_or_unit_parameter_is_refused_in_vietnamese(seeded, runner, path, name):
    token = make_token(runner, "monitor")
    response = seeded.test_client().get(path, headers=bearer(token))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"] == f"Tham số “{name}” không được để trống."
    assert error["code"] == "invalid_query"


def test_empty_page_parameters_still_count_as_absent(seeded, runner):
    token = make_token(runner, "monitor")
    body = seeded.test_client().get("/api/v1/assignments?page=&per_page=", headers=bearer(token)).get_json()
    assert (body["page"], body["per_page"]) == (1, 50)
