"""The 6-monthly and annual report on a plan's execution: what it says (build_report, plain dataclasses)
and the two files it is handed over as (report_docx, report_xlsx)."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .figures import kpi_by_unit
from .formatting import vn_long_date
from .models import ActionItem, Assignment, Plan, PlanSection
from .rules import lifecycle
from .rules.indicators import SCHEME_1872
from .rules.kpi import NOT_APPLICABLE, RANGE, STATUS_LABELS, decimal_comma, round_percent
from .rules.texts import joined, t
from .spreadsheets import add_sheet as _sheet
from .spreadsheets import as_share
from .spreadsheets import fit_on_a4 as _fit_on_a4
from .spreadsheets import put as _put

CLASSES = (lifecycle.DONE_ON_TIME, lifecycle.DONE_LATE, lifecycle.NOT_DONE_IN_TIME, lifecycle.NOT_DONE_OVERDUE)
BLOCKED_LABEL = "Gặp vướng mắc"
FILE_EVIDENCE = t("tệp đính kèm")
# The issuer's names as they are broken over two lines in the header block's narrow left column.
ISSUER_PARENT_LINES = ("BỘ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH")
ISSUER_LINES = ("TRUNG TÂM CÔNG NGHỆ", "THÔNG TIN")
ISSUER_PARENT, ISSUER = " ".join(ISSUER_PARENT_LINES), " ".join(ISSUER_LINES)
ISSUER_NUMBER = "Số: …/BC-TTCNTT"
ISSUER_PLACE = "Hà Nội"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


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
        return joined(ISSUER_PLACE, vn_long_date(self.made_on), sep=", ")

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
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        at = at.replace(tzinfo=UTC)
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


def _counted(standing, result) -> bool:  # type: ignore[no-untyped-def]
    """Whether an indicator is a count held against a target count (only a plan's own indicators are)."""
    return standing.plan.kpi_scheme != SCHEME_1872 and result.indicator.kind == "count"


def _target_text(result, counted: bool = False) -> str:  # type: ignore[no-untyped-def]
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


def build_report(plan: Plan, start: date, end: date, *, today: date, zone: ZoneInfo = DEFAULT_ZONE) -> Report:
    """The report on a plan for the period start–end, made on `today` (the date it bears) and standing as of
    the earlier of `end` and `today`: every assignment is classified as things stood that day, so an item not
    yet due on it is "not done, in time", however soon the period ends.

    Counts are cumulative since the plan began (a report as of 30/06 counts what was done before 1/1 too);
    a yearly item's occurrences of years after `end` are left out. "Completed" lists what was completed
    within start–as of. A fixed number of queries."""
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

    totals, units = Tally(), {}
    blocked, completed = [], []
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
        common = {
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


def _unit_counts(tally: Tally) -> list[int]:
    return [tally.count(o) for o in UNIT_ORDER] + [tally.blocked, tally.total]


# ---------------------------------------------------------------------------------------------------
# .docx


FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less the 3 cm left and 2 cm right margins


def _set_font(rpr) -> None:  # type: ignore[no-untyped-def]
    """Times New Roman for every script (Latin, East Asian, complex) in a w:rPr, with no theme font left
    to override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _setup_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    _set_font(normal.element.get_or_add_rPr())
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if default_rpr is not None:  # what tables and any unstyled text fall back to
        _set_font(default_rpr)
        language = default_rpr.find(qn("w:lang"))
        if language is not None:  # Vietnamese spelling and proofing, not American English
            language.set(qn("w:val"), "vi-VN")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", 13), ("Heading 2", 13)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.italic = False
        style.font.color.rgb = None
        style.font.all_caps = False
        _set_font(style.element.get_or_add_rPr())
        color = style.element.rPr.find(qn("w:color"))
        if color is not None:
            style.element.rPr.remove(color)
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    core = document.core_properties
    core.author, core.language = ISSUER.title(), "vi-VN"
    return document


# A document number ("1872/QĐ-BVHTTDL") is not to be broken at its hyphen at the end of a line.
_DOCUMENT_NUMBER_RE = re.compile(r"\S+/\S+")


def _add_run(paragraph, text: str):  # type: ignore[no-untyped-def]
    """A run holding text ("\n" a line break), the hyphens of document numbers written as non-breaking."""
    run = paragraph.add_run()
    pieces: list[str | None] = []  # None stands for a non-breaking hyphen
    position = 0
    for match in _DOCUMENT_NUMBER_RE.finditer(text):
        pieces.append(text[position : match.start()])
        for n, part in enumerate(match.group().split("-")):
            if n:
                pieces.append(None)
            pieces.append(part)
        position = match.end()
    pieces.append(text[position:])
    for piece in pieces:
        if piece is None:
            run._r.append(OxmlElement("w:noBreakHyphen"))
            continue
        for n, line in enumerate(piece.split("\n")):
            if n:
                run._r.append(OxmlElement("w:br"))
            if line:
                node = OxmlElement("w:t")
                node.text = line
                node.set(qn("xml:space"), "preserve")
                run._r.append(node)
    return run


def _paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=None,
    indent: bool = False,
    space_after: float | None = None,
):  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    if text:
        run = _add_run(paragraph, text)
        run.bold, run.italic = bold or None, italic or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _rule(cell, indent_cm: float) -> None:  # type: ignore[no-untyped-def]
    """The short line drawn under the issuing agency's name and under the motto: the top border of an
    empty, tiny paragraph indented from both sides."""
    paragraph = cell.add_paragraph()
    p_pr = paragraph._p.get_or_add_pPr()
    # The border goes in before spacing and indentation are set: python-docx then puts those after it,
    # in the order the schema requires (Word refuses a file whose pPr children are out of order).
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(3), Pt(4), Pt(2)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.append(mark)


def _cell_paragraph(cell, text: str, **kw):  # type: ignore[no-untyped-def]
    """The cell's first paragraph (empty in a new cell) filled with text, or a new one after it."""
    paragraph = cell.paragraphs[0] if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text else None
    if paragraph is None:
        return _paragraph(cell, text, **kw)
    run = _add_run(paragraph, text)
    run.bold, run.italic = kw.get("bold") or None, kw.get("italic") or None
    if kw.get("size") is not None:
        run.font.size = Pt(kw["size"])
    if kw.get("align") is not None:
        paragraph.alignment = kw["align"]
    if kw.get("space_after") is not None:
        paragraph.paragraph_format.space_after = Pt(kw["space_after"])
    return paragraph


def _widths(table, widths_cm: list[float]) -> None:  # type: ignore[no-untyped-def]
    """Fixed column widths, written both in the grid (LibreOffice reads it) and on each cell (Word does)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _header_block(document, report: Report) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # A little wider than the text (16 cm) so that the nation's name fits on one line.
    _widths(table, [7.0, 9.6])
    left, right = table.rows[0].cells
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _cell_paragraph(left, "\n".join(ISSUER_PARENT_LINES), size=12, align=centre, space_after=0)
    _cell_paragraph(left, "\n".join(ISSUER_LINES), size=12, bold=True, align=centre, space_after=0)
    _rule(left, 2.3)
    _cell_paragraph(left, ISSUER_NUMBER, size=13, align=centre, space_after=0)
    _cell_paragraph(right, NATION, size=12, bold=True, align=centre, space_after=0)
    _cell_paragraph(right, MOTTO, size=13, bold=True, align=centre, space_after=0)
    _rule(right, 1.55)
    _cell_paragraph(right, report.dateline, size=13, italic=True, align=centre, space_after=0)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_rows_whole(table) -> None:  # type: ignore[no-untyped-def]
    for row in table.rows:
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant_split)


def _fill(
    cell,
    value: object,
    *,
    bold: bool = False,
    align=None,  # type: ignore[no-untyped-def]
    size: float = 12,
) -> None:
    """A table cell's text (12 pt unless told), one paragraph per line of the value."""
    text = dmy(value) if isinstance(value, date) else ("" if value is None else str(value))
    lines = text.split("\n") or [""]
    for n, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        if align is not None:
            paragraph.alignment = align
        run = _add_run(paragraph, line)
        run.font.size = Pt(size)
        run.bold = bold or None


def _table(
    document,
    headers: list[str],
    rows: list[list[object]],
    widths_cm: list[float],
    *,
    numeric_from: int | None = None,
    bold_last: bool = False,
    size: float = 12,
):  # type: ignore[no-untyped-def]
    """A bordered table whose header row repeats on each page and whose rows are never split across pages."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _fill(cell, header, bold=True, align=centre, size=size)
    _repeat_header(table.rows[0])
    for n, values in enumerate(rows, start=1):
        is_bold = bold_last and n == len(rows)
        for column, (cell, value) in enumerate(zip(table.rows[n].cells, values, strict=True)):
            numeric = column == 0 or (numeric_from is not None and column >= numeric_from)
            _fill(cell, value, bold=is_bold, align=centre if numeric else None, size=size)
    _widths(table, widths_cm)
    _keep_rows_whole(table)
    _paragraph(document, space_after=0)
    return table


def _task_text(row: TaskRow) -> str:
    return f"{row.reference}. {row.task}"


def _docx_status_section(document, report: Report) -> None:  # type: ignore[no-untyped-def]
    document.add_heading("I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ", level=1)
    _paragraph(document, report.summary, indent=True)
    document.add_heading(f"1. Tổng hợp theo tình trạng (tính đến ngày {dmy(report.as_of)})", level=2)
    t = report.totals
    rows: list[list[object]] = []
    for n, outcome in enumerate(CLASSES, start=1):
        share = t.share(t.count(outcome))
        rows.append(
            [
                n,
                lifecycle.CLASS_LABELS[outcome],
                t.count(outcome),
                f"{decimal_comma(share)}%" if share is not None else "",
            ]
        )
    blocked_share = t.share(t.blocked)
    rows.append(
        [
            "",
            f"Trong đó: {BLOCKED_LABEL.lower()} (chưa hoàn thành)",
            t.blocked,
            f"{decimal_comma(blocked_share)}%" if blocked_share is not None else "",
        ]
    )
    rows.append(["", "Tổng số", t.total, "100%" if t.total else ""])
    _table(
        document, ["STT", "Tình trạng", "Số lượng", "Tỷ lệ"], rows, [1.3, 9.2, 2.7, 2.8], numeric_from=2, bold_last=True
    )

    document.add_heading("2. Kết quả theo đơn vị chủ trì", level=2)
    rows = [[n, u.unit, *_unit_counts(u.tally)] for n, u in enumerate(report.units, start=1)]
    rows.append(["", "Tổng cộng", *_unit_counts(report.totals)])
    _table(document, list(UNIT_HEADERS), rows, [1.3, 3.9, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8], numeric_from=2, bold_last=True)
    if report.cancelled:
        document.add_heading("3. Nhiệm vụ đã bãi bỏ", level=2)
        _paragraph(
            document, "Các nhiệm vụ đã bãi bỏ không tính vào số nhiệm vụ chưa hoàn thành hay quá hạn:", indent=True
        )
        rows = [
            [n, f"{r.reference}. {r.task}", r.lead, dmy(r.cancelled_on), r.reason]
            for n, r in enumerate(report.cancelled, start=1)
        ]
        _table(
            document,
            ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Ngày bãi bỏ", "Lý do"],
            rows,
            [1.3, 5.5, 3.2, 2.4, 3.6],
            size=11,
        )


def _docx_kpi_section(document, report: Report) -> None:  # type: ignore[no-untyped-def]
    document.add_heading(
        "II. KẾT QUẢ THỰC HIỆN CHỈ TIÊU CUNG CẤP, SỬ DỤNG DỊCH VỤ CÔNG TRỰC TUYẾN"
        if report.kpi_scheme == SCHEME_1872
        else "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        level=1,
    )
    if not report.kpi:
        _paragraph(document, "Kế hoạch không có bảng giao chỉ tiêu.", indent=True)
        return
    _paragraph(
        document,
        f"Số liệu mới nhất của từng đơn vị tính đến ngày {dmy(report.as_of)}, so với chỉ tiêu "
        "được giao tại Phụ lục 1 của Kế hoạch (tỷ lệ làm tròn đến một chữ số thập phân, mức "
        "thiếu tính bằng điểm phần trăm). Các chỉ tiêu:",
        indent=True,
    )
    for indicator in report.indicators:
        _paragraph(document, f"({indicator.number}) {indicator.name};", indent=True, space_after=2)
    _paragraph(document, space_after=0)
    headers = ["STT", "Đơn vị", "Số liệu đến ngày", *[f"Chỉ tiêu ({i.number})" for i in report.indicators]]
    widths = [1.3, 3.5, 2.4] + [(TEXT_WIDTH_CM - 7.2) / max(len(report.indicators), 1)] * len(report.indicators)
    table_rows: list[list[object]] = []
    group_rows: list[int] = []
    group = None
    for n, row in enumerate(report.kpi, start=1):
        if row.group != group:
            group = row.group
            group_rows.append(len(table_rows) + 1)
            table_rows.append([group, *[""] * (len(headers) - 1)])
        table_rows.append([n, row.unit, row.as_of or "—", *[_kpi_cell_text(cell) for cell in row.cells]])
    table = _table(document, headers, table_rows, widths, numeric_from=2, size=11)
    for index in group_rows:  # "Nhóm 1" across the whole row
        cells = table.rows[index].cells
        merged = cells[0].merge(cells[-1])
        for paragraph in merged.paragraphs[1:]:
            paragraph._p.getparent().remove(paragraph._p)
        paragraph = merged.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for run in paragraph.runs:
            run.bold = True


def _kpi_cell_text(cell: KpiCell) -> str:
    return "\n".join(cell.parts())


def _docx_completed_section(document, report: Report) -> None:  # type: ignore[no-untyped-def]
    document.add_heading("III. NHIỆM VỤ HOÀN THÀNH TRONG KỲ", level=1)
    if not report.completed:
        _paragraph(document, f"Không có nhiệm vụ nào hoàn thành {report.period}.", indent=True)
        return
    _paragraph(
        document,
        f"Các nhiệm vụ hoàn thành từ ngày {dmy(report.start)} đến ngày {dmy(report.as_of)} và văn bản kết quả:",
        indent=True,
    )
    rows = [
        [
            n,
            _task_text(r),
            r.unit,
            r.due_on or r.deadline_text,
            f"{dmy(r.completed_on)}\n({'quá hạn' if r.is_late else 'đúng hạn'})",
            r.evidence.text,
        ]
        for n, r in enumerate(report.completed, start=1)
    ]
    _table(
        document,
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Ngày hoàn thành", "Kết quả (văn bản)"],
        rows,
        [1.3, 4.3, 2.6, 2.3, 2.3, 3.2],
        size=11,
    )


def _docx_blocked_section(document, report: Report) -> None:  # type: ignore[no-untyped-def]
    document.add_heading("IV. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT", level=1)
    if not report.blocked:
        _paragraph(document, f"Tính đến ngày {dmy(report.as_of)}, không có nhiệm vụ nào gặp vướng mắc.", indent=True)
        return
    _paragraph(
        document,
        f"Các nhiệm vụ đang gặp vướng mắc tính đến ngày {dmy(report.as_of)}, với khó khăn và đề "
        "xuất của đơn vị chủ trì:",
        indent=True,
    )
    rows = [
        [n, _task_text(r), r.unit, r.due_on or r.deadline_text, r.difficulty, r.proposal or "—"]
        for n, r in enumerate(report.blocked, start=1)
    ]
    _table(
        document,
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Khó khăn, vướng mắc", "Đề xuất"],
        rows,
        [1.3, 3.5, 2.4, 2.3, 3.4, 3.1],
        size=11,
    )


def _signature_block(document) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=2)
    _widths(table, [8.0, 8.0])
    left, right = table.rows[0].cells
    _cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, space_after=0)
    for line in ("- Lãnh đạo Bộ (để báo cáo);", "- Các đơn vị chủ trì;", "- Lưu: VT, TTCNTT."):
        _cell_paragraph(left, line, size=11, space_after=0)
    _cell_paragraph(right, "GIÁM ĐỐC", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)


def report_docx(report: Report) -> bytes:
    """The report as a Vietnamese administrative document (A4, Times New Roman 13 pt)."""
    document = _setup_document()
    _header_block(document, report)
    _paragraph(document, space_after=6)
    _paragraph(document, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(document, report.subtitle, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _paragraph(
        document,
        f"Căn cứ {report.plan_reference}, Trung tâm Công nghệ thông tin báo cáo kết quả thực "
        f"hiện {report.period} như sau:",
        indent=True,
    )
    if report.as_of_note:
        _paragraph(document, report.as_of_note, italic=True, indent=True)
    _docx_status_section(document, report)
    _docx_kpi_section(document, report)
    _docx_completed_section(document, report)
    _docx_blocked_section(document, report)
    _paragraph(document, "Trung tâm Công nghệ thông tin trân trọng báo cáo./.", indent=True, space_after=12)
    _signature_block(document)
    document.core_properties.title = f"Báo cáo {report.subtitle[0].lower()}{report.subtitle[1:]}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# .xlsx


def report_xlsx(report: Report) -> bytes:
    """The report's tables as a workbook, one sheet per table; all text written as text."""
    book = Workbook()
    info = book.active
    info.title = "Báo cáo"
    for r, (key, value) in enumerate(
        (
            ("Báo cáo", report.subtitle),
            ("Kế hoạch", report.plan_number),
            ("Tên kế hoạch", report.plan_title),
            ("Ngày ban hành", report.plan_issued_on),
            ("Từ ngày", report.start),
            ("Đến ngày", report.end),
            ("Tính đến ngày", report.as_of),
            ("Ngày lập báo cáo", report.made_on),
        ),
        start=1,
    ):
        _put(info, r, 1, key)
        info.cell(row=r, column=1).font = Font(bold=True)
        _put(info, r, 2, value)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 100
    for row in info.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    _fit_on_a4(info)

    t = report.totals
    status_rows: list[list[object]] = [
        [lifecycle.CLASS_LABELS[o], t.count(o), as_share(t.share(t.count(o))) if t.total else None] for o in CLASSES
    ]
    status_rows.append(
        [f"Trong đó: {BLOCKED_LABEL.lower()}", t.blocked, as_share(t.share(t.blocked)) if t.total else None]
    )
    status_rows.append(["Tổng số", t.total, 1.0 if t.total else None])
    _sheet(
        book,
        "Tổng hợp",
        ["Tình trạng", "Số lượng", "Tỷ lệ"],
        status_rows,
        [45, 12, 10],
        formats={3: "0.0%"},
        bold_last=True,
    )

    unit_rows = [[u.unit, *_unit_counts(u.tally)] for u in report.units]
    unit_rows.append(["Tổng cộng", *_unit_counts(report.totals)])
    _sheet(book, "Theo đơn vị", list(UNIT_HEADERS[1:]), unit_rows, [45, 14, 14, 14, 14, 14, 10], bold_last=True)

    kpi_headers = ["Nhóm", "Đơn vị", "Số liệu đến ngày"]
    formats: dict[int, str] = {}
    for indicator in report.indicators:
        base = len(kpi_headers)
        if indicator.kind == "count":
            kpi_headers += [
                f"Số liệu ({indicator.number})",
                f"Chỉ tiêu ({indicator.number})",
                f"Đánh giá ({indicator.number})",
                f"Thiếu ({indicator.number})",
            ]
            formats[base + 1], formats[base + 4] = "0.#", "0.#"
            continue
        kpi_headers += [
            f"Tỷ lệ ({indicator.number})",
            f"Chỉ tiêu ({indicator.number})",
            f"Đánh giá ({indicator.number})",
            f"Thiếu ({indicator.number}), điểm %",
        ]
        formats[base + 1], formats[base + 4] = "0.0%", "0.0"
    kpi_rows = []
    for row in report.kpi:
        values: list[object] = [row.group, row.unit, row.as_of]
        for cell in row.cells:
            scale = 1 if cell.kind == "count" else 100
            shown = cell.percent if scale == 1 else as_share(cell.percent)
            values += [shown, cell.target, cell.status_label, cell.gap_points]
        kpi_rows.append(values)
    _sheet(
        book,
        "Chỉ tiêu DVCTT",
        kpi_headers,
        kpi_rows,
        [10, 40, 14] + [12, 16, 16, 12] * len(report.indicators),
        formats=formats,
    )

    _sheet(
        book,
        "Hoàn thành trong kỳ",
        [
            "Nhiệm vụ",
            "Nội dung",
            "Đơn vị chủ trì",
            "Hạn",
            "Ngày hoàn thành",
            "Đánh giá",
            "Số văn bản",
            "Ngày văn bản",
            "Trích yếu",
            "Tệp",
        ],
        [
            [
                r.reference,
                r.task,
                r.unit,
                r.due_on or r.deadline_text,
                r.completed_on,
                r.outcome_label,
                r.evidence.document_number,
                r.evidence.document_date,
                r.evidence.document_title,
                FILE_EVIDENCE if r.evidence.has_file else "",
            ]
            for r in report.completed
        ],
        [10, 60, 30, 12, 14, 22, 18, 12, 40, 14],
    )

    _sheet(
        book,
        "Vướng mắc",
        [
            "Nhiệm vụ",
            "Nội dung",
            "Đơn vị chủ trì",
            "Hạn",
            "Tình trạng",
            "Gặp vướng mắc từ ngày",
            "Khó khăn, vướng mắc",
            "Đề xuất",
        ],
        [
            [
                r.reference,
                r.task,
                r.unit,
                r.due_on or r.deadline_text,
                r.outcome_label,
                r.blocked_on,
                r.difficulty,
                r.proposal,
            ]
            for r in report.blocked
        ],
        [10, 60, 30, 12, 24, 14, 50, 50],
    )

    if report.cancelled:  # counted apart from the four classes, never as open or overdue
        _sheet(
            book,
            "Đã bãi bỏ",
            ["Nhiệm vụ", "Nội dung", "Đơn vị chủ trì", "Ngày bãi bỏ", "Lý do"],
            [[r.reference, r.task, r.lead, r.cancelled_on, r.reason] for r in report.cancelled],
            [10, 60, 30, 14, 40],
        )

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
