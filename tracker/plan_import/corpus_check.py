"""Scores the importer against hand-checked plans: each document's items and targets as imported are
matched with its `.expected.json` and counted (found, units exact, deadlines exact, invented).

The comparison itself is plain data in, figures out; `plan check-corpus` feeds it what a real import
into a scratch database saved."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ActionItem, Plan
from ..rules.deadlines import YEARLY
from .document import PlanImportError, PlanNumberMissing

# The formats a corpus document may come in, next to its NAME.expected.json.
DOCUMENT_SUFFIXES = (".md", ".txt", ".docx", ".html", ".htm", ".pdf", ".doc")
# Ground-truth task texts are cut at 80 characters; comparing 60 leaves room for a stray marker.
_TASK_PREFIX = 60
_SIMILAR = 0.85
_EMPHASIS_RE = re.compile(r"[*_`]+")
_NON_WORD_RE = re.compile(r"[\W_]+")
_SPACE_RE = re.compile(r"\s+")
# The number given to a document that states none, as the person importing it would.
PLACEHOLDER_NUMBER = "0/KIỂM-TRA"


@dataclass
class FoundItem:
    """One item as the import saved it."""

    task: str
    lead: list[str]
    coordinating: list[str]
    due: str | None
    recurrence: str | None
    ongoing: bool


@dataclass
class FoundTarget:
    indicator: str
    value: str


@dataclass
class Counts:
    """The figures the check counts, for one file or added up over many."""

    expected_items: int = 0
    found: int = 0
    lead_exact: int = 0
    coordinating_exact: int = 0
    deadline_exact: int = 0
    invented: int = 0
    expected_targets: int = 0
    targets_found: int = 0
    not_understood: int = 0


_COUNTED = tuple(Counts.__dataclass_fields__)


@dataclass
class DocumentScore(Counts):
    """The figures for one file."""

    file: str = ""
    refused: str | None = None  # the error message when the document was refused whole
    seconds: float = 0.0
    # (expected index, field, expected, found) for every mismatch, and the tasks not found / invented.
    mismatches: list[tuple[int, str, Any, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Totals(Counts):
    files: int = 0
    refused: int = 0

    def add(self, score: DocumentScore) -> None:
        self.files += 1
        self.refused += score.refused is not None
        for name in _COUNTED:
            setattr(self, name, getattr(self, name) + getattr(score, name))

    def rate(self, name: str) -> float:
        """A count as a share of the expected items (targets for targets_found)."""
        whole = self.expected_targets if name == "targets_found" else self.expected_items
        return getattr(self, name) / whole if whole else 1.0

    def as_dict(self) -> dict[str, Any]:
        figures = dict(self.__dict__)
        for name in ("found", "lead_exact", "coordinating_exact", "deadline_exact", "targets_found"):
            figures[f"{name}_rate"] = round(self.rate(name), 4)
        return figures


# What the issue accepts on the development corpus: shares of the expected items, and counts.
ACCEPTANCE = {"found": 0.98, "lead_exact": 0.95, "deadline_exact": 0.95, "coordinating_exact": 0.90}


def shortfalls(totals: Totals) -> list[str]:
    """The acceptance figures the totals miss, in words; empty when all are met."""
    missed = [
        f"{name} {totals.rate(name):.1%} < {floor:.0%}"
        for name, floor in ACCEPTANCE.items()
        if totals.rate(name) < floor
    ]
    if totals.refused:
        missed.append(f"{totals.refused} document(s) refused")
    if totals.invented:
        missed.append(f"{totals.invented} invented item(s)")
    return missed


def corpus_documents(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every document file of the folder that has a NAME.expected.json, with that ground truth."""
    found: list[tuple[Path, dict[str, Any]]] = []
    for truth in sorted(folder.glob("*.expected.json")):
        expected = json.loads(truth.read_text(encoding="utf-8"))
        name = truth.name.removesuffix(".expected.json")
        for suffix in DOCUMENT_SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.is_file():
                found.append((path, expected))
    return found


def task_key(text: str) -> str:
    """A task's start as the ground truth cuts it, reduced to letters and digits for comparison."""
    text = _EMPHASIS_RE.sub("", unicodedata.normalize("NFC", text))
    text = _SPACE_RE.sub(" ", text).strip().lstrip("-+•").strip()
    return _NON_WORD_RE.sub("", text.casefold())[:_TASK_PREFIX]


def _same_task(expected: str, found: str) -> bool:
    if not expected or not found:
        return False
    short, longer = sorted((expected, found), key=len)
    if len(short) >= 20 and longer.startswith(short):
        return True
    return SequenceMatcher(None, expected, found, autojunk=False).ratio() >= _SIMILAR


def align(expected: list[str], found: list[str]) -> list[tuple[int, int]]:
    """The largest in-order matching of expected task keys to found ones (pairs of indexes)."""
    n, m = len(expected), len(found)
    same = [[_same_task(e, f) for f in found] for e in expected]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + 1 if same[i][j] else 0)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if same[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _names(names: list[str]) -> list[str]:
    cleaned = (_SPACE_RE.sub(" ", unicodedata.normalize("NFC", n)).strip(" .;,") for n in names)
    return sorted(n for n in cleaned if n)


def score_items(score: DocumentScore, expected: list[dict[str, Any]], found: list[FoundItem]) -> None:
    """Count found, exact and invented items of one file into score."""
    pairs = align([task_key(e["task"]) for e in expected], [task_key(f.task) for f in found])
    score.expected_items = len(expected)
    score.found = len(pairs)
    score.invented = len(found) - len(pairs)
    matched_e = {i for i, _ in pairs}
    matched_f = {j for _, j in pairs}
    score.missing = [e["task"] for i, e in enumerate(expected) if i not in matched_e]
    score.extra = [f.task[:80] for j, f in enumerate(found) if j not in matched_f]
    for i, j in pairs:
        want, got = expected[i], found[j]
        checks = (
            ("lead", _names(want["lead"]), _names(got.lead), "lead_exact"),
            ("coordinating", _names(want["coordinating"]), _names(got.coordinating), "coordinating_exact"),
            (
                "deadline",
                (want["due"], want["recurrence"], bool(want["ongoing"])),
                (got.due, got.recurrence, got.ongoing),
                "deadline_exact",
            ),
        )
        for label, wanted, seen, counter in checks:
            if wanted == seen:
                setattr(score, counter, getattr(score, counter) + 1)
            else:
                score.mismatches.append((i, label, wanted, seen))


def score_targets(score: DocumentScore, expected: list[dict[str, Any]], found: list[FoundTarget]) -> None:
    """Count the expected targets whose indicator was found (in order)."""
    score.expected_targets = len(expected)
    pairs = align([task_key(target["indicator"]) for target in expected], [task_key(t.indicator) for t in found])
    score.targets_found = len(pairs)


def check_document(path: Path, expected: dict[str, Any], *, now: Any) -> DocumentScore:
    """Import one file into the current (scratch) database, score what was saved, then roll it back."""
    from . import import_document  # the package's entry point; imported here to avoid a cycle

    score = DocumentScore(file=path.name)
    started = time.perf_counter()
    data = path.read_bytes()
    try:
        try:
            report = import_document(data, path.name, now=now)
        except PlanNumberMissing:
            # What an admin does when the preview asks: give the plan a number.
            db.session.rollback()
            report = import_document(data, path.name, now=now, number=PLACEHOLDER_NUMBER)
    except PlanImportError as exc:
        db.session.rollback()
        score.refused = str(exc)
        score.seconds = time.perf_counter() - started
        score.expected_items, score.expected_targets = len(expected["items"]), len(expected["targets"])
        score.missing = [e["task"] for e in expected["items"]]
        return score
    score.seconds = time.perf_counter() - started
    plan = db.session.scalar(
        select(Plan).where(Plan.number == report.plan).options(selectinload(Plan.items).selectinload(ActionItem.units))
    )
    found = []
    for item in plan.items if plan else []:
        found.append(
            FoundItem(
                task=item.task,
                lead=[written for written, _, _ in item.mentions("lead")],
                coordinating=[written for written, _, _ in item.mentions("coordinating")],
                # A yearly item is saved as one assignment a year, each with its own due date (the item keeps the
                # first year's); the ground truth writes the same reading as "no single due date, ongoing".
                due=item.due_on.isoformat() if item.due_on and item.recurrence != YEARLY else None,
                recurrence=item.recurrence,
                ongoing=item.is_ongoing or item.recurrence == YEARLY,
            )
        )
    targets = [FoundTarget(target["indicator"], target["value"]) for target in report.targets_preview]
    score_items(score, expected["items"], found)
    score_targets(score, expected["targets"], targets)
    score.not_understood = len(report.not_understood)
    db.session.rollback()
    return score
