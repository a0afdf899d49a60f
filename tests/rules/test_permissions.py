"""Permissions: a table of role × action × whose record, and the answer."""

import pytest

from tracker.rules.permissions import (
    ACTIONS,
    ADMIN,
    CALENDAR_LINK,
    COMMENT_ITEM,
    IMPORT_FIGURES,
    MANAGE_SETTINGS,
    MANAGE_USERS,
    MONITOR,
    REOPEN_ASSIGNMENT,
    REPORT_FIGURES,
    UNIT_HEAD,
    UNIT_STAFF,
    UPDATE_ASSIGNMENT,
    URGE_UNIT,
    VIEW_EMAIL_LOG,
    VIEW_EVIDENCE,
    VIEW_MONITORING,
    VIEW_PLAN,
    VIEW_UNIT,
    VIEWER,
    Actor,
    can,
)

OWN, OTHER = 1, 2
admin, monitor, viewer = Actor(ADMIN), Actor(MONITOR), Actor(VIEWER)
head, staff = Actor(UNIT_HEAD, OWN), Actor(UNIT_STAFF, OWN)
disabled_head = Actor(UNIT_HEAD, OWN, is_active=False)

TABLE = [
    # action, unit, units, {actor: allowed}
    (VIEW_PLAN, None, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 1, "staff": 1}),
    (VIEW_UNIT, OWN, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 1, "staff": 1}),
    (VIEW_UNIT, OTHER, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 0, "staff": 0}),
    (VIEW_MONITORING, None, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 0, "staff": 0}),
    (UPDATE_ASSIGNMENT, OWN, (), {"admin": 0, "monitor": 0, "viewer": 0, "head": 1, "staff": 1}),
    (UPDATE_ASSIGNMENT, OTHER, (), {"admin": 0, "monitor": 0, "viewer": 0, "head": 0, "staff": 0}),
    (REOPEN_ASSIGNMENT, OWN, (), {"admin": 1, "monitor": 1, "viewer": 0, "head": 0, "staff": 0}),
    (VIEW_EVIDENCE, OWN, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 1, "staff": 1}),
    (VIEW_EVIDENCE, OTHER, (), {"admin": 1, "monitor": 1, "viewer": 1, "head": 0, "staff": 0}),
    (COMMENT_ITEM, None, (OWN, 3), {"admin": 1, "monitor": 1, "viewer": 0, "head": 1, "staff": 1}),
    (COMMENT_ITEM, None, (OTHER,), {"admin": 1, "monitor": 1, "viewer": 0, "head": 0, "staff": 0}),
    (MANAGE_USERS, None, (), {"admin": 1, "monitor": 0, "viewer": 0, "head": 0, "staff": 0}),
    (REPORT_FIGURES, OWN, (), {"admin": 0, "monitor": 0, "viewer": 0, "head": 1, "staff": 1}),
    (REPORT_FIGURES, OTHER, (), {"admin": 0, "monitor": 0, "viewer": 0, "head": 0, "staff": 0}),
    (IMPORT_FIGURES, None, (), {"admin": 1, "monitor": 1, "viewer": 0, "head": 0, "staff": 0}),
    (MANAGE_SETTINGS, None, (), {"admin": 1, "monitor": 0, "viewer": 0, "head": 0, "staff": 0}),
    (VIEW_EMAIL_LOG, None, (), {"admin": 1, "monitor": 1, "viewer": 0, "head": 0, "staff": 0}),
    (URGE_UNIT, OWN, (), {"admin": 1, "monitor": 1, "viewer": 0, "head": 0, "staff": 0}),
    (CALENDAR_LINK, OWN, (), {"admin": 1, "monitor": 0, "viewer": 0, "head": 1, "staff": 1}),
    (CALENDAR_LINK, OTHER, (), {"admin": 1, "monitor": 0, "viewer": 0, "head": 0, "staff": 0}),
]
ACTORS = {"admin": admin, "monitor": monitor, "viewer": viewer, "head": head, "staff": staff}


@pytest.mark.parametrize(
    "action, unit, units, who, allowed",
    [(a, u, us, who, bool(ok)) for a, u, us, answers in TABLE for who, ok in answers.items()],
    ids=str,
)
def test_each_role_may_do_exactly_what_the_table_says(action, unit, units, who, allowed):
    assert can(ACTORS[who], action, unit=unit, units=units) is allowed


def test_the_table_covers_every_action():
    assert {row[0] for row in TABLE} == set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
def test_nobody_signed_out_or_disabled_may_do_anything(action):
    assert not can(None, action, unit=OWN, units=(OWN,))
    assert not can(disabled_head, action, unit=OWN, units=(OWN,))


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        can(admin, "delete_everything")
