"""Flask extensions, created unbound here and bound to the app in create_app()."""

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import CursorResult, Executable, MetaData, Row, inspect
from sqlalchemy.orm import DeclarativeBase, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, instance_state, set_committed_value
from sqlalchemy.sql.elements import KeyedColumnElement

# Named constraints so that migrations can alter them later, on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The tables' base class. At run time it is Flask-SQLAlchemy's db.Model (Base's metadata and registry plus its
# query property and bind/table-name mixins). A type checker cannot take an instance's attribute for a base
# class, so it is shown the same thing written as a class: Flask-SQLAlchemy's Model mixin on Base.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True

else:
    Model = db.Model

migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; how many rows it matched (0 when the driver cannot tell)."""
    # A DML statement's result is a CursorResult (which has the rowcount); Session.execute is typed for any.
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount or 0


def read_rows(statement: Executable, values: dict[str, Any] | None = None) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of a statement of columns (no mapped objects), run on the session's connection: what the session
    holds unflushed is flushed first, as the session's own execute would, but the rows skip the ORM's result
    machinery (a page's read costs about a third less)."""
    session = db.session
    session.flush()  # nothing to do, and no statement, when nothing is pending
    return session.connection().execute(statement, values or {}).all()


_M = TypeVar("_M", bound=Base)


@cache
def table_columns(model: type[Base]) -> tuple[KeyedColumnElement[Any], ...]:
    """The columns of a model's table, in the order as_loaded takes their values."""
    return tuple(model.__table__.columns)


@cache
def _layout(model: type[Base]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The attribute of each of table_columns(model), and where the primary key's columns are among them."""
    mapper = inspect(model)
    columns = table_columns(model)
    return (
        tuple(mapper.get_property_by_column(column).key for column in columns),
        tuple(columns.index(column) for column in mapper.primary_key),
    )


def as_loaded(model: type[_M], values: Sequence[Any]) -> _M:
    """The model's row in the session, from the values of table_columns(model) read as plain columns (read_rows),
    as the ORM would have loaded it. It is the instance the session already holds for that key when there is one,
    with what a commit expired of it filled in from the row. Else it is a new one, holding those values with no
    change to flush, persistent in the session; what it does not hold (a relationship) loads on first use. For the
    row every request reads: the ORM's result machinery costs more than the statement."""
    session = db.session
    mapper = inspect(model)
    keys, primary_key = _layout(model)
    identity = mapper.identity_key_from_primary_key(tuple(values[index] for index in primary_key))
    held = session.identity_map.get(identity)
    if held is not None:
        expired = instance_state(held).expired_attributes  # by a commit: the row just read is what they are now
        for key, value in zip(keys, values, strict=True):
            if key in expired:
                set_committed_value(held, key, value)
        return cast(_M, held)
    instance = mapper.class_manager.new_instance()
    instance_dict(instance).update(zip(keys, values, strict=True))
    make_transient_to_detached(instance)  # the values become what was loaded: nothing to write
    session.add(instance)
    return cast(_M, instance)


# The most rows (or ids) one statement carries when many are read or written at once: some databases take only a
# few thousand parameters a statement.
CHUNK = 1000
_T = TypeVar("_T")


def chunks(items: Sequence[_T]) -> list[Sequence[_T]]:
    """`items` a CHUNK at a time, for one statement each."""
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
