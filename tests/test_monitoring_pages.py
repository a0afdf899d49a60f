"""The overdue list a page at a time: the page size chooser (25, 50 by default, 100; anything else a 400), the
list at 100 a page across pages, and the urge form on each row still sending from the page's own markup."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Plan
from tracker.plan_import import import_document

from .test_monitoring import rows
from .test_query_counts import synthetic_plan


@pytest.fixture
def today():
    return "2023-11-15"


@pytest.fixture
def crowded(seeded):
    """The seed (12 assignments overdue on 15/11/2023) and a plan of 440 items led by Cục Điện ảnh, a
    quarter of them due in August 2023: 122 overdue in all."""
    with seeded.app_context():
        import_document(synthetic_plan(440, "440/QĐ-THU"), "load.txt", now=utcnow())
        db.session.commit()
    return seeded


def chooser(page: str) -> tuple[list[str], str]:
    """The page size chooser's options and the one selected."""
    select_ = page[page.index('<select id="f-per-page"') : page.index("</select>", page.index('id="f-per-page"'))]
    options = re.findall(r'<option value="(\d+)"', select_)
    selected = re.findall(r'<option value="(\d+)" selected', select_)
    return options, selected[0]


def test_the_chooser_offers_25_50_100_and_says_which_is_shown(seeded, login_as, client):
    login_as("monitor")
    page = client.get("/monitoring").get_data(as_text=True)
    assert '<label for="f-per-page">Số dòng mỗi trang</label>' in page
    assert chooser(page) == (["25", "50", "100"], "50")
    assert chooser(client.get("/monitoring?per_page=100").get_data(as_text=True))[1] == "100"


@pytest.mark.parametrize("per_page", ["10", "0", "abc", "-25", "1000"])
def test_another_page_size_is_a_400_with_the_reason(seeded, login_as, client, per_page):
    login_as("monitor")
    response = client.get(f"/monitoring?per_page={per_page}")
    assert response.status_code == 400
    assert "Số dòng mỗi trang phải là 25, 50 hoặc 100." in response.get_data(as_text=True)


def test_an_empty_page_size_is_the_default(seeded, login_as, client):
    login_as("monitor")
    assert chooser(client.get("/monitoring?per_page=").get_data(as_text=True))[1] == "50"


def test_the_list_at_100_a_page_then_25_every_row_once(crowded, login_as, client):
    login_as("monitor")
    first = client.get("/monitoring?per_page=100").get_data(as_text=True)
    assert "Quá hạn: 122" in first
    assert len(rows(first)) == 100
    # The pager keeps the page size.
    assert 'href="/monitoring?per_page=100&amp;page=2"' in first
    second = client.get("/monitoring?per_page=100&page=2").get_data(as_text=True)
    assert len(rows(second)) == 22
    by_hundred = [re.search(r'id="urge-(\d+)"', r).group(1) for r in rows(first) + rows(second)]
    by_25 = []
    for page in range(1, 6):
        by_25 += [
            re.search(r'id="urge-(\d+)"', r).group(1)
            for r in rows(client.get(f"/monitoring?per_page=25&page={page}").get_data(as_text=True))
        ]
    assert len(set(by_hundred)) == 122 and by_25 == by_hundred  # the same order, whatever the page size
    assert len(rows(client.get("/monitoring").get_data(as_text=True))) == 50
    # Past the last page: an empty list, and the total still right.
    beyond = client.get("/monitoring?per_page=100&page=3").get_data(as_text=True)
    assert "Quá hạn: 122" in beyond and 'id="monitoring-list"' not in beyond


def test_a_filter_counts_its_own_total_at_100_a_page(crowded, login_as, client):
    login_as("monitor")
    with crowded.app_context():
        plan = db.session.scalar(select(Plan.id).where(Plan.number == "440/QĐ-THU"))
    page = client.get(f"/monitoring?plan={plan}&per_page=100&sort=unit").get_data(as_text=True)
    assert "Quá hạn: 110" in page and len(rows(page)) == 100
    assert all("Cục Điện ảnh" in r for r in rows(page))


def test_each_row_links_its_unit_and_item_and_urges_from_the_page(crowded, login_as, client):
    login_as("monitor")
    page = client.get("/monitoring?per_page=100&page=2").get_data(as_text=True)
    row = rows(page)[0]
    unit_link = re.search(r'<a href="(/units/[^"]+)">', row).group(1)
    item_link = re.search(r'<a href="(/items/\d+)">', row).group(1)
    assert client.get(unit_link).status_code == 200 and client.get(item_link).status_code == 200
    # Every row's urge form carries the page's one token, without an id: no id repeats on the page.
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in set(ids) if ids.count(i) > 1]
    action = re.search(r'<form method="post" action="(/monitoring/urge/\d+)"', row).group(1)
    token = html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', row).group(1))
    back = html.unescape(re.search(r'name="back" value="([^"]+)"', row).group(1))
    label = re.search(r'<label for="urge-\d+" class="visually-hidden">([^<]+)</label>', row).group(1)
    assert label.startswith("Ý kiến đôn đốc ") and " về nhiệm vụ " in label
    assert back == "/monitoring?per_page=100&page=2"
    sent = client.post(action, data={"csrf_token": token, "back": back, "text": "Đề nghị hoàn thành ngay."})
    assert sent.status_code == 302 and sent.headers["Location"] == back
    after = client.get(back).get_data(as_text=True)
    assert "Đã gửi thư đôn đốc" in after or "Đã ghi đôn đốc" in after or "hàng đợi" in after
    assert "đã đôn đốc hôm nay" in after
