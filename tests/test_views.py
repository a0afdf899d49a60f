"""The pages of this stage: home sends to the plan, the plan page shows both appendices as written."""
from __future__ import annotations

import re


def test_home_with_one_plan_opens_that_plan(seeded, client):
    response = client.get("/")
    assert response.status_code == 302
    assert re.search(r"/plans/\d+$", response.headers["Location"])


def test_home_without_plans_says_how_to_import_one(app, client):
    page = client.get("/").get_data(as_text=True)
    assert "Chưa có kế hoạch nào" in page


def test_plan_page_lists_the_items_as_in_appendix_2(seeded, client):
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Kèm theo Quyết định số 1872/QĐ-BVHTTDL ngày 13/07/2023" in page
    assert "Hoàn thiện các văn bản quy định" in page
    for text in ("Tiếp tục lựa chọn danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến",
                 "Giao chỉ tiêu về cung cấp, sử dụng DVCTT", "Văn bản hướng dẫn"):
        assert text in page
    assert "Hạn: <time datetime=\"2023-08-31\">31/08/2023</time>" in page
    assert "Hằng năm, hạn 31/12/2023" in page
    assert "gồm 11 đơn vị" in page
    assert "chưa xác định đơn vị cụ thể" in page
    assert "Văn bản có tiêu đề mục này nhưng không có nhiệm vụ nào." in page  # section II


def test_plan_page_shows_appendix_1_targets_with_notes(seeded, client):
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Nhóm 4 (1 đơn vị)" in page
    assert "20–30%" in page
    assert "Không áp dụng tỷ lệ" in page
    assert page.count("Thông qua phần mềm của Tổng cục Hải quan cung cấp.") == 2


def test_pages_show_the_demo_date_banner_and_safe_headers(seeded, client):
    response = client.get("/", follow_redirects=True)
    assert "Ngày giả lập (demo)" in response.get_data(as_text=True)
    assert "15/09/2023" in response.get_data(as_text=True)
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_pages_get_a_vietnamese_404(app, client):
    response = client.get("/plans/999")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
