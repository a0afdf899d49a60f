"""Units of the administration (Cục, Vụ, Sở …) and the other names they go by."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    # The folded form of the name (see rules.names.fold_name), used for matching.
    folded_name: Mapped[str] = mapped_column(String(255), unique=True)
    head_email: Mapped[str | None] = mapped_column(String(255))
    focal_email: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # The secret in the unit's calendar feed URL (/units/<code>/calendar.ics?token=…); a new one revokes the old.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitAlias(db.Model):
    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    folded_alias: Mapped[str] = mapped_column(String(255), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")
