"""The header's menu, written once per process for each role and language (and address root), not for every
page: a dozen links, each an url_for, a permission and a translated word, on every page anyone opens. Which
links a person sees depends on the role alone (tracker.rules.permissions); the unit's own page, the one link
that depends on the person, is written by base.html itself."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ..labels import get_locale

TEMPLATE = "_menu.html"


def main_menu() -> Markup:
    """The menu's links for the signed-in person's role, in the interface language."""
    kept: dict[tuple[str, str, str], Markup] = current_app.extensions.setdefault("main_menu", {})
    key = (current_user.role, str(get_locale()), request.script_root)
    menu = kept.get(key)
    if menu is None:
        menu = kept[key] = Markup(render_template(TEMPLATE))
    return menu
