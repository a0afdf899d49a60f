"""The item page's status form opens the part the chosen state needs: "Gặp vướng mắc" the difficulty,
"Hoàn thành" the evidence; a blocked item then goes straight to done."""

from __future__ import annotations

from .conftest import sign_in


def test_choosing_a_state_opens_its_part_of_the_form(seeded, live_server, page):
    sign_in(page, live_server, "head_cda")
    page.locator("li.card", has_text="Nhiệm vụ I.2").get_by_role("link", name="Nhiệm vụ I.2").first.click()
    form = page.locator("form.status-form").first
    blocked, done = form.locator("details[data-state='blocked']"), form.locator("details[data-state='done']")
    assert not blocked.evaluate("el => el.open") and not done.evaluate("el => el.open")

    form.get_by_label("Trạng thái mới").select_option("blocked")
    assert blocked.evaluate("el => el.open") and not done.evaluate("el => el.open")
    form.get_by_label("Khó khăn, vướng mắc").fill("Chưa có kinh phí.")
    form.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    assert "Đã cập nhật nhiệm vụ I.2" in page.locator(".flashes").inner_text()

    form = page.locator("form.status-form").first
    form.get_by_label("Trạng thái mới").select_option("done")
    assert form.locator("details[data-state='done']").evaluate("el => el.open")
    assert not form.locator("details[data-state='blocked']").evaluate("el => el.open")
    form.get_by_label("Ngày hoàn thành").fill("2023-09-14")
    form.get_by_label("Số văn bản kết quả").fill("45/QĐ-CĐA")
    form.get_by_label("Ngày ban hành văn bản").fill("2023-09-14")
    form.get_by_label("Trích yếu / tên văn bản").fill("Quyết định ban hành danh mục")
    form.get_by_role("button", name="Lưu cập nhật").click()
    page.wait_for_load_state()
    assert "Đã cập nhật nhiệm vụ I.2" in page.locator(".flashes").inner_text()
    assert page.console_errors == []
