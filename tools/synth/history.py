"""Each synthetic assignment's history, made by walking tracker.rules.lifecycle.

Where an assignment may go from each state is asked of the lifecycle (STEPS); every event is a lifecycle
Change, its kind the lifecycle's transition_kind, and check_change must accept it on its day, or the
generator stops: a history the app would refuse is a bug here. What is drawn here is only the statistics: where
an assignment stands today, the route it took (straight there, through work in progress, with a setback on the
way), on which days, and what people wrote.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from tracker.rules.lifecycle import (
    BLOCKED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    PROGRESS,
    REOPEN,
    STATES,
    Change,
    Evidence,
    TransitionRefused,
    check_change,
    transition_kind,
)

from .words import (
    BLOCKED_COMMENTS,
    DIFFICULTIES,
    DOCUMENT_TITLES,
    DONE_COMMENTS,
    PARTNERS,
    PROGRESS_TEMPLATES,
    PROPOSALS,
    REOPEN_REASONS,
    RESUME_COMMENTS,
    START_COMMENTS,
    WAITING_COMMENTS,
)

# Events of an assignment that was started, all told (moves and progress reports), drawn evenly between these.
EVENTS_PER_ASSIGNMENT = (8, 26)
# An assignment's fields when nothing has happened to it: completed on, document number, date and title,
# difficulty, proposal.
NO_FIELDS: tuple = (None, "", None, "", "", "")


def _allowed(current: str, to_state: str) -> bool:
    """Whether the lifecycle lets an assignment go from current to to_state (a reopen included: the IT Centre
    may), asked with a change that has every field a change can need."""
    change = Change(
        to_state,
        comment="…",
        difficulty="…",
        reason="…",
        evidence=Evidence(has_file=True, completed_on=date.min),
    )
    try:
        check_change(current, change, is_reopen_allowed=True, today=date.max)
    except TransitionRefused as refused:
        return "" not in refused.problems  # "" names the transition itself, not a field
    return True


# Where the lifecycle lets each state go, progress reports (staying put) aside.
STEPS: dict[str, tuple[str, ...]] = {
    state: tuple(to for to in STATES if to != state and _allowed(state, to)) for state in STATES
}
# The setbacks work in progress can have and go on from: a state it may move to and come back from.
SETBACKS = tuple(state for state in STEPS[IN_PROGRESS] if IN_PROGRESS in STEPS[state])

# The statistics of the routes, per final state: how often an assignment went straight there from not
# started, and how often its work in progress had a setback (weighted: difficulties four times as often as
# results the IT Centre reopened). The rest went through work in progress without one.
STRAIGHT = {BLOCKED: 0.15, DONE: 0.08}
SETBACK = {IN_PROGRESS: 0.15, DONE: 0.13}
SETBACK_WEIGHTS = {BLOCKED: 4, DONE: 1}
# The states in which work is under way and reported on: progress reports fill the time spent in them.
REPORTING = (IN_PROGRESS, BLOCKED)


def route(rng: random.Random, target: str) -> list[str]:
    """The states an assignment passes through from not started to target, in order."""
    if target == NOT_STARTED:
        return []
    if target in STEPS[NOT_STARTED] and rng.random() < STRAIGHT.get(target, 0.0):
        return [target]
    path = [IN_PROGRESS]
    if rng.random() < SETBACK.get(target, 0.0):
        setback = rng.choices(SETBACKS, [SETBACK_WEIGHTS[state] for state in SETBACKS])[0]
        path += [setback, IN_PROGRESS]
    if target != IN_PROGRESS:
        path.append(target)
    return path


def shortest_route(target: str) -> list[str]:
    """The fewest states to target: for an assignment with too few days for its drawn route."""
    return [target] if target in STEPS[NOT_STARTED] else [IN_PROGRESS, target]


def progress_texts(rng: random.Random, count: int = 2000) -> list[str]:
    """Progress reports as units write them, drawn once and shared by every history."""
    return [
        rng.choice(PROGRESS_TEMPLATES).format(
            n=rng.randint(3, 40),
            m=rng.randint(40, 80),
            partner=rng.choice(PARTNERS),
            month=rng.randint(1, 12),
            k=rng.randint(1, 4),
            pct=rng.choice((20, 30, 40, 50, 60, 70, 80, 90)),
            big=rng.randint(50, 5000),
        )
        for _ in range(count)
    ]


@dataclass
class _Walk:
    """One assignment on its way: its state, its events (rows without ids) and the fields the changes left on
    it, as tracker.assignments.change_assignment leaves them."""

    state: str = NOT_STARTED
    events: list[tuple] = field(default_factory=list)
    completed_on: date | None = None
    document_number: str = ""
    document_date: date | None = None
    document_title: str = ""
    difficulty: str = ""
    proposal: str = ""

    def apply(self, change: Change, *, actor: int | None, at: datetime, today: date) -> None:
        """Record the change, which the lifecycle must accept on that day (TransitionRefused otherwise)."""
        kind = transition_kind(self.state, change.to_state)
        check_change(self.state, change, is_reopen_allowed=True, today=today)
        evidence = change.evidence
        is_done = change.to_state == DONE and kind != PROGRESS
        self.events.append(
            (
                actor,
                at,
                kind,
                self.state,
                change.to_state,
                change.comment,
                change.difficulty,
                change.proposal,
                change.reason,
                evidence.document_number if is_done else "",
                evidence.document_date if is_done else None,
                evidence.document_title if is_done else "",
                evidence.completed_on if is_done else None,
                None,  # no evidence file
            )
        )
        if is_done:
            self.completed_on = evidence.completed_on
            self.document_number, self.document_date = evidence.document_number, evidence.document_date
            self.document_title = evidence.document_title
        if kind == REOPEN:
            self.completed_on = None
        if change.to_state == BLOCKED and kind != PROGRESS:
            self.difficulty, self.proposal = change.difficulty, change.proposal
        elif change.to_state != BLOCKED:
            self.difficulty = self.proposal = ""
        self.state = change.to_state

    def result(self) -> tuple[str, list[tuple], tuple]:
        fields = (
            self.completed_on,
            self.document_number,
            self.document_date,
            self.document_title,
            self.difficulty,
            self.proposal,
        )
        return self.state, self.events, fields


class Histories:
    """Makes assignments' histories up to yesterday, for the builder (its days, moments and accounts)."""

    def __init__(
        self,
        rng: random.Random,
        *,
        today_o: int,
        day: Callable[[int], date],
        at: Callable[[int, int], datetime],
        actors: dict[int, list[int]],
        monitor_id: int | None,
        progress_pool: list[str],
    ):
        self.rng, self.today_o, self.day, self.at = rng, today_o, day, at
        self.actors, self.monitor_id, self.pool = actors, monitor_id, progress_pool

    def make(
        self, start_o: int, due_o: int | None, is_ongoing: bool, unit_id: int, doc_code: str
    ) -> tuple[str, list[tuple], tuple]:
        """The assignment's final state, its events (without ids) and its evidence and difficulty fields."""
        last_o = self.today_o - 1  # history runs up to yesterday
        if start_o > last_o:
            return NOT_STARTED, [], NO_FIELDS
        walk = _Walk()
        actors = self.actors[unit_id]
        target = self.final_state(start_o, due_o, is_ongoing)
        if target == NOT_STARTED:
            self._waiting(walk, actors, start_o, last_o)
            return walk.result()
        path = route(self.rng, target)
        if len(path) > last_o - start_o + 1:  # too few days for the whole route
            path = shortest_route(target)
        days = self._move_days(path, start_o, due_o, last_o)
        cadence = self._cadence(path, days, last_o)
        previous_o = start_o
        for to_state, day_o in zip(path, days):
            self._reports(walk, actors, previous_o, day_o, cadence)
            self._move(walk, actors, to_state, day_o, previous_o, doc_code)
            previous_o = day_o
        self._reports(walk, actors, previous_o, last_o + 1, cadence)
        return walk.result()

    def final_state(self, start_o: int, due_o: int | None, is_ongoing: bool) -> str:
        """Where an assignment stands today: mostly done once its due date has passed (the rest overdue),
        more advanced the more of its time has gone, and mostly in progress when it is ongoing."""
        rng = self.rng
        roll = rng.random()
        if is_ongoing or due_o is None:
            if roll < 0.04:
                return DONE
            if roll < 0.11:
                return BLOCKED
            return NOT_STARTED if roll < 0.24 else IN_PROGRESS
        if due_o < self.today_o:
            if roll < 0.63:
                return DONE
            if roll < 0.72:
                return BLOCKED
            return NOT_STARTED if roll < 0.83 else IN_PROGRESS
        elapsed = (self.today_o - start_o) / max(1, due_o - start_o)
        if roll < 0.3 * elapsed:
            return DONE
        roll = rng.random()
        if roll < 0.07:
            return BLOCKED
        return NOT_STARTED if roll < 0.07 + max(0.05, 0.5 * (1 - elapsed)) else IN_PROGRESS

    def _apply(self, walk: _Walk, actors: list[int], day_o: int, change: Change, actor: int | None = None) -> None:
        rng = self.rng
        who = actor or actors[rng.randrange(len(actors))]
        walk.apply(change, actor=who, at=self.at(day_o, rng.randint(450, 1080)), today=self.day(day_o))

    def _waiting(self, walk: _Walk, actors: list[int], start_o: int, last_o: int) -> None:
        """Not started: now and then a unit says why, when it has had the time to."""
        span = last_o - start_o
        if span > 20 and self.rng.random() < 0.3:
            day_o = start_o + self.rng.randint(10, span)
            self._apply(walk, actors, day_o, Change(NOT_STARTED, comment=self.rng.choice(WAITING_COMMENTS)))

    def _move_days(self, path: list[str], start_o: int, due_o: int | None, last_o: int) -> list[int]:
        """The moves' days: distinct, increasing, within [start, last]; a done assignment's last move on its
        done day, late or in time."""
        rng = self.rng
        size = len(path)
        lowest = start_o + size - 1
        if path[-1] != DONE:
            first_o = start_o + int((last_o - lowest) * rng.uniform(0.0, 0.3))
            return sorted(rng.sample(range(first_o, last_o + 1), size))
        end_o = self._done_day(due_o, lowest, last_o)
        first_o = start_o + int((end_o - lowest) * rng.uniform(0.0, 0.3))
        return [*sorted(rng.sample(range(first_o, end_o), size - 1)), end_o]

    def _done_day(self, due_o: int | None, lowest: int, last_o: int) -> int:
        """The day the result was reported: after the due date about a third of the time."""
        rng = self.rng
        if due_o is None or due_o > last_o:
            return rng.randint(lowest, last_o)
        late = rng.random() < 0.35 or due_o < lowest
        if late and due_o < last_o:
            return rng.randint(max(due_o + 1, lowest), last_o)
        latest = max(lowest, due_o)
        return rng.randint(max(lowest, latest - 60), latest)

    def _cadence(self, path: list[str], days: list[int], last_o: int) -> float:
        """Days between progress reports, so that the assignment has about EVENTS_PER_ASSIGNMENT events in all
        (fewer when there are fewer days than that) spread over its time in the reporting states."""
        reporting = sum(
            until_o - from_o
            for to_state, from_o, until_o in zip(path, days, [*days[1:], last_o + 1])
            if to_state in REPORTING
        )
        wanted = self.rng.randint(*EVENTS_PER_ASSIGNMENT) - len(path)
        return max(3.0, reporting / (wanted + 1)) if wanted > 0 else float(reporting + 1)

    def _reports(self, walk: _Walk, actors: list[int], from_o: int, until_o: int, cadence: float) -> None:
        """Progress reports in the current state on days strictly between from_o and until_o."""
        if walk.state not in REPORTING:
            return
        rng, pool = self.rng, self.pool
        step = cadence * rng.uniform(0.5, 1.5)
        while (day_o := from_o + int(step)) < until_o:
            comment = pool[rng.randrange(len(pool))] if walk.state == IN_PROGRESS else rng.choice(BLOCKED_COMMENTS)
            self._apply(walk, actors, day_o, Change(walk.state, comment=comment))
            step += max(1.0, cadence * rng.uniform(0.6, 1.4))

    def _move(self, walk: _Walk, actors: list[int], to_state: str, day_o: int, previous_o: int, doc_code: str) -> None:
        """A move to to_state with what the lifecycle asks of it: a reason to reopen (the IT Centre's), the
        result document to be done, the difficulty to be blocked, a comment otherwise."""
        rng = self.rng
        kind = transition_kind(walk.state, to_state)
        if kind == REOPEN:
            change = Change(to_state, reason=rng.choice(REOPEN_REASONS))
            self._apply(walk, actors, day_o, change, actor=self.monitor_id)
            return
        if to_state == DONE:
            done_on = self.day(max(previous_o, day_o - rng.randint(0, 2)))
            evidence = Evidence(
                document_number=f"{rng.randint(1, 999)}/{rng.choice(('QĐ', 'KH', 'BC', 'CV'))}-{doc_code}",
                document_date=done_on,
                document_title=rng.choice(DOCUMENT_TITLES),
                completed_on=done_on,
            )
            change = Change(DONE, comment=rng.choice(DONE_COMMENTS), evidence=evidence)
        elif to_state == BLOCKED:
            change = Change(BLOCKED, difficulty=rng.choice(DIFFICULTIES), proposal=rng.choice(PROPOSALS))
        else:
            comment = rng.choice(RESUME_COMMENTS) if walk.state == BLOCKED else rng.choice(START_COMMENTS)
            change = Change(to_state, comment=comment)
        self._apply(walk, actors, day_o, change)
