"""Units of the administration (Cục, Vụ, Sở …) and the other names they go by."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    # The folded form of the name (see rules.names.fold_name), used for matching.
    folded_name: Mapped[str] = mapped_column(String(255), unique=True)
    head_email: Mapped[str | None] = mapped_column(String(255))
    focal_email: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # The unit's level in the administration ("Sở", "UBND cấp huyện", "UBND cấp xã" …); a collective
    # may be mapped to every unit of a level.
    level: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The secret in the unit's calendar feed URL (/units/<code>/calendar.ics?token=…); a new one revokes the old.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitAlias(Model):
    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    folded_alias: Mapped[str] = mapped_column(String(255), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class CollectiveMapping(Model):
    """What a collective that names no unit ("UBND cấp huyện", "Các Sở, ban, ngành") stands for, as an
    admin decided: the units listed, and with level set, every active unit of that level as well.
    An item naming the collective gets one assignment per unit."""

    __tablename__ = "collective_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    written: Mapped[str] = mapped_column(Text)  # the collective as first written
    folded_name: Mapped[str] = mapped_column(String(255), unique=True)  # rules.names.fold_name(written)
    level: Mapped[str] = mapped_column(String(80), default="", server_default="")

    units: Mapped[list[Unit]] = relationship(secondary="collective_mapping_units", order_by="Unit.name")


class CollectiveMappingUnit(Model):
    __tablename__ = "collective_mapping_units"

    mapping_id: Mapped[int] = mapped_column(ForeignKey("collective_mappings.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
