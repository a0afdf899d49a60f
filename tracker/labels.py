"""Saying the rule modules' Vietnamese texts in the interface language: their labels (states, outcomes, roles)
and the messages they make (tracker.rules.texts.Text). Needs Flask-Babel's request locale, so it is not a rule;
the forms and the views both use it (the labels themselves are marked for pybabel in tracker.views.labels)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar, overload

from flask_babel import LazyString, get_locale, gettext

from .rules.texts import Text

_T = TypeVar("_T")


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
