"""Saying the rule modules' Vietnamese texts in the interface language: their labels (states, outcomes, roles)
and the messages they make (tracker.rules.texts.Text). Needs Flask-Babel's request locale, so it is not a rule;
the forms and the views both use it (the labels themselves are marked for pybabel in tracker.views.labels).

Every text goes through `translations()`: the request's catalog, found through Flask-Babel once per request and
language and then kept on the request. Flask-Babel's own gettext looks the catalog up again for each text (a
dozen context-local lookups, about 20 µs here); a page says a hundred texts or more. `gettext`, `ngettext` and
`lazy_gettext` below, and the templates' `_()` (install_template_gettext), say them through the kept one."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar, overload

from babel.core import Locale
from babel.support import NullTranslations
from flask.globals import _cv_app
from flask_babel import LazyString, get_translations
from flask_babel import get_locale as _babel_locale
from jinja2 import Environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from .rules.texts import Text

_T = TypeVar("_T")

# Where Flask-Babel keeps the request's locale (on `g`, as flask_babel._get_current_context does; Flask-Babel is
# pinned in requirements.txt and tests/test_i18n.py holds these lookups to Flask-Babel's own, force_locale
# included), and where the catalog found for it is kept.
_BABEL_STATE = "_flask_babel"
_KEPT = "_tracker_translations"


def _state() -> tuple[Any, Locale | None]:
    """This context's `g` (None outside one) and the locale Flask-Babel chose for it, if it chose yet."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None, None
    store = app_context.g
    state = store.__dict__.get(_BABEL_STATE)
    return store, getattr(state, "babel_locale", None)


def translations() -> NullTranslations:
    """The catalog of the interface language, as Flask-Babel's get_translations finds it, looked up once per
    request and language (force_locale and refresh change the locale, and so the catalog found)."""
    store, locale = _state()
    if store is None:
        return get_translations()
    kept = store.__dict__.get(_KEPT)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    _store, locale = _state()
    if locale is not None:
        setattr(store, _KEPT, (locale, found))
    return found


def get_locale() -> Locale | None:
    """Flask-Babel's locale of the request, without its lookups once it is chosen."""
    _store, locale = _state()
    return locale if locale is not None else _babel_locale()


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext through the kept catalog."""
    said = translations().ugettext(string)
    return said % variables if variables else said


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ngettext through the kept catalog (`num` is a variable too)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """gettext(string), said when the text is used (form labels and choices defined at import time)."""
    return LazyString(gettext, string, **variables)


def install_template_gettext(environment: Environment) -> None:
    """The templates' _(), gettext, ngettext, pgettext and npgettext through the kept catalog (Flask-Babel
    installs them with its own lookups; these replace them, newstyle as before). _() and gettext, a hundred
    calls on some pages, are `template_gettext`; the others are Jinja's newstyle wrappers."""
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, num: translations().ungettext(singular, plural, num),
        newstyle=True,
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: translations().unpgettext(context, singular, plural, num),
    )
    environment.globals["_"] = environment.globals["gettext"] = template_gettext


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    """Jinja's newstyle gettext, in one call: the text in the interface language, marked safe where the template
    escapes, then filled with the variables, which are escaped. Like Jinja's, a text is always a format string
    ("%%" is a percent sign), whether it has variables or not. It takes the evaluation context, not the template's
    context as Jinja's does: called in a loop, a function taking the context gets a copy of it made for the call."""
    said = translations().ugettext(string)
    if eval_ctx.autoescape:
        said = Markup(said)
    return said % variables if variables or "%" in said else said


def label(value: str | None) -> str:
    """A Vietnamese label from the rule modules in the interface language; anything else as it is."""
    if not value:  # gettext("") would be the catalog's header
        return value or ""
    if isinstance(value, Text):
        return say(value)
    return gettext(value)


def per_language(build: Callable[[], _T]) -> Callable[[], _T]:
    """build() worked out once per interface language and kept for the process (the catalogs do not change while
    it runs): for the texts a page repeats on every row. What it returns is shared by every request: read only."""
    kept = lru_cache(maxsize=8)(lambda _language: build())

    @wraps(build)
    def in_language() -> _T:
        return kept(str(get_locale()))

    return in_language


def lazy_label(value: str) -> LazyString:
    """label(value), worked out when the text is used (for form choices defined at import time)."""
    return LazyString(label, value)


@overload
def say(message: Text | BaseException) -> str: ...
@overload
def say(message: _T) -> _T: ...
def say(message: object) -> object:
    """A message made outside the views (tracker.rules.texts.Text) in the interface language: its template
    through the catalog, filled with its parameters rendered the same way; an exception as its message said
    so; anything else as it is."""
    if isinstance(message, BaseException):
        first = message.args[0] if len(message.args) == 1 else None
        return say(first) if isinstance(first, Text) else str(message)
    if not isinstance(message, Text):
        return message
    params = {name: say(value) for name, value in message.params.items()}
    translated = gettext(message.template) if message.template else ""
    return translated % params if params else translated
