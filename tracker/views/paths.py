"""Links a page repeats on every row (an item's page, an assignment's status form): the route's address built
once with a sample value, then completed for each row with its id. Building a link is a routing lookup; a list
of a hundred rows would otherwise make hundreds of them."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, request, url_for

_T = TypeVar("_T")
SAMPLE = 987654321  # a number no route's fixed part holds: where the row's value goes in the sample link


@dataclass(frozen=True)
class LinkPattern:
    """A route's address with a hole for one value: pattern(12) is url_for(endpoint, name=12) (a text value is
    put in as given: quote it first)."""

    head: str
    tail: str

    def __call__(self, value: int | str) -> str:
        return f"{self.head}{value}{self.tail}"


def link_pattern(endpoint: str, name: str) -> LinkPattern:
    """The address of `endpoint` with its argument `name` left open, routed once per process and address root."""
    return kept_for_app("link_patterns", (request.script_root, endpoint, name), lambda: _routed(endpoint, name))


def kept_for_app(store: str, key: Hashable, build: Callable[[], _T]) -> _T:
    """build()'s answer, worked out once per process for this `key` and kept in the app under `store`: for what
    does not change while the process runs (routes, the menus' HTML)."""
    kept: dict[Hashable, Any] = current_app.extensions.setdefault(store, {})
    found = kept.get(key)
    if found is None:
        found = kept[key] = build()
    return found


def _routed(endpoint: str, name: str) -> LinkPattern:
    values: dict[str, Any] = {name: SAMPLE}  # Any: url_for's keyword arguments are typed one by one
    link = url_for(endpoint, **values)
    head, found, tail = link.partition(str(SAMPLE))
    if not found or str(SAMPLE) in tail:
        raise ValueError(f"{endpoint}: the sample value is not once in its link ({link})")
    return LinkPattern(head, tail)
