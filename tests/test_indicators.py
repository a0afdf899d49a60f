"""A plan with its own indicators (a ratio of two counts, a percentage reported directly, a count): the unit page
asks for its labels, records the figures, and judges them against the unit's own target or its group's, with
milestones in force at the figures' date; the API exposes the definition and takes its figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Indicator, KpiReport, Plan, Target, TargetMilestone, Unit, UnitGroup, UnitGroupMember

from .conftest import csrf_token

PLAN_NUMBER = "2139/QĐ-UBND"
LABELS = (
    "Số hồ sơ nộp trực tuyến",
    "Tổng số hồ sơ tiếp nhận",
    "Tỷ lệ hồ sơ thanh toán trực tuyến",
    "Số cuộc họp trực tuyến đã tổ chức",
)


@pytest.fixture
def today():
    return "2022-11-15"


def make_plan(app) -> int:
    """Seed 002's shape: a provincial group with a rising online-dossier target (50% by 30/9/2022, then +15
    points a month to 80%), an online-payment rate reported as a percentage (group 30%, Cục Đường sắt's own
    target 60%), and a count of online meetings (at least 10)."""
    with app.app_context():
        plan = Plan(
            number=PLAN_NUMBER,
            title="Kế hoạch chuyển đổi số",
            issuer="UBND tỉnh Bà Rịa – Vũng Tàu",
            year=2022,
            kpi_scheme="plan",
        )
        db.session.add(plan)
        db.session.flush()
        ratio = Indicator(
            plan_id=plan.id,
            number=1,
            name="Tỷ lệ hồ sơ trực tuyến",
            kind="ratio",
            numerator_key="online",
            denominator_key="received",
            numerator_label=LABELS[0],
            denominator_label=LABELS[1],
            unit_of_measure="%",
        )
        payment = Indicator(
            plan_id=plan.id,
            number=2,
            name="Tỷ lệ thanh toán trực tuyến",
            kind="percent",
            numerator_key="payment_rate",
            numerator_label=LABELS[2],
            unit_of_measure="%",
        )
        meetings = Indicator(
            plan_id=plan.id,
            number=3,
            name="Số cuộc họp trực tuyến",
            kind="count",
            numerator_key="meetings",
            numerator_label=LABELS[3],
            unit_of_measure="cuộc",
        )
        db.session.add_all([ratio, payment, meetings])
        group = UnitGroup(plan_id=plan.id, number=1, name="Cơ quan hành chính cấp tỉnh")
        db.session.add(group)
        db.session.flush()
        for position, code in enumerate(("CDA", "CBQTG")):
            unit = db.session.scalar(select(Unit).where(Unit.code == code))
            db.session.add(UnitGroupMember(group_id=group.id, position=position, written=unit.name, unit_id=unit.id))
        rising = Target(group_id=group.id, indicator_id=ratio.id, kind="value", value_min=Decimal(50))
        rising.milestones = [
            TargetMilestone(due_on=date(2022, 9, 30), value=Decimal(50)),
            TargetMilestone(due_on=date(2022, 10, 31), value=Decimal(65)),
            TargetMilestone(due_on=date(2022, 11, 30), value=Decimal(80)),
        ]
        cda = db.session.scalar(select(Unit).where(Unit.code == "CDA"))
        db.session.add_all(
            [
                rising,
                Target(group_id=group.id, indicator_id=payment.id, kind="value", value_min=Decimal(30)),
                Target(unit_id=cda.id, indicator_id=payment.id, kind="value", value_min=Decimal(60)),
                Target(group_id=group.id, indicator_id=meetings.id, kind="value", value_min=Decimal(10)),
            ]
        )
        db.session.commit()
        return plan.id


def _form_fields(page: str, plan_id: int) -> dict[str, str]:
    """The plan's form on the unit page: label text → input name."""
    form = page[page.index(f'id="bao-cao-so-lieu-{plan_id}"') :]
    form = form[: form.index("</form>")]
    labels = dict(re.findall(r'<label for="([^"]+)">([^<]+)</label>', form))
    return {text: name for name, text in labels.items()}


def _post(client, plan_id: int, values: dict[str, str], as_of: str = "2022-10-31"):
    page = client.get("/units/CDA").get_data(as_text=True)
    fields = _form_fields(page, plan_id)
    data = {"csrf_token": csrf_token(client, "/units/CDA"), "plan": str(plan_id), f"p{plan_id}-as_of": as_of}
    data.update({fields[label]: value for label, value in values.items()})
    return client.post("/units/CDA/figures", data=data)


def _panel(page: str, plan_id: int) -> str:
    panel = page[page.index(f'id="kpi-{plan_id}"') :]
    return panel[: panel.index("<h3") if "<h3" in panel else len(panel)]


def test_a_plans_own_indicators_are_asked_recorded_and_judged_against_unit_group_targets_and_milestones(
    seeded, login_as, client
):
    plan_id = make_plan(seeded)
    login_as("head_cda")
    page = client.get("/units/CDA").get_data(as_text=True)
    assert set(_form_fields(page, plan_id)) == {"Số liệu tính đến ngày", *LABELS}
    assert 'id="bao-cao-so-lieu"' in page  # Decision 1872's form stays for the unit's 1872 plan

    response = _post(client, plan_id, {LABELS[0]: "60", LABELS[1]: "100", LABELS[2]: "45,5", LABELS[3]: "12"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        report = db.session.scalar(select(KpiReport).where(KpiReport.plan_id == plan_id))
        assert report.figures == {"online": 60, "received": 100, "payment_rate": "45.5", "meetings": 12}
        assert report.as_of == date(2022, 10, 31)

    panel = _panel(client.get("/units/CDA").get_data(as_text=True), plan_id)
    assert "Số liệu tính đến ngày 31/10/2022" in panel
    rows = panel.split("<tr>")[2:]
    # (1) 60% against the milestone in force on 31/10/2022: 65%.
    assert '<strong>60%</strong> <span class="muted">(60/100)</span>' in rows[0]
    assert "đang áp dụng 65%" in rows[0] and "Chưa đạt — thiếu 5 điểm %" in rows[0]
    # (2) 45,5% reported directly, against the unit's own 60% (not the group's 30%).
    assert "<strong>45,5%</strong>" in rows[1] and "<strong>60%</strong>" in rows[1]
    assert "Chỉ tiêu riêng của đơn vị" in rows[1] and "thiếu 14,5 điểm %" in rows[1]
    # (3) 12 meetings against at least 10.
    assert "<strong>12</strong> cuộc" in rows[2] and "<strong>10 cuộc</strong>" in rows[2] and ">Đạt<" in rows[2]


def test_the_group_target_applies_to_a_unit_without_its_own(seeded):
    from tracker.figures import kpi_by_unit, record_figures

    plan_id = make_plan(seeded)
    with seeded.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "CBQTG"))
        plan = db.session.get(Plan, plan_id)
        record_figures(
            unit,
            {"online": "40", "received": "50", "payment_rate": "31", "meetings": "9"},
            plan=plan,
            as_of=date(2022, 9, 30),
            today=date(2022, 11, 15),
            now=datetime(2022, 11, 15, 9, tzinfo=UTC),
            reporter=None,
            source="cli",
        )
        db.session.commit()
        [standing] = kpi_by_unit(unit_ids=[unit.id], plan_id=plan_id)
        one, two, three = standing.results
        assert (one.attainment.status, one.attainment.required) == ("met", Decimal(50))  # 80% ≥ 50% on 30/9
        assert (two.attainment.status, two.attainment.required) == ("met", Decimal(30))
        assert (three.attainment.status, three.attainment.gap_points) == ("not_met", 1)


@pytest.mark.parametrize(
    "values, words",
    [
        (
            {LABELS[0]: "120", LABELS[1]: "100", LABELS[2]: "45", LABELS[3]: "1"},
            "Số hồ sơ nộp trực tuyến (120) không được lớn hơn Tổng số hồ sơ tiếp nhận (100).",
        ),
        (
            {LABELS[0]: "1", LABELS[1]: "2", LABELS[2]: "120", LABELS[3]: "1"},
            "Tỷ lệ hồ sơ thanh toán trực tuyến phải là tỷ lệ phần trăm từ 0 đến 100",
        ),
        (
            {LABELS[0]: "1", LABELS[1]: "2", LABELS[2]: "45", LABELS[3]: "-3"},
            "Số cuộc họp trực tuyến đã tổ chức phải là số nguyên không âm",
        ),
        (
            {LABELS[0]: "1,5", LABELS[1]: "2", LABELS[2]: "45", LABELS[3]: "3"},
            "Số hồ sơ nộp trực tuyến phải là số nguyên không âm",
        ),
        ({LABELS[0]: "1", LABELS[1]: "", LABELS[2]: "45", LABELS[3]: "3"}, "Thiếu Tổng số hồ sơ tiếp nhận."),
    ],
)
def test_refused_figures_name_the_plans_own_labels_save_nothing_and_keep_what_was_typed(
    seeded, login_as, client, values, words
):
    plan_id = make_plan(seeded)
    login_as("head_cda")
    response = _post(client, plan_id, values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert words in page
    assert "Chưa lưu" in page
    typed = values[LABELS[2]]
    assert f'value="{typed}"' in page
    with seeded.app_context():
        assert db.session.scalar(select(KpiReport).where(KpiReport.plan_id == plan_id)) is None


def test_a_zero_denominator_is_no_data_not_zero_percent(seeded, login_as, client):
    plan_id = make_plan(seeded)
    login_as("head_cda")
    assert _post(client, plan_id, {LABELS[0]: "0", LABELS[1]: "0", LABELS[2]: "0", LABELS[3]: "0"}).status_code == 302
    rows = _panel(client.get("/units/CDA").get_data(as_text=True), plan_id).split("<tr>")[2:]
    assert "chưa có số liệu" in rows[0] and "Chưa có số liệu" in rows[0]
    assert "<strong>0%</strong>" in rows[1]  # a reported 0% is a figure


def test_no_form_is_offered_for_a_plan_without_indicators(seeded, login_as, client):
    plan_id = make_plan(seeded)
    with seeded.app_context():
        for indicator in db.session.scalars(select(Indicator).where(Indicator.plan_id == plan_id)):
            db.session.delete(indicator)
        db.session.commit()
    login_as("head_cda")
    page = client.get("/units/CDA").get_data(as_text=True)
    assert f'id="bao-cao-so-lieu-{plan_id}"' not in page
    token = csrf_token(client, "/units/CDA")
    assert client.post("/units/CDA/figures", data={"csrf_token": token, "plan": str(plan_id)}).status_code == 404


def test_a_correction_for_the_same_day_supersedes_only_that_plans_report(seeded, login_as, client):
    plan_id = make_plan(seeded)
    login_as("head_cda")
    for online in ("10", "20"):
        _post(client, plan_id, {LABELS[0]: online, LABELS[1]: "100", LABELS[2]: "50", LABELS[3]: "3"})
    with seeded.app_context():
        current = list(db.session.scalars(select(KpiReport).where(KpiReport.plan_id == plan_id, KpiReport.is_current)))
        assert [r.figures["online"] for r in current] == [20]
        assert db.session.scalar(select(KpiReport).where(KpiReport.plan_id.is_(None))) is None


# --- the API --------------------------------------------------------------------------------


def test_the_api_exposes_a_plans_definition_and_the_1872_one(seeded, runner, client):
    from .test_api import bearer, make_token

    plan_id = make_plan(seeded)
    token = make_token(runner, "viewer")
    body = client.get(f"/api/v1/plans/{plan_id}/indicators", headers=bearer(token)).get_json()
    assert body["kpi_scheme"] == "plan"
    assert [(i["number"], i["kind"], i["unit_of_measure"]) for i in body["indicators"]] == [
        (1, "ratio", "%"),
        (2, "percent", "%"),
        (3, "count", "cuộc"),
    ]
    assert [(f["key"], f["label"], f["kind"]) for f in body["fields"]] == [
        ("online", LABELS[0], "count"),
        ("received", LABELS[1], "count"),
        ("payment_rate", LABELS[2], "percent"),
        ("meetings", LABELS[3], "count"),
    ]
    with seeded.app_context():
        seed_id = db.session.scalar(select(Plan.id).where(Plan.number != PLAN_NUMBER))
    seed = client.get(f"/api/v1/plans/{seed_id}/indicators", headers=bearer(token)).get_json()
    assert seed["kpi_scheme"] == "dvctt_1872"
    assert [f["key"] for f in seed["fields"]][:2] == ["procedures_total", "full_online_eligible"]
    assert seed["indicators"][2]["numerator_key"] == "dossiers_online"


def test_the_api_takes_a_plans_own_figures_and_refuses_bad_ones_by_label(seeded, runner, client):
    from .test_api import bearer, make_token

    plan_id = make_plan(seeded)
    token = make_token(runner, "head_cda")
    bad = client.post(
        "/api/v1/units/CDA/figures",
        headers=bearer(token),
        json={"as_of": "2022-10-31", "plan": plan_id, "online": 5, "received": 4, "payment_rate": "50", "meetings": 1},
    )
    assert bad.status_code == 422
    assert bad.get_json()["error"]["conflicts"][0]["figures"] == ["online", "received"]
    assert LABELS[0] in bad.get_json()["error"]["message"]
    ok = client.post(
        "/api/v1/units/CDA/figures",
        headers=bearer(token),
        json={
            "as_of": "2022-10-31",
            "plan": plan_id,
            "online": 70,
            "received": 100,
            "payment_rate": "72,5",
            "meetings": 9,
        },
    )
    assert ok.status_code == 201, ok.get_json()
    [standing] = [s for s in ok.get_json()["units"] if s["plan"] == PLAN_NUMBER]
    one, two, three = standing["indicators"]
    assert (one["percent"], one["required"], one["status"]) == (70.0, 65.0, "met")
    assert (two["kind"], two["percent"], two["required"], two["status"], two["gap_points"]) == (
        "percent",
        72.5,
        60.0,
        "met",
        0.0,
    )
    assert (three["kind"], three["count"], three["status"], three["gap_count"]) == ("count", 9, "not_met", 1.0)
    assert (
        client.post(
            "/api/v1/units/CDA/figures", headers=bearer(token), json={"as_of": "2022-10-31", "plan": 999999}
        ).status_code
        == 404
    )


# --- files, overview and export -------------------------------------------------------------


def _own_template(client, plan_id: int, rows: dict[str, dict[str, object]]) -> bytes:
    import io

    from openpyxl import load_workbook

    response = client.get(f"/kpi/template.xlsx?plan={plan_id}")
    assert response.status_code == 200
    sheet_book = load_workbook(io.BytesIO(response.data))
    sheet = sheet_book.active
    header = [c.value for c in sheet[1]]
    assert header == ["unit", "as_of", "online", "received", "payment_rate", "meetings"]
    assert [c.value for c in sheet[2]][2:] == [LABELS[0], LABELS[1], f"{LABELS[2]} (%)", LABELS[3]]
    assert {r[0].value for r in sheet.iter_rows(min_row=3)} == {"CDA", "CBQTG"}  # the plan's group only
    for code, values in rows.items():
        row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == code)
        for key, value in values.items():
            row[header.index(key)].value = value
    out = io.BytesIO()
    sheet_book.save(out)
    return out.getvalue()


def _import(client, plan_id: int, data: bytes):
    import io

    return client.post(
        "/kpi/import",
        data={
            "file": (io.BytesIO(data), "so-lieu.xlsx"),
            "plan": str(plan_id),
            "csrf_token": csrf_token(client, "/kpi/import"),
        },
        content_type="multipart/form-data",
    )


def test_a_plans_own_template_imports_and_a_bad_cell_is_named_by_row_and_column(seeded, login_as, client):
    plan_id = make_plan(seeded)
    login_as("monitor")
    good = {"as_of": "31/10/2022", "online": 70, "received": 100, "payment_rate": "72,5", "meetings": 11}
    bad = _own_template(client, plan_id, {"CDA": good, "CBQTG": {**good, "payment_rate": "140"}})
    page = _import(client, plan_id, bad).get_data(as_text=True)
    assert "hàng 4, cột E" in page or "hàng 3, cột E" in page
    assert "Tỷ lệ hồ sơ thanh toán trực tuyến phải là tỷ lệ phần trăm từ 0 đến 100" in page
    with seeded.app_context():
        assert db.session.scalar(select(KpiReport).where(KpiReport.plan_id == plan_id)) is None
    response = _import(client, plan_id, _own_template(client, plan_id, {"CDA": good, "CBQTG": good}))
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        figures = [r.figures for r in db.session.scalars(select(KpiReport).where(KpiReport.plan_id == plan_id))]
    assert figures == [{"online": 70, "received": 100, "payment_rate": "72.5", "meetings": 11}] * 2

    overview = client.get(f"/kpi?plan={plan_id}").get_data(as_text=True)
    assert "<strong>11</strong> cuộc" in overview and "<strong>72,5%</strong>" in overview

    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/kpi/export.xlsx?plan={plan_id}").data))
    sheet = book.worksheets[-1]
    header = [c.value for c in sheet[1]]
    assert header[4:8] == list(LABELS)
    first = [c.value for c in sheet[2]]
    assert first[4:8] == [70, 100, 72.5, 11]
    assert first[header.index("Số liệu (3)")] == 11 and first[header.index("Chỉ tiêu (3)")] == 10


def test_the_command_line_reports_and_shows_a_plans_own_figures(seeded, runner, tmp_path):
    import json

    plan_id = make_plan(seeded)
    path = tmp_path / "figures.json"
    path.write_text(json.dumps({"online": 60, "received": 100, "payment_rate": "45,5", "meetings": 8}), "utf-8")
    result = runner.invoke(
        args=["kpi", "report", "CDA", "--as-of", "2022-10-31", "--counts", str(path), "--plan", PLAN_NUMBER]
    )
    assert result.exit_code == 0, result.output
    assert "(1) 60%, (2) 45,5%, (3) 8 cuộc" in result.stdout
    shown = runner.invoke(args=["kpi", "show", "CDA"]).stdout
    assert "(3) 8 cuộc — Chưa đạt, thiếu 2 cuộc" in shown
    assert "(1) 60% — Chưa đạt, thiếu 5 điểm %" in shown
    path.write_text(json.dumps({"online": 160, "received": 100, "payment_rate": "45", "meetings": 8}), "utf-8")
    refused = runner.invoke(
        args=["kpi", "report", "CDA", "--as-of", "2022-10-31", "--counts", str(path), "--plan", str(plan_id)]
    )
    assert refused.exit_code != 0
    assert "Số hồ sơ nộp trực tuyến (160) không được lớn hơn Tổng số hồ sơ tiếp nhận (100)" in refused.output


def test_the_six_monthly_report_judges_a_plans_own_indicators_in_their_units(seeded, login_as, client):
    from tracker.reports import build_report

    plan_id = make_plan(seeded)
    login_as("head_cda")
    _post(client, plan_id, {LABELS[0]: "60", LABELS[1]: "100", LABELS[2]: "45,5", LABELS[3]: "8"})
    with seeded.app_context():
        report = build_report(
            db.session.get(Plan, plan_id), date(2022, 7, 1), date(2022, 12, 31), today=date(2022, 11, 15)
        )
        assert report.kpi_scheme == "plan"
        assert [i.kind for i in report.indicators] == ["ratio", "ratio", "count"]
        [cda] = [row for row in report.kpi if row.unit == "Cục Điện ảnh"]
        one, two, three = (cell.summary for cell in cda.cells)
        # Each judged against the target in force at the figures' date (31/10/2022: the 65% milestone).
        assert one == "60% (chỉ tiêu 65%) — Chưa đạt, thiếu 5 điểm %"
        assert two == "45,5% (chỉ tiêu 60%) — Chưa đạt, thiếu 14,5 điểm %"  # the unit's own target
        assert three == "8 cuộc (chỉ tiêu 10 cuộc) — Chưa đạt, thiếu 2 cuộc"


def test_the_plan_page_shows_a_count_target_and_figures_in_their_unit(seeded, login_as, client):
    plan_id = make_plan(seeded)
    login_as("head_cda")
    _post(client, plan_id, {LABELS[0]: "60", LABELS[1]: "100", LABELS[2]: "45,5", LABELS[3]: "12"})
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "<strong>10 cuộc</strong>" in page
    assert "<strong>12</strong> cuộc" in page and "<strong>45,5%</strong>" in page


def test_the_overview_of_a_plan_with_its_own_indicators_is_named_for_it(seeded, login_as, client):
    plan_id = make_plan(seeded)
    login_as("monitor")
    page = client.get(f"/kpi?plan={plan_id}").get_data(as_text=True)
    assert f"<h1>Chỉ tiêu kế hoạch {PLAN_NUMBER}</h1>" in page
    assert "<strong>10 cuộc</strong>" in page  # the count target in the column head
