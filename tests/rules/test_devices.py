"""The device named on the account page's list of sessions, from its browser's User-Agent."""

import pytest

from tracker.rules.devices import describe_device

WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "named"),
    [
        (WINDOWS_CHROME, "Chrome trên Windows"),
        (WINDOWS_CHROME + " Edg/120.0", "Edge trên Windows"),
        (WINDOWS_CHROME.replace("Chrome/120.0", "coc_coc_browser/117.0 Chrome/111.0"), "Cốc Cốc trên Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1",
            "Safari trên iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
            "Chrome trên Android",
        ),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox trên Linux"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Version/17.2 Safari/605.1.15",
            "Safari trên macOS",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Không rõ"),
        ("SomethingElse/1.0", "Không rõ"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(user_agent, named):
    assert describe_device(user_agent) == named
