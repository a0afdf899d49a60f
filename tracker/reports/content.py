"""What the 6-monthly and annual report on a plan's execution says: plain dataclasses built from the database
(build_report), and who issues it (Issuer, from the TRACKER_REPORT_* settings). The files it is handed over as
are written by .docx and .xlsx, which read nothing but a Report."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..config import DEFAULTS
from ..extensions import db
from ..figures import IndicatorResult, UnitKpi, kpi_by_unit
from ..formatting import vn_long_date
from ..models import ActionItem, Assignment, Plan, PlanSection
from ..rules import lifecycle
from ..rules.indicators import SCHEME_1872
from ..rules.kpi import NOT_APPLICABLE, RANGE, STATUS_LABELS, decimal_comma, round_percent
from ..rules.texts import joined, t

CLASSES = (lifecycle.DONE_ON_TIME, lifecycle.DONE_LATE, lifecycle.NOT_DONE_IN_TIME, lifecycle.NOT_DONE_OVERDUE)
BLOCKED_LABEL = "Gặp vướng mắc"
FILE_EVIDENCE = t("tệp đính kèm")
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# In a setting that holds several lines (the issuer's names, the recipients), "|" ends a line.
LINE_SEPARATOR = "|"


# ---------------------------------------------------------------------------------------------------
# Who issues the report


def _lines(value: object) -> tuple[str, ...]:
    return tuple(line.strip() for line in str(value).split(LINE_SEPARATOR) if line.strip())


@dataclass(frozen=True)
class Issuer:
    """The agency that issues the report and who signs it, as the settings TRACKER_REPORT_* give them."""

    parent_lines: tuple[str, ...]  # the governing agency (cơ quan chủ quản), as broken over lines
    lines: tuple[str, ...]  # the issuing agency (cơ quan ban hành), as broken over lines
    name: str  # the issuing agency in running text: "Trung tâm Công nghệ thông tin báo cáo …"
    number_suffix: str  # what follows the number: "Số: …/BC-TTCNTT"
    place: str  # the place of the dateline: "Hà Nội, ngày …"
    recipients: tuple[str, ...]  # "Nơi nhận", one line each
    signer_title: str  # "GIÁM ĐỐC", or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" (from "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC")
    signer_name: str = ""

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> Issuer:
        """The issuer from the app's settings (current_app.config, or config.DEFAULTS)."""
        return cls(
            parent_lines=_lines(settings["REPORT_ISSUER_PARENT"]),
            lines=_lines(settings["REPORT_ISSUER"]),
            name=str(settings["REPORT_ISSUER_NAME"]).strip(),
            number_suffix=str(settings["REPORT_NUMBER_SUFFIX"]).strip(),
            place=str(settings["REPORT_PLACE"]).strip(),
            recipients=_lines(settings["REPORT_RECIPIENTS"]),
            signer_title="\n".join(_lines(settings["REPORT_SIGNER_TITLE"])),
            signer_name=str(settings["REPORT_SIGNER_NAME"]).strip(),
        )

    @property
    def number(self) -> str:
        """ "Số: …/BC-TTCNTT": the number itself is written by hand when the report is registered."""
        return f"Số: …{self.number_suffix}"


DEFAULT_ISSUER = Issuer.from_settings(DEFAULTS)


# ---------------------------------------------------------------------------------------------------
# What the report says


@dataclass
class Tally:
    """Assignments counted by the four classes of Quy chế 42/2014/QĐ-TTg, plus those blocked (a part of
    the two "not done" classes)."""

    done_on_time: int = 0
    done_late: int = 0
    not_done_in_time: int = 0
    not_done_overdue: int = 0
    blocked: int = 0

    def add(self, outcome: str, is_blocked: bool) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.blocked += int(is_blocked)

    def count(self, outcome: str) -> int:
        return getattr(self, outcome)

    @property
    def total(self) -> int:
        return sum(getattr(self, outcome) for outcome in CLASSES)

    def share(self, count: int) -> Decimal | None:
        """count as a percentage of the total, one decimal; None when there is nothing to count."""
        return round_percent(Fraction(count, self.total)) if self.total else None


@dataclass
class UnitRow:
    unit: str
    unit_code: str
    tally: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class KpiCell:
    """One indicator of one unit: the ratio and the gap rounded to one decimal, the target as written."""

    number: int
    percent: Decimal | None
    numerator: int | None
    denominator: int | None
    target: str
    required: Decimal | None
    status: str
    gap_points: Decimal | None  # for a count indicator: how many short, in its unit
    kind: str = "ratio"  # or "percent" (reported directly), "count" (percent then holds the count)
    unit_of_measure: str = "%"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent_text(self) -> str:
        if self.percent is None:
            return ""
        if self.kind == "count":
            return f"{decimal_comma(self.percent)} {self.unit_of_measure}".strip()
        return f"{decimal_comma(self.percent)}%"

    @property
    def gap_text(self) -> str:
        if self.gap_points is None:
            return ""
        if self.kind == "count":
            return f"{decimal_comma(self.gap_points)} {self.unit_of_measure}".strip()
        return t("%(gap)s điểm %%", gap=decimal_comma(self.gap_points))

    def parts(self) -> tuple[str, ...]:
        """The actual, the target and the assessment: ("9,2%", "(chỉ tiêu 30%)", "Chưa đạt, thiếu 20,8 điểm %")."""
        if self.status == NOT_APPLICABLE:
            return (self.target,)
        parts = (self.percent_text or "Chưa có số liệu", f"(chỉ tiêu {self.target})")
        if self.status == "not_met":
            return (*parts, f"{self.status_label}, thiếu {self.gap_text}")
        if self.status == "met":
            return (*parts, self.status_label)
        return parts

    @property
    def summary(self) -> str:
        """ "9,2% (chỉ tiêu 30%) — Chưa đạt, thiếu 20,8 điểm %", as one line of text."""
        parts = self.parts()
        return " — ".join([" ".join(parts[:2]), *parts[2:]])


@dataclass(frozen=True)
class KpiRow:
    group: str
    unit: str
    as_of: date | None
    cells: tuple[KpiCell, ...]


@dataclass(frozen=True)
class CompletionEvidence:
    """The output document an assignment was closed with, or its attached file."""

    document_number: str
    document_date: date | None
    document_title: str
    has_file: bool

    @property
    def text(self) -> str:
        """ "Số 123/QĐ-CĐA ngày 20/10/2023: Quyết định …; tệp đính kèm"."""
        parts: list[str] = []
        document = joined(
            *filter(
                None,
                [
                    t("Số %(number)s", number=self.document_number) if self.document_number else "",
                    t("ngày %(day)s", day=dmy(self.document_date)) if self.document_date else "",
                ],
            ),
            sep=" ",
        )
        if document and self.document_title:
            parts.append(joined(document, self.document_title, sep=": "))
        elif document or self.document_title:
            parts.append(document or self.document_title)
        if self.has_file:
            parts.append(FILE_EVIDENCE)
        return joined(*parts, sep="; ")


@dataclass(frozen=True)
class TaskRow:
    """An assignment as the report's lists show it."""

    reference: str
    task: str
    unit: str
    due_on: date | None
    deadline_text: str
    outcome: str

    @property
    def outcome_label(self) -> str:
        return lifecycle.CLASS_LABELS[self.outcome]


@dataclass(frozen=True)
class BlockedRow(TaskRow):
    difficulty: str = ""
    proposal: str = ""
    blocked_on: date | None = None


@dataclass(frozen=True)
class CompletedRow(TaskRow):
    completed_on: date | None = None
    evidence: CompletionEvidence = CompletionEvidence("", None, "", False)

    @property
    def is_late(self) -> bool:
        return self.outcome == lifecycle.DONE_LATE


@dataclass(frozen=True)
class CancelledRow:
    """An item cancelled ("bãi bỏ"): listed apart, never counted as open or overdue."""

    reference: str
    task: str
    lead: str
    cancelled_on: date | None
    reason: str


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    kind: str = "ratio"


@dataclass
class Report:
    plan_number: str
    plan_title: str
    plan_issued_on: date | None
    start: date
    end: date
    as_of: date
    made_on: date
    items: int
    totals: Tally
    units: list[UnitRow]
    indicators: list[Indicator]
    kpi: list[KpiRow]
    blocked: list[BlockedRow]
    completed: list[CompletedRow]
    cancelled: list[CancelledRow] = field(default_factory=list)
    kpi_scheme: str = SCHEME_1872
    issuer: Issuer = DEFAULT_ISSUER

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)

    @property
    def is_before_end(self) -> bool:
        """Whether the report is made before its period ends (so it stands as of the day it is made)."""
        return self.as_of < self.end

    @property
    def kpi_groups(self) -> list[tuple[str, list[KpiRow]]]:
        """The KPI rows by unit group, groups in the plan's order."""
        groups: dict[str, list[KpiRow]] = {}
        for row in self.kpi:
            groups.setdefault(row.group, []).append(row)
        return list(groups.items())

    @property
    def as_of_note(self) -> str:
        """Why the figures stop before the period's end, when they do; empty otherwise."""
        if not self.is_before_end:
            return ""
        return t(
            "Kỳ báo cáo đến ngày %(end)s chưa kết thúc: số liệu trong báo cáo tính đến ngày %(day)s, ngày lập báo cáo.",
            end=dmy(self.end),
            day=dmy(self.as_of),
        )

    @property
    def plan_reference(self) -> str:
        """ "Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL ngày 13/07/2023"."""
        return plan_reference(self.plan_number, self.plan_issued_on)

    @property
    def subtitle(self) -> str:
        return t(
            "Kết quả thực hiện %(plan)s %(period)s", plan=plan_reference(self.plan_number, None), period=self.period
        )

    @property
    def dateline(self) -> str:
        return joined(self.issuer.place, vn_long_date(self.made_on), sep=", ")

    @property
    def summary(self) -> str:
        """The opening sentence of section I."""
        tally = self.totals
        opening = t(
            "Kế hoạch có %(items)s nhiệm vụ đã giao đơn vị chủ trì, với %(total)s lượt giao cho "
            "%(units)s đơn vị. Tính đến ngày %(day)s: %(done_on_time)s hoàn thành đúng hạn, "
            "%(done_late)s hoàn thành quá hạn, %(in_time)s chưa hoàn thành nhưng còn hạn, %(overdue)s "
            "chưa hoàn thành và đã quá hạn; trong số chưa hoàn thành có %(blocked)s đang gặp vướng mắc.",
            items=self.items,
            total=tally.total,
            units=len(self.units),
            day=dmy(self.as_of),
            done_on_time=tally.done_on_time,
            done_late=tally.done_late,
            in_time=tally.not_done_in_time,
            overdue=tally.not_done_overdue,
            blocked=tally.blocked,
        )
        if not self.cancelled:
            return opening
        return joined(
            opening,
            t("Ngoài ra có %(count)s nhiệm vụ đã bãi bỏ (không tính vào các số trên).", count=len(self.cancelled)),
            sep=" ",
        )


def dmy(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def period_label(start: date, end: date) -> str:
    """ "6 tháng đầu năm 2023" (1/1–30/6), "6 tháng cuối năm 2023" (1/7–31/12), "năm 2023", or the dates."""
    if start.year == end.year and (start.month, start.day) == (1, 1):
        if (end.month, end.day) == (6, 30):
            return t("6 tháng đầu năm %(year)s", year=start.year)
        if (end.month, end.day) == (12, 31):
            return t("năm %(year)s", year=start.year)
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
        return t("6 tháng cuối năm %(year)s", year=start.year)
    return t("từ %(start)s đến %(end)s", start=dmy(start), end=dmy(end))


def plan_reference(number: str, issued_on: date | None) -> str:
    """How a report names the plan: by the decision that issued it, or by its own number."""
    by_decision = "/QĐ-" in number.upper()
    if issued_on is None:
        return (
            t("Kế hoạch ban hành kèm theo Quyết định số %(number)s", number=number)
            if by_decision
            else t("Kế hoạch số %(number)s", number=number)
        )
    return (
        t("Kế hoạch ban hành kèm theo Quyết định số %(number)s ngày %(day)s", number=number, day=dmy(issued_on))
        if by_decision
        else t("Kế hoạch số %(number)s ngày %(day)s", number=number, day=dmy(issued_on))
    )


def _local_date(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def _blocked_as_of(assignment: Assignment, end: date, zone: ZoneInfo) -> tuple[bool, str, str, date | None]:
    """Whether the assignment was blocked on `end` (from its history), with the difficulty and proposal
    then given and the day it became blocked."""
    state = assignment.events[0].from_state if assignment.events else assignment.status
    difficulty = proposal = ""
    since = None
    for event in assignment.events:
        if _local_date(event.at, zone) > end:
            break
        state = event.to_state
        if event.to_state == lifecycle.BLOCKED and event.kind != lifecycle.PROGRESS:
            difficulty, proposal, since = event.difficulty, event.proposal, _local_date(event.at, zone)
    if state != lifecycle.BLOCKED:
        return False, "", "", None
    if not any(_local_date(e.at, zone) > end for e in assignment.events):
        # Nothing changed since `end`: the assignment's own fields are the current word.
        difficulty, proposal = assignment.difficulty or difficulty, assignment.proposal or proposal
    return True, difficulty, proposal, since


def _has_file(assignment: Assignment) -> bool:
    """Whether the move to done that stands attached a file."""
    for event in reversed(assignment.events):
        if event.to_state == lifecycle.DONE and event.kind != lifecycle.PROGRESS:
            return event.evidence_file_id is not None
    return False


def _counted(standing: UnitKpi, result: IndicatorResult) -> bool:
    """Whether an indicator is a count held against a target count (only a plan's own indicators are)."""
    return standing.plan.kpi_scheme != SCHEME_1872 and result.indicator.kind == "count"


def _target_text(result: IndicatorResult, counted: bool = False) -> str:
    rule = result.rule
    if rule is None:
        return "chưa giao"
    unit = f" {result.indicator.unit_of_measure}".rstrip() if counted else "%"
    if rule.kind == NOT_APPLICABLE:
        return "Không áp dụng" + (f" ({rule.note})" if rule.note else "")
    if rule.kind == RANGE and rule.low is not None and rule.high is not None:
        return f"{decimal_comma(rule.low)}–{decimal_comma(rule.high)}{unit}"
    required = result.attainment.required if result.attainment.required is not None else rule.low
    return "" if required is None else f"{decimal_comma(required)}{unit}"


def _kpi_rows(plan_id: int, end: date) -> tuple[list[Indicator], list[KpiRow]]:
    standings = kpi_by_unit(plan_id=plan_id, as_of=end)
    indicators = (
        [
            Indicator(r.indicator.number, r.indicator.name, "count" if _counted(standings[0], r) else "ratio")
            for r in standings[0].results
        ]
        if standings
        else []
    )
    rows = []
    for standing in standings:
        cells = []
        for result in standing.results:
            ratio, reached = result.ratio, result.attainment
            counted = _counted(standing, result)
            if counted:  # the count as it is, the gap in the count's unit, both to one decimal
                value = round_percent(ratio.value / 100) if ratio and ratio.value is not None else None
            else:
                value = round_percent(ratio.value) if ratio else None
            cells.append(
                KpiCell(
                    number=result.indicator.number,
                    percent=value,
                    numerator=ratio.numerator if ratio else None,
                    denominator=ratio.denominator if ratio else None,
                    target=_target_text(result, counted),
                    required=reached.required,
                    status=reached.status,
                    gap_points=round_percent(reached.gap_points / 100) if reached.gap_points is not None else None,
                    kind="count" if counted else (ratio.kind if ratio else "ratio"),
                    unit_of_measure=result.indicator.unit_of_measure,
                )
            )
        rows.append(
            KpiRow(
                standing.group.name,
                standing.unit.name,
                standing.latest.as_of if standing.latest else None,
                tuple(cells),
            )
        )
    return indicators, rows


def build_report(
    plan: Plan,
    start: date,
    end: date,
    *,
    today: date,
    zone: ZoneInfo = DEFAULT_ZONE,
    issuer: Issuer = DEFAULT_ISSUER,
) -> Report:
    """The report on a plan for the period start–end, made on `today` (the date it bears) and standing as of
    the earlier of `end` and `today`: every assignment is classified as things stood that day, so an item not
    yet due on it is "not done, in time", however soon the period ends.

    Counts are cumulative since the plan began (a report as of 30/06 counts what was done before 1/1 too);
    a yearly item's occurrences of years after `end` are left out. "Completed" lists what was completed
    within start–as of. A fixed number of queries. `issuer` is who issues it (the TRACKER_REPORT_* settings)."""
    if start > end:
        raise ValueError("start after end")
    # Nothing is known of the days after today: a report of a period still running stands as of today.
    as_of = min(end, today)
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .join(ActionItem)
            .where(
                ActionItem.plan_id == plan.id,
                Assignment.is_active,
                ActionItem.cancelled_on.is_(None),
                or_(Assignment.occurrence == 0, Assignment.occurrence <= end.year),
            )  # 0: a one-off item
            .options(
                selectinload(Assignment.unit),
                selectinload(Assignment.events),
                selectinload(Assignment.item).selectinload(ActionItem.section),
            )
        )
    )
    assignments.sort(key=lambda a: (a.item.section.position, a.item.position, a.occurrence, a.id))

    totals, units = Tally(), dict[int, UnitRow]()
    blocked: list[BlockedRow] = []
    completed: list[CompletedRow] = []
    for assignment in assignments:
        item = assignment.item
        outcome = lifecycle.classify(
            state=assignment.status,
            due_on=assignment.due_on,
            completed_on=assignment.completed_on,
            is_ongoing=item.is_ongoing,
            as_of=as_of,
        )
        is_done = outcome in (lifecycle.DONE_ON_TIME, lifecycle.DONE_LATE)
        is_blocked, difficulty, proposal, since = (
            (False, "", "", None) if is_done else _blocked_as_of(assignment, as_of, zone)
        )
        totals.add(outcome, is_blocked)
        row = units.setdefault(assignment.unit_id, UnitRow(assignment.unit.name, assignment.unit.code))
        row.tally.add(outcome, is_blocked)
        reference = item.reference + (f" ({assignment.occurrence})" if assignment.occurrence else "")
        common: dict[str, Any] = {
            "reference": reference,
            "task": item.task.strip(),
            "unit": assignment.unit.name,
            "due_on": assignment.due_on,
            "deadline_text": item.deadline_text,
            "outcome": outcome,
        }
        if is_blocked:
            blocked.append(BlockedRow(**common, difficulty=difficulty, proposal=proposal, blocked_on=since))
        if is_done and assignment.completed_on is not None and start <= assignment.completed_on <= as_of:
            completed.append(
                CompletedRow(
                    **common,
                    completed_on=assignment.completed_on,
                    evidence=CompletionEvidence(
                        assignment.document_number,
                        assignment.document_date,
                        assignment.document_title,
                        _has_file(assignment),
                    ),
                )
            )

    cancelled = [
        CancelledRow(
            reference=item.reference,
            task=item.task.strip(),
            lead=item.lead_text,
            cancelled_on=item.cancelled_on,
            reason=item.cancel_reason,
        )
        for item in db.session.scalars(
            select(ActionItem)
            .join(ActionItem.section)
            .where(ActionItem.plan_id == plan.id, ActionItem.cancelled_on.is_not(None))
            .order_by(PlanSection.position, ActionItem.position)
            .options(selectinload(ActionItem.section))
        )
    ]
    indicators, kpi = _kpi_rows(plan.id, as_of)
    return Report(
        plan_number=plan.number,
        plan_title=plan.title,
        plan_issued_on=plan.issued_on,
        start=start,
        end=end,
        as_of=as_of,
        made_on=today,
        items=len({a.item_id for a in assignments}),
        totals=totals,
        units=list(units.values()),
        indicators=indicators,
        kpi=kpi,
        blocked=blocked,
        completed=completed,
        cancelled=cancelled,
        kpi_scheme=plan.kpi_scheme,
        issuer=issuer,
    )


def ascii_filename(report: Report, extension: str) -> str:
    """ "bao-cao-1872-QD-BVHTTDL-2023-01-01-2023-06-30.docx": plain ASCII for every browser and mail client."""
    number = unicodedata.normalize("NFKD", report.plan_number.replace("Đ", "D").replace("đ", "d"))
    number = re.sub(r"[^A-Za-z0-9]+", "-", number.encode("ascii", "ignore").decode()).strip("-")
    return f"bao-cao-{number or 'ke-hoach'}-{report.start:%Y-%m-%d}-{report.end:%Y-%m-%d}.{extension}"


# ---------------------------------------------------------------------------------------------------
# Tables shared by both files: headers and rows of plain values (dates stay dates, counts stay ints)

UNIT_HEADERS = (
    "STT",
    "Đơn vị chủ trì",
    lifecycle.CLASS_LABELS[lifecycle.DONE_ON_TIME],
    lifecycle.CLASS_LABELS[lifecycle.DONE_LATE],
    lifecycle.CLASS_LABELS[lifecycle.NOT_DONE_OVERDUE],
    lifecycle.CLASS_LABELS[lifecycle.NOT_DONE_IN_TIME],
    BLOCKED_LABEL,
    "Tổng số",
)
UNIT_ORDER = (lifecycle.DONE_ON_TIME, lifecycle.DONE_LATE, lifecycle.NOT_DONE_OVERDUE, lifecycle.NOT_DONE_IN_TIME)


def unit_counts(tally: Tally) -> list[int]:
    """A unit's row of counts, in the order of UNIT_HEADERS[2:]."""
    return [tally.count(o) for o in UNIT_ORDER] + [tally.blocked, tally.total]
