"""The header's menu (tracker/views/menu.py): written once per process for each role and language, it still
shows each person the links their role allows, their own unit's page, and the words of their language."""

from __future__ import annotations

import re

import pytest

from .conftest import csrf_token, login

NAV = re.compile(r'<nav class="main-nav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')

EVERYONE = ["/plans", "/league"]
FOLLOWERS = ["/dashboard", *EVERYONE, "/monitoring", "/kpi", "/reports"]
MENUS = {
    "admin": [
        *FOLLOWERS,
        "/admin/users",
        "/admin/units",
        "/admin/import",
        "/admin/deadlines",
        "/admin/reminders",
        "/admin/emails",
    ],
    "monitor": [*FOLLOWERS, "/admin/emails"],
    "viewer": FOLLOWERS,
    "head_cda": ["/units/CDA", *EVERYONE],
    "staff_cda": ["/units/CDA", *EVERYONE],
    "head_vpc": ["/units/VPC", *EVERYONE],
}


def menu(client, path: str = "/account") -> list[tuple[str, str]]:
    page = client.get(path).get_data(as_text=True)
    found = NAV.search(page)
    assert found is not None, path
    return LINK.findall(found.group(1))


def test_each_person_sees_the_menu_of_their_role(seeded):
    # One after the other in one process: each role's menu is written once, and never shown to another role.
    for _round in range(2):
        for who, expected in MENUS.items():
            client = seeded.test_client()
            login(client, who)
            assert [href for href, _text in menu(client)] == expected, who


@pytest.mark.parametrize("who", ["monitor", "head_cda"])
def test_the_menu_follows_the_language(seeded, who):
    client = seeded.test_client()
    login(client, who)
    vietnamese = menu(client)
    assert ("/plans", "Kế hoạch") in vietnamese
    client.post("/language", data={"lang": "en", "next": "/account", "csrf_token": csrf_token(client, "/account")})
    english = menu(client)
    assert [href for href, _text in english] == [href for href, _text in vietnamese]
    assert ("/plans", "Plans") in english and ("/league", "League table") in english
    other = seeded.test_client()  # someone else of the same role, still in Vietnamese
    login(other, who)
    assert menu(other) == vietnamese
