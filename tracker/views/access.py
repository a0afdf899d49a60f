"""Small helpers views use to ask the permission rules and to stop with 403 when the answer is no."""

from __future__ import annotations

from collections.abc import Collection

from flask import abort
from flask_login import current_user

from ..assignments import actor_of
from ..rules.permissions import can


def allowed(action: str, *, unit: int | None = None, units: Collection[int] = ()) -> bool:
    """Whether the signed-in user may do action (for templates and views)."""
    # The user itself, not the proxy: the rules read three of its attributes, each a lookup through the proxy.
    return can(actor_of(current_user._get_current_object()), action, unit=unit, units=units)


def require(action: str, *, unit: int | None = None, units: Collection[int] = (), message: str | None = None) -> None:
    """Abort with 403 unless the signed-in user may do action."""
    if not allowed(action, unit=unit, units=units):
        abort(403, description=message)
