"""Pages of the plan: home sends each role where it works; the plan page shows both appendices."""

from __future__ import annotations

import re

import pytest


def test_signed_out_visitors_are_sent_to_the_login_page(seeded, client):
    response = client.get("/plans")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("head_vpc", "/units/VPC"),
        ("staff_cda", "/units/CDA"),
        ("monitor", "/dashboard"),
        ("viewer", "/dashboard"),
        ("admin", r"/plans/\d+"),
    ],
)
def test_home_sends_each_role_where_it_works(seeded, client, login_as, who, lands_on):
    login_as(who)
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert re.fullmatch(lands_on, response.request.path)


def test_plan_list_without_plans_says_how_to_import_one(app, client):
    from tracker.extensions import db

    from .conftest import login, make_user

    with app.app_context():
        make_user("viewer", "viewer")
        db.session.commit()
    login(client, "viewer")
    page = client.get("/plans").get_data(as_text=True)
    assert "Chưa có kế hoạch nào" in page


@pytest.fixture
def plan_page(seeded, client, login_as):
    login_as("viewer")
    return client.get("/plans", follow_redirects=True).get_data(as_text=True)


def test_plan_page_lists_the_items_as_in_appendix_2(plan_page):
    page = plan_page
    assert "Văn bản số 1872/QĐ-BVHTTDL ngày 13/07/2023" in page
    assert "Hoàn thiện các văn bản quy định" in page
    for text in (
        "Tiếp tục lựa chọn danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến",
        "Giao chỉ tiêu về cung cấp, sử dụng DVCTT",
        "Văn bản hướng dẫn",
    ):
        assert text in page
    assert 'Hạn: <time datetime="2023-08-31">31/08/2023</time>' in page
    assert "Hằng năm, hạn 31/12/2023" in page
    assert "gồm 11 đơn vị" in page
    assert "chưa xác định đơn vị cụ thể" in page
    assert "Văn bản có tiêu đề mục này nhưng không có nhiệm vụ nào." in page  # section II


def test_plan_page_shows_each_items_live_status(plan_page):
    # With today 15/09/2023 item I.1 (due 31/08) is overdue; the others are not started yet.
    row = plan_page[plan_page.index('id="nv-I.1"') : plan_page.index('id="nv-I.2"')]
    assert "Quá hạn" in row and "0/1 phân công hoàn thành" in row
    row = plan_page[plan_page.index('id="nv-I.2"') : plan_page.index('id="nv-I.3"')]
    assert "Chưa triển khai" in row and "0/11 phân công hoàn thành" in row


def test_plan_page_shows_appendix_1_targets_with_notes(plan_page):
    assert "Nhóm 4 (1 đơn vị)" in plan_page
    assert "20–30%" in plan_page
    assert "Không áp dụng tỷ lệ" in plan_page
    assert plan_page.count("Thông qua phần mềm của Tổng cục Hải quan cung cấp.") == 2


def test_pages_show_the_demo_date_banner_and_safe_headers(seeded, client, login_as):
    login_as("viewer")
    response = client.get("/plans", follow_redirects=True)
    assert "Ngày giả lập (demo)" in response.get_data(as_text=True)
    assert "15/09/2023" in response.get_data(as_text=True)
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_pages_get_a_vietnamese_404_with_a_request_id(seeded, client, login_as):
    login_as("viewer")
    response = client.get("/plans/999")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in page
    assert response.headers["X-Request-Id"] in page
