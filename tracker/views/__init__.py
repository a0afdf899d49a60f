"""HTTP only: one blueprint per audience, plus the filters every template uses."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Flask

from ..clock import today


def format_date(value: date | None) -> str:
    """Official Vietnamese date form dd/mm/yyyy (never Babel's two-digit year)."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_percent(value: Decimal | None, sign: bool = True) -> str:
    """A percentage the Vietnamese way: no trailing zeros, decimal comma ("9,5%")."""
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}%" if sign else text


def register_views(app: Flask) -> None:
    from .plans import bp as plans_bp

    app.register_blueprint(plans_bp)
    app.add_template_filter(format_date, "dmy")
    app.add_template_filter(format_percent, "percent")

    @app.context_processor
    def _today() -> dict:
        return {"today": today(), "is_demo_date": bool(app.config.get("TODAY"))}
