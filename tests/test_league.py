"""The league table page: bands, scores, change since last month and parts; sortable by accessible column
links; a month chooser over the snapshots; the formula in words with the current weights; the .xlsx; the
admin's score settings (validated); and the API's league and snapshots."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Plan, Setting, Unit
from tracker.rules.kpi import Period
from tracker.snapshots import take_snapshot

from .conftest import csrf_token
from .test_api import bearer, make_token


def plan_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Plan.id))


def freeze(app, *periods: Period) -> None:
    with app.app_context():
        for period in periods:
            take_snapshot(period, now=utcnow())
        db.session.commit()


def rows(page: str) -> list[str]:
    """The unit names of the table's rows, in order."""
    body = page.split('id="league"')[1].split("</table>", maxsplit=1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', body, re.S)]


def test_the_viewer_sees_every_unit_with_band_score_parts_and_the_formula(seeded, client, login_as):
    login_as("viewer")
    page = client.get(f"/league?plan={plan_id(seeded)}").get_data(as_text=True)
    assert "<h1>Bảng xếp hạng đơn vị</h1>" in page
    assert 'lang="vi"' in page
    names = rows(page)
    assert "Vụ Pháp chế" in names and "Cục Điện ảnh" in names
    # Vụ Pháp chế's I.1 (due 31/8) is overdue on 15/9: delivery 0, the only part it has → 0, Yếu.
    assert re.search(r"Vụ Pháp chế.*?<strong>Yếu</strong>.*?<strong>0</strong>", page, re.S)
    # The formula in words, with the weights in force.
    assert "Thực hiện nhiệm vụ (trọng số 60)" in page
    assert "Đạt chỉ tiêu (trọng số 25)" in page
    assert "Chấp hành chế độ báo cáo (trọng số 15)" in page
    assert "Xuất sắc từ 90 điểm" in page and "Yếu dưới 50 điểm" in page
    # The score column is the sort, descending, and says so to assistive technology.
    assert 'aria-sort="descending"' in page
    assert page.count("aria-sort=") == 1


def test_columns_sort_on_the_server_and_a_second_click_reverses(seeded, client, login_as):
    login_as("monitor")
    plan = plan_id(seeded)
    by_name = client.get(f"/league?plan={plan}&sort=unit&dir=asc").get_data(as_text=True)
    names = rows(by_name)
    assert names == sorted(names, key=str.casefold)
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="[^"]*sort=unit&amp;dir=desc', by_name)
    reverse = client.get(f"/league?plan={plan}&sort=unit&dir=desc").get_data(as_text=True)
    assert rows(reverse) == names[::-1]
    # A sort the page does not know falls back to the score.
    assert client.get(f"/league?plan={plan}&sort=drop%20table&dir=up").status_code == 200


def test_a_past_month_comes_from_its_snapshot_with_the_change_since_the_month_before(seeded, client, login_as):
    freeze(seeded, Period(2023, 7), Period(2023, 8))
    login_as("viewer")
    plan = plan_id(seeded)
    page = client.get(f"/league?plan={plan}").get_data(as_text=True)
    # The chooser lists the frozen months, the current one live by default.
    assert '<option value="" selected>Tháng 9/2023 (đang diễn ra)</option>' in page
    assert '<option value="2023-08" >Tháng 8/2023 (số liệu đã chốt)</option>' in page
    assert '<option value="2023-07" >Tháng 7/2023 (số liệu đã chốt)</option>' in page
    august = client.get(f"/league?plan={plan}&month=2023-08").get_data(as_text=True)
    assert "Số liệu đã chốt của tháng 8/2023, tính đến ngày 31/08/2023" in august
    assert client.get(f"/league?plan={plan}&month=2023-06").status_code == 404  # never frozen
    assert client.get(f"/league?plan={plan}&month=08-2023").status_code == 400


def test_the_workbook_is_the_table_as_shown_with_text_cells(seeded, client, login_as):
    login_as("viewer")
    with seeded.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        unit.name = '=HYPERLINK("http://x")'  # a name typed as a formula stays text
        db.session.commit()
    response = client.get(f"/league/export.xlsx?plan={plan_id(seeded)}&sort=unit&dir=asc")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == [
        "Hạng",
        "Đơn vị",
        "Xếp loại",
        "Điểm",
        "Thay đổi so với tháng trước",
        "Thực hiện nhiệm vụ",
        "Đạt chỉ tiêu",
        "Chấp hành chế độ báo cáo",
    ]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == sorted(names, key=str.casefold)
    formula = next(row for row in sheet.iter_rows(min_row=2) if row[1].value.startswith("="))
    assert formula[1].data_type == "s"
    assert formula[2].value == "Yếu" and formula[3].value == 0


def test_the_admin_changes_the_weights_and_the_page_uses_them(seeded, client, login_as):
    login_as("admin")
    page = client.get("/admin/score").get_data(as_text=True)
    assert 'value="60"' in page and '<label for="delivery_weight">' in page
    fields = {
        "delivery_weight": "50",
        "kpi_weight": "25",
        "discipline_weight": "15",  # 90: refused
        "late_credit": "40",
        "excellent": "90",
        "good": "80",
        "fair": "65",
        "average": "50",
    }
    refused = client.post("/admin/score", data={**fields, "csrf_token": csrf_token(client, "/admin/score")})
    assert refused.status_code == 422
    assert "Tổng ba trọng số phải bằng 100 (hiện là 90)." in refused.get_data(as_text=True)
    no_token = client.post("/admin/score", data={**fields, "discipline_weight": "25"})
    assert no_token.status_code in (400, 422)
    with seeded.app_context():
        assert db.session.get(Setting, "score_rules") is None
    saved = client.post(
        "/admin/score",
        data={**fields, "discipline_weight": "25", "csrf_token": csrf_token(client, "/admin/score")},
    )
    assert saved.status_code == 302
    league = client.get(f"/league?plan={plan_id(seeded)}").get_data(as_text=True)
    assert "Thực hiện nhiệm vụ (trọng số 50)" in league and "Chấp hành chế độ báo cáo (trọng số 25)" in league
    assert "40 điểm nếu hoàn thành quá hạn" in league
    descending = client.post(
        "/admin/score",
        data={**fields, "discipline_weight": "25", "good": "95", "csrf_token": csrf_token(client, "/admin/score")},
    )
    assert descending.status_code == 422
    assert "Ngưỡng các mức phải giảm dần" in descending.get_data(as_text=True)


def test_a_unit_sees_the_league_but_not_the_settings(seeded, client, login_as):
    login_as("head_cda")
    assert client.get("/league").status_code == 200
    assert client.get("/admin/score").status_code == 403


def test_the_api_gives_the_league_and_the_snapshots(seeded, runner):
    freeze(seeded, Period(2023, 8))
    token = make_token(runner, "viewer")
    client = seeded.test_client()
    plan = plan_id(seeded)
    live = client.get(f"/api/v1/league?plan={plan}", headers=bearer(token)).get_json()
    assert (live["month"], live["as_of"], live["live"]) == ("2023-09", "2023-09-15", True)
    assert live["settings"]["delivery_weight"] == 60
    vpc = next(u for u in live["units"] if u["unit_code"] == "VPC")
    assert vpc["band"] == "weak" and vpc["score"] == 0.0
    assert vpc["classes"]["not_done_overdue"] == 1
    assert vpc["parts"] == {"delivery": 0.0, "kpi": None, "discipline": None}
    assert vpc["previous"] is None  # in August it had no score (nothing judged yet)
    # Without the demo's progress every unit with a score has 0: they share rank 1; the IT Centre has none.
    ranks = {u["unit_code"]: u["rank"] for u in live["units"]}
    assert {ranks[code] for code in ranks if code != "TTCNTT"} == {1} and ranks["TTCNTT"] is None
    august = client.get(f"/api/v1/league?plan={plan}&month=2023-08", headers=bearer(token)).get_json()
    assert (august["as_of"], august["live"]) == ("2023-08-31", False)
    listed = client.get(f"/api/v1/snapshots?plan={plan}", headers=bearer(token)).get_json()
    assert listed["total"] == 1 and listed["items"][0]["month"] == "2023-08"
    one = client.get(f"/api/v1/snapshots/{listed['items'][0]['id']}", headers=bearer(token)).get_json()
    assert one["as_of"] == "2023-08-31" and len(one["units"]) == listed["items"][0]["units"]
    bad = client.get(f"/api/v1/league?plan={plan}&month=2023-13", headers=bearer(token))
    assert bad.status_code == 400 and "YYYY-MM" in bad.get_json()["error"]["message"]
    assert client.get(f"/api/v1/league?plan={plan}&month=2023-05", headers=bearer(token)).status_code == 404


def test_the_month_of_today_is_live_even_when_asked_by_name(seeded, client, login_as):
    login_as("viewer")
    page = client.get(f"/league?plan={plan_id(seeded)}&month=2023-09").get_data(as_text=True)
    assert "Số liệu trực tiếp, tính đến ngày 15/09/2023" in page  # today is pinned to 15/9/2023 by the tests
