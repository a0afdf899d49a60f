"""KPI figures: reported counts, the plan's three ratios, attainment against the group's targets —
through the form, the API, the command line and a file; inconsistent figures are refused everywhere."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import KpiReport

from .conftest import csrf_token

EXAMPLE = {  # Appendix 1's notes, examples 1-3: Cục Bản quyền tác giả as of 15/5/2023
    "procedures_total": 12,
    "full_online_eligible": 6,
    "full_online_provided": 6,
    "partial_online_accepting": 6,
    "procedures_with_dossiers": 10,
    "procedures_with_online_dossiers": 8,
    "dossiers_total": 1458,
    "dossiers_online": 134,
}
FINANCE = {  # Vụ Kế hoạch, Tài chính: 20 of 100 dossiers online
    "procedures_total": 4,
    "full_online_eligible": 0,
    "full_online_provided": 0,
    "partial_online_accepting": 4,
    "procedures_with_dossiers": 4,
    "procedures_with_online_dossiers": 3,
    "dossiers_total": 100,
    "dossiers_online": 20,
}
BROKEN = {**EXAMPLE, "dossiers_online": 1500}  # more online dossiers than dossiers


@pytest.fixture
def today():
    return "2023-09-15"


def cli_report(runner, tmp_path, unit, counts, as_of="2023-05-15"):
    path = tmp_path / "counts.json"
    path.write_text(json.dumps(counts), encoding="utf-8")
    return runner.invoke(args=["kpi", "report", unit, "--as-of", as_of, "--counts", str(path)])


def kpi_json(runner, *args):
    result = runner.invoke(args=["kpi", "show", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["units"]


def reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(KpiReport.id)))


def test_the_plans_example_for_the_copyright_office_via_the_command_line(seeded, runner, tmp_path):
    result = cli_report(runner, tmp_path, "CBQTG", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "(1) 100%, (2) 80%, (3) 9,2%" in result.stdout
    [unit] = kpi_json(runner, "Cục Bản quyền tác giả")
    assert (unit["unit"], unit["group"], unit["as_of"]) == ("Cục Bản quyền tác giả", "Nhóm 3", "2023-05-15")
    one, two, three = unit["indicators"]
    assert (one["numerator"], one["denominator"], one["percent"], one["status"], one["gap_points"]) == (
        6,
        6,
        100.0,
        "met",
        0.0,
    )
    assert (two["percent"], two["target"]["low"], two["status"]) == (80.0, 50.0, "met")
    assert (three["numerator"], three["denominator"], three["percent"]) == (134, 1458, 9.2)
    assert (three["target"], three["status"], three["gap_points"]) == (
        {"kind": "value", "low": 30.0, "high": None, "note": ""},
        "not_met",
        20.8,
    )


def test_the_example_on_the_copyright_offices_unit_page(seeded, runner, tmp_path, login_as, client):
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE)
    login_as("head_cbqtg")
    page = client.get("/units/CBQTG").get_data(as_text=True)
    panel = page[page.index('id="chi-tieu"') :]
    assert "Số liệu tính đến ngày 15/05/2023" in panel
    assert '<strong>100%</strong> <span class="muted">(6/6)</span>' in panel
    assert "<strong>80%</strong>" in panel and "<strong>50%</strong>" in panel
    assert '<strong>9,2%</strong> <span class="muted">(134/1458)</span>' in panel
    assert "Chưa đạt — thiếu 20,8 điểm %" in panel
    assert panel.count(">Đạt<") == 2
    assert '<svg class="trend"' in panel and "15/05/2023: 9,2%" in panel  # chart with its text alternative


def test_the_finance_department_is_not_applicable_on_1_and_meets_the_band_on_3(seeded, runner, tmp_path):
    assert cli_report(runner, tmp_path, "VKHTC", FINANCE).exit_code == 0
    [unit] = kpi_json(runner, "VKHTC")
    one, _two, three = unit["indicators"]
    assert one["status"] == "not_applicable"
    assert one["target"]["note"].startswith("Thực hiện thông qua Cơ chế một cửa Quốc gia")
    assert (three["percent"], three["target"]["kind"], three["target"]["low"], three["target"]["high"]) == (
        20.0,
        "range",
        20.0,
        30.0,
    )
    assert three["status"] == "met"


def test_units_without_figures_show_no_data(seeded, runner):
    units = kpi_json(runner)
    assert len(units) == 11
    assert all(
        i["status"] in ("no_data", "not_applicable") and i["percent"] is None for u in units for i in u["indicators"]
    )


def test_as_of_selects_the_latest_report_on_or_before_that_date(seeded, runner, tmp_path):
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE, "2023-05-15")
    cli_report(runner, tmp_path, "CBQTG", {**EXAMPLE, "dossiers_total": 2000, "dossiers_online": 700}, "2023-08-31")
    assert kpi_json(runner, "CBQTG")[0]["indicators"][2]["percent"] == 35.0
    assert kpi_json(runner, "CBQTG", "--as-of", "2023-06-30")[0]["indicators"][2]["percent"] == 9.2


def test_inconsistent_counts_are_refused_by_the_command_line(seeded, runner, tmp_path):
    result = cli_report(runner, tmp_path, "CBQTG", BROKEN)
    assert result.exit_code == 1
    assert "Số hồ sơ phát sinh trực tuyến (1500)" in result.stderr
    assert "Tổng số hồ sơ TTHC phát sinh (1458)" in result.stderr
    assert reports(seeded) == 0


def figures_form(client, code, counts, as_of="2023-09-01"):
    data = {
        "as_of": as_of,
        "csrf_token": csrf_token(client, f"/units/{code}"),
        **{k: str(v) for k, v in counts.items()},
    }
    return client.post(f"/units/{code}/figures", data=data)


def test_the_unit_page_form_records_figures(seeded, login_as, client):
    login_as("head_cbqtg")
    response = figures_form(client, "CBQTG", EXAMPLE)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ghi nhận số liệu của Cục Bản quyền tác giả tính đến ngày 01/09/2023." in page
    with seeded.app_context():
        report = db.session.scalar(select(KpiReport))
        assert (report.source, report.reported_by.email, report.figures["dossiers_online"]) == (
            "form",
            "head_cbqtg@example.org",
            134,
        )


def test_inconsistent_counts_are_refused_by_the_form_naming_both_figures(seeded, login_as, client):
    login_as("head_cbqtg")
    response = figures_form(client, "CBQTG", BROKEN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Số hồ sơ phát sinh trực tuyến (1500)" in page and "Tổng số hồ sơ TTHC phát sinh (1458)" in page
    assert 'value="1500"' in page  # what was typed is kept for correcting
    assert reports(seeded) == 0


def test_a_negative_or_missing_count_and_a_future_date_are_refused(seeded, login_as, client):
    login_as("head_cbqtg")
    response = figures_form(client, "CBQTG", {**EXAMPLE, "dossiers_total": -3})
    assert response.status_code == 422 and "-3" in response.get_data(as_text=True)
    response = figures_form(client, "CBQTG", {k: v for k, v in EXAMPLE.items() if k != "dossiers_total"})
    assert response.status_code == 422
    response = figures_form(client, "CBQTG", EXAMPLE, as_of="2023-09-16")
    assert response.status_code == 422 and "không được sau hôm nay" in response.get_data(as_text=True)
    response = figures_form(client, "CBQTG", EXAMPLE, as_of="1999-12-31")
    assert response.status_code == 422 and "không được trước 01/01/2000" in response.get_data(as_text=True)
    assert reports(seeded) == 0


def test_a_correction_for_the_same_date_supersedes_and_keeps_the_earlier_report(seeded, login_as, client, runner):
    login_as("head_cbqtg")
    figures_form(client, "CBQTG", EXAMPLE, as_of="2023-05-15")
    figures_form(client, "CBQTG", {**EXAMPLE, "dossiers_online": 150}, as_of="2023-05-15")
    with seeded.app_context():
        rows = list(db.session.scalars(select(KpiReport).order_by(KpiReport.id)))
        assert [(r.figures["dossiers_online"], r.is_current) for r in rows] == [(134, False), (150, True)]
    assert kpi_json(runner, "CBQTG")[0]["indicators"][2]["numerator"] == 150


def test_another_units_head_cannot_report_for_it(seeded, login_as, client):
    login_as("head_vpc")
    token = csrf_token(client, "/units/VPC")
    response = client.post("/units/CBQTG/figures", data={"as_of": "2023-09-01", "csrf_token": token, **EXAMPLE})
    assert response.status_code == 403
    response = client.post(
        "/api/v1/units/CBQTG/figures", json={"as_of": "2023-09-01", **EXAMPLE}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 403
    assert reports(seeded) == 0


def test_the_api_reports_and_reads_figures_with_the_same_checks(seeded, login_as, client):
    login_as("head_cbqtg")
    headers = {"X-CSRFToken": csrf_token(client, "/units/CBQTG")}
    refused = client.post("/api/v1/units/CBQTG/figures", json={"as_of": "2023-05-15", **BROKEN}, headers=headers)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "inconsistent_figures"
    assert ["dossiers_online", "dossiers_total"] in [sorted(c["figures"]) for c in error["conflicts"]]
    assert reports(seeded) == 0
    created = client.post("/api/v1/units/CBQTG/figures", json={"as_of": "2023-05-15", **EXAMPLE}, headers=headers)
    assert created.status_code == 201
    assert [i["percent"] for i in created.get_json()["units"][0]["indicators"]] == [100.0, 80.0, 9.2]
    read = client.get("/api/v1/units/CBQTG/kpi").get_json()
    assert read["units"][0]["indicators"][2]["status"] == "not_met"


def test_the_overview_lists_units_that_have_not_reported_for_the_last_period(
    seeded, runner, tmp_path, login_as, client
):
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE, "2023-09-02")  # covers August (due 05/09)
    cli_report(runner, tmp_path, "CDA", {**EXAMPLE}, "2023-07-31")  # only July
    login_as("monitor")
    page = client.get("/kpi").get_data(as_text=True)
    missing = page[page.index('id="chua-bao-cao"') : page.index('id="nhom-')]
    assert "10 đơn vị chưa báo cáo số liệu tháng 8/2023 (hạn 05/09/2023)" in missing
    assert "Cục Điện ảnh</a> — lần gần nhất: 31/07/2023" in missing
    assert "Cục Bản quyền tác giả" not in missing
    assert "Nhóm 4" in page


def test_the_plan_page_shows_each_units_latest_actuals_beside_its_targets(seeded, runner, tmp_path, login_as, client):
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE)
    login_as("viewer")
    page = client.get("/plans", follow_redirects=True).get_data(as_text=True)
    appendix1 = page[page.index('id="phu-luc-1"') :]
    row = appendix1[appendix1.index("Cục Bản quyền tác giả</a>") :][:1500]
    assert "tính đến 15/05/2023" in row and "9,2%" in row and "Chưa đạt" in row


def test_the_export_is_a_workbook_of_figures_and_attainment(seeded, runner, tmp_path, login_as, client):
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE)
    login_as("monitor")
    response = client.get("/kpi/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    example = rows["Cục Bản quyền tác giả"]
    assert example[4:12] == tuple(EXAMPLE.values())
    assert example[12] == pytest.approx(1.0) and example[20] == pytest.approx(0.092)
    assert example[22] == "Chưa đạt" and example[23] == pytest.approx(20.8)


def _filled_template(client, rows):
    response = client.get("/kpi/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for code, as_of, counts in rows:
        row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == code)
        row[header.index("as_of")].value = as_of
        for name, value in counts.items():
            row[header.index(name)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_filled_template_imports_figures_for_many_units(seeded, login_as, client):
    login_as("monitor")
    data = _filled_template(client, [("CBQTG", "2023-05-15", EXAMPLE), ("VKHTC", "15/05/2023", FINANCE)])
    response = client.post(
        "/kpi/import",
        data={"file": (io.BytesIO(data), "so-lieu.xlsx"), "csrf_token": csrf_token(client, "/kpi/import")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Đã nhập số liệu của 2 đơn vị." in client.get("/kpi").get_data(as_text=True)
    assert reports(seeded) == 2


def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(seeded, login_as, client):
    login_as("monitor")
    data = _filled_template(
        client, [("CBQTG", "2023-05-15", EXAMPLE), ("VKHTC", "2023-05-15", {**FINANCE, "dossiers_online": 120})]
    )
    response = client.post(
        "/kpi/import",
        data={"file": (io.BytesIO(data), "so-lieu.xlsx"), "csrf_token": csrf_token(client, "/kpi/import")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "hàng " in page and "cột " in page
    assert "Số hồ sơ phát sinh trực tuyến (120)" in page and "Tổng số hồ sơ TTHC phát sinh (100)" in page
    assert "Không có số liệu nào được lưu" in page
    assert reports(seeded) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        ("unit,as_of\nCBQTG,2023-05-15\n", "thiếu cột"),
        (
            "unit,as_of,"
            + ",".join(EXAMPLE)
            + "\nCục Không Có,2023-05-15,"
            + ",".join(map(str, EXAMPLE.values()))
            + "\n",
            "không có đơn vị",
        ),
        (
            "unit,as_of," + ",".join(EXAMPLE) + "\nCBQTG,15-5-2023," + ",".join(map(str, EXAMPLE.values())) + "\n",
            "không đúng dạng",
        ),
        ("unit,as_of," + ",".join(EXAMPLE) + "\nCBQTG,2023-05-15,12,6,6,6,10,8,abc,134\n", "abc"),
    ],
)
def test_a_bad_csv_is_refused_with_the_place_named(seeded, login_as, client, content, message):
    login_as("monitor")
    response = client.post(
        "/kpi/import",
        data={"file": (io.BytesIO(content.encode()), "so-lieu.csv"), "csrf_token": csrf_token(client, "/kpi/import")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reports(seeded) == 0


def test_user_text_in_the_export_is_never_a_formula(seeded, runner, tmp_path, login_as, client):
    """A unit name, plan number or group name typed as a formula is shown as typed, as text, never run."""
    from tracker.models import Plan, Unit, UnitGroup

    with seeded.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "CBQTG"))
        unit.name = '=HYPERLINK("http://evil.example")'
        for group in db.session.scalars(select(UnitGroup)):
            group.name = "=1+1"
        db.session.scalar(select(Plan)).number = "+cmd|' /C calc'!A0"
        db.session.commit()
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE)
    login_as("monitor")
    sheet = load_workbook(io.BytesIO(client.get("/kpi/export.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert '=HYPERLINK("http://evil.example")' in [row[2].value for row in rows]
    assert {row[1].value for row in rows} == {"=1+1"}
    assert {row[0].value for row in rows} == {"+cmd|' /C calc'!A0"}
    texts = [cell for row in rows for cell in row if isinstance(cell.value, str)]
    assert texts and all(cell.data_type == "s" for cell in texts)  # text, not "f" (a formula)


def test_a_csv_template_is_offered_too(seeded, login_as, client):
    login_as("head_cbqtg")
    response = client.get("/kpi/template.csv")
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "unit,as_of," + ",".join(EXAMPLE)
    assert text.splitlines()[1].startswith("CBQTG,")  # a unit's own row only


def test_a_rising_target_is_judged_by_the_milestone_in_force_at_the_figures_date(seeded, runner, tmp_path):
    """Bà Rịa–Vũng Tàu's ramp (Decision 2139/QĐ-UBND, 2022) on a stored target: 50% by 30/9,
    65% by 31/10, 80% by 30/11; 70% of procedures with online dossiers meets it in October, not in November."""
    from datetime import date
    from decimal import Decimal

    from tracker.models import TargetMilestone, UnitGroup

    with seeded.app_context():
        group = db.session.scalar(select(UnitGroup).where(UnitGroup.number == 3))
        target = next(t for t in group.targets if t.indicator.number == 2)
        target.milestones = [
            TargetMilestone(due_on=date(2023, 6, 30), value=Decimal(50)),
            TargetMilestone(due_on=date(2023, 7, 31), value=Decimal(65)),
            TargetMilestone(due_on=date(2023, 8, 31), value=Decimal(80)),
        ]
        db.session.commit()
    seventy = {**EXAMPLE, "procedures_with_online_dossiers": 7}
    cli_report(runner, tmp_path, "CBQTG", seventy, "2023-07-31")
    july = kpi_json(runner, "CBQTG")[0]["indicators"][1]
    assert (july["percent"], july["required"], july["status"]) == (70.0, 65.0, "met")
    cli_report(runner, tmp_path, "CBQTG", seventy, "2023-08-31")
    august = kpi_json(runner, "CBQTG")[0]["indicators"][1]
    assert (august["required"], august["status"], august["gap_points"]) == (80.0, "not_met", 10.0)


def test_the_form_starts_from_the_last_reports_counts_and_says_from_when(seeded, runner, tmp_path, login_as, client):
    """Issue 13 point 14: counts are cumulative, so the next report starts from the last one's figures."""
    login_as("head_cbqtg")
    page = client.get("/units/CBQTG").get_data(as_text=True)
    form = page[page.index('id="bao-cao-so-lieu"') : page.index("</form>", page.index('id="bao-cao-so-lieu"'))]
    assert "điền sẵn số liệu lần báo cáo trước" not in form and 'value="1458"' not in form
    cli_report(runner, tmp_path, "CBQTG", EXAMPLE, "2023-05-15")
    page = client.get("/units/CBQTG").get_data(as_text=True)
    form = page[page.index('id="bao-cao-so-lieu"') : page.index("</form>", page.index('id="bao-cao-so-lieu"'))]
    assert "điền sẵn số liệu lần báo cáo trước (tính đến ngày 15/05/2023)" in form
    assert 'value="1458"' in form
    assert 'value="2023-09-15"' in form  # the date is today's, to be reported anew


@pytest.mark.parametrize("path", ["/plans/{plan}", "/kpi"])
def test_a_cell_without_figures_says_so_once(seeded, login_as, client, path):
    """Issue 13 point 13: "chưa có số liệu" once per cell, not as the figure and again as the judgement."""
    from tracker.models import Plan

    with seeded.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    login_as("monitor")
    page = client.get(path.format(plan=plan_id)).get_data(as_text=True)
    cells = [c for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S) if "số liệu" in c.lower()]
    assert cells
    assert all(re.sub(r"<[^>]+>", "", c).lower().count("chưa có số liệu") == 1 for c in cells), cells[:2]
