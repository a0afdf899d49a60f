"""The data's stamp: one row holding a number drawn anew by every transaction that changes what the pages show.
A page rendered once can be served again while the stamp (and everything else its key names) is the same."""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, ScalarSelect, Select, Update, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model

STAMP_ID = 1


class DataStamp(Model):
    """The single row (id 1). Written in the same transaction as the change it stands for, just before the
    commit, so that whoever reads the new stamp also reads the change."""

    __tablename__ = "data_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)


def new_stamp() -> int:
    return secrets.randbits(62)


def stamp_statement() -> Update:
    """The UPDATE that draws a new stamp (the sessions' commits run it; so does a restore on its own connection)."""
    return update(DataStamp).where(DataStamp.id == STAMP_ID).values(stamp=new_stamp())


def stamp_query() -> Select[int]:
    """The SELECT of the stamp."""
    return select(DataStamp.stamp).where(DataStamp.id == STAMP_ID)


def stamp_column() -> ScalarSelect[int]:
    """The stamp as a column of another SELECT (read with the sign-in that every request looks up)."""
    return stamp_query().scalar_subquery()
