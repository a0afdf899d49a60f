"""A unit's due dates as an iCalendar feed behind a secret, revocable link."""

from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar

from .conftest import csrf_token


def make_link(client, code: str) -> str:
    response = client.post(f"/units/{code}/calendar/token", data={"csrf_token": csrf_token(client, f"/units/{code}")})
    assert response.status_code == 302
    page = client.get(f"/units/{code}").get_data(as_text=True)
    return re.search(r'value="http://127.0.0.1:5000(/units/[^"]+calendar.ics\?token=[^"]+)"', page).group(1)


def test_the_feed_validates_and_lists_each_open_assignment_as_an_all_day_event(seeded, login_as, client):
    login_as("head_cda")
    link = make_link(client, "CDA")
    anonymous = seeded.test_client()
    response = anonymous.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # Cục Điện ảnh leads item 2 only
    event = events[0]
    assert event.decoded("dtstart") == date(2023, 10, 31)
    assert event.decoded("dtend") == date(2023, 11, 1)
    assert str(event["summary"]).startswith("Hạn nhiệm vụ I.2: Tiếp tục lựa chọn danh mục DVCTT")
    assert str(event["url"]).endswith("/items/" + str(event["url"]).rsplit("/", 1)[1])


def test_a_new_link_revokes_the_old_one_and_a_wrong_token_reveals_nothing(seeded, login_as, client):
    login_as("head_cda")
    old = make_link(client, "CDA")
    new = make_link(client, "CDA")
    anonymous = seeded.test_client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/units/CDA/calendar.ics?token=guess").status_code == 404
    assert anonymous.get("/units/CDA/calendar.ics").status_code == 404


def test_only_the_units_people_and_admins_make_its_link(seeded, login_as, client):
    login_as("head_vpc")
    response = client.post("/units/CDA/calendar/token", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 403
