"""The header's menu, written once per process for each role and language (and address root), not for every
page: a dozen links, each an url_for, a permission and a translated word, on every page anyone opens. Which
links a person sees depends on the role alone (tracker.rules.permissions); the unit's own page, the one link
that depends on the person, is written by base.html itself."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..labels import get_locale
from .paths import LinkPattern, kept_for_app, link_pattern

TEMPLATE = "_menu.html"


def main_menu() -> Markup:
    """The menu's links for the signed-in person's role, in the interface language."""
    key = (current_user.role, str(get_locale()), request.script_root)
    return kept_for_app("main_menu", key, lambda: Markup(render_template(TEMPLATE)))


@dataclass(frozen=True)
class SiteLinks:
    """The addresses every page's frame links to."""

    css: str
    icon: str
    home: str
    account: str
    logout: str
    language: str
    unit_page: LinkPattern

    def unit(self, code: str) -> str:
        """A unit's page (the signed-in unit head's own, in the header)."""
        return self.unit_page(quote(code, safe=""))


def site_links() -> SiteLinks:
    """The frame's addresses, worked out once per process and address root rather than routed on every page."""
    return kept_for_app("site_links", request.script_root, _routed_site_links)


def _routed_site_links() -> SiteLinks:
    return SiteLinks(
        css=url_for("static", filename="app.css"),
        icon=url_for("static", filename="favicon.svg"),
        home=url_for("plans.home"),
        account=url_for("auth.account"),
        logout=url_for("auth.logout"),
        language=url_for("auth.language"),
        unit_page=link_pattern("units.show", "code"),
    )
