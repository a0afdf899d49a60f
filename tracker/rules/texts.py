"""Messages made outside the views that keep their Vietnamese value and how to say them in another language.

`t("Hãy nhập %(field)s.", field=...)` is a `Text`: a `str` whose value is the Vietnamese sentence (so the CLI,
the API, logs and comparisons see Vietnamese), which also keeps the template and its parameters so the
interface can render it in the reader's language (tracker.labels.say). Templates use `%(name)s`
placeholders; parameters may themselves be Texts (a state label, a field name), rendered the same way.
pybabel extracts the templates with the keyword `t`. Pure: no Flask, no Babel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Text(str):
    """A Vietnamese message (its str value) that remembers its template and parameters."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Text:
        params = dict(params or {})
        value = template % params if params else template
        text = super().__new__(cls, value)
        text.template = template
        text.params = params
        return text

    def __reduce__(self):  # pickled (exceptions between processes) as template and parameters
        return (Text, (self.template, self.params))

    def __add__(self, other: str) -> Text:
        return joined(self, other)

    def __radd__(self, other: str) -> Text:
        return joined(other, self)


def t(template: str, **params: Any) -> Text:
    """A message from a template written in Vietnamese with `%(name)s` placeholders (extracted by pybabel)."""
    return Text(template, params)


def known(label: str) -> Text:
    """A Vietnamese label that the interface already translates (states, roles, field labels), as a Text."""
    return Text(label)


def joined(*parts: str, sep: str = "") -> Text:
    """Texts (and plain strings, kept as they are) put one after the other, each rendered on its own."""
    if not parts:
        return Text("")
    params = {f"p{i}": part for i, part in enumerate(parts)}
    return Text(sep.replace("%", "%%").join(f"%(p{i})s" for i in range(len(parts))), params)
