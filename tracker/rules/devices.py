"""A device as a person names it ("Chrome trên Windows"), from the User-Agent its browser sent."""

from __future__ import annotations

import re

from .texts import Text, t

# Checked in order: Edge, Opera and Cốc Cốc also say "Chrome", and Chrome also says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("coc_coc_browser", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_PROGRAMS = re.compile(r"^(curl|python-requests|Wget|Werkzeug|python-httpx)/", re.IGNORECASE)


def describe_device(user_agent: str) -> str | Text:
    """ "Chrome trên Windows", "Safari trên iPhone", a program's own name ("curl"), or "Không rõ"."""
    text = user_agent.strip()
    program = _PROGRAMS.match(text)
    if program:
        return program.group(1)
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    if browser and system:
        return t("%(browser)s trên %(system)s", browser=browser, system=system)
    return browser or system or t("Không rõ")
