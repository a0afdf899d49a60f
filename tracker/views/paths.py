"""Links a page repeats on every row (an item's page, an assignment's status form): the route's address built
once with a sample value, then completed for each row with its id. Building a link is a routing lookup; a list
of a hundred rows would otherwise make hundreds of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for

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
    kept: dict[tuple[str, str, str], LinkPattern] = current_app.extensions.setdefault("link_patterns", {})
    key = (request.script_root, endpoint, name)
    pattern = kept.get(key)
    if pattern is None:
        pattern = kept[key] = _routed(endpoint, name)
    return pattern


def _routed(endpoint: str, name: str) -> LinkPattern:
    values: dict[str, Any] = {name: SAMPLE}  # Any: url_for's keyword arguments are typed one by one
    link = url_for(endpoint, **values)
    head, found, tail = link.partition(str(SAMPLE))
    if not found or str(SAMPLE) in tail:
        raise ValueError(f"{endpoint}: the sample value is not once in its link ({link})")
    return LinkPattern(head, tail)
