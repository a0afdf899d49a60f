"""Reader for the paragraph layout of provincial plans: lettered items (a, b, c, d, đ, e …) each
followed by labelled lines ("Đơn vị thực hiện:", "Thời gian thực hiện:" …), possibly with sub-items."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..rules.names import normalize_text
from .document import ItemRow, PlanDocument, PlanImportError, SectionRows

_LABELS = (
    ("lead", r"(?:đơn vị|cơ quan)\s+(?:thực hiện|chủ trì)"),
    ("coordinating", r"(?:đơn vị|cơ quan)\s+phối hợp"),
    ("deadline", r"thời (?:gian|hạn)(?:\s+(?:thực hiện|hoàn thành))?"),
    ("expected_output", r"(?:dự kiến\s+)?(?:kết quả|sản phẩm)(?:\s+(?:dự kiến|đầu ra))?"),
)
_LABEL_RE = re.compile(
    r"^[-+•*]?\s*(?:" + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABELS) + r")\s*:\s*(?P<value>.*)$",
    re.I,
)
_HEADING_RE = re.compile(r"^([IVXLC]+|\d+(?:\.\d+)*)\.\s+(\S.*)$")
_LETTER_RE = re.compile(r"^([a-zđ])\)\s*(\S.*)$")
_BULLET_RE = re.compile(r"^[-+•*]\s+(\S.*)$")


@dataclass
class _Part:
    """A lettered item or one of its sub-items while it is being read."""

    text: list[str]
    where: str
    labels: dict[str, str] = field(default_factory=dict)
    last_label: str | None = None


@dataclass
class _Lettered(_Part):
    letter: str = ""
    subs: list[_Part] = field(default_factory=list)


def has_paragraph_items(lines: list[str]) -> bool:
    """Whether the text uses labelled lines at all (so this reader should run)."""
    return any(_LABEL_RE.match(normalize_text(line)) and "đơn vị" in line.casefold() for line in lines)


def read_paragraph_items(lines: list[str], doc: PlanDocument) -> None:
    """Add each lettered item with labels (or each of its labelled sub-items) to doc as an action item."""
    section = SectionRows("", "", "dòng 1")
    sections: list[SectionRows] = []
    current: _Lettered | None = None

    def finish() -> None:
        nonlocal current
        if current is not None:
            for item in _items_of(current):
                if any(i.stt == item.stt for i in section.items):
                    raise PlanImportError(f"mục {section.number} có hai nhiệm vụ cùng ký hiệu {item.stt}.", item.where)
                section.items.append(item)
        current = None

    for number, raw in enumerate(lines, start=1):
        line = normalize_text(raw)
        if not line:
            continue
        where = f"dòng {number}"
        label = _LABEL_RE.match(line)
        if label and current is not None:
            key = next(k for k, _ in _LABELS if label.group(k))
            # Labels before any bullet are the lettered item's own; after a bullet, that bullet's.
            part = current.subs[-1] if current.subs else current
            part.labels[key] = label.group("value").strip()
            part.last_label = key
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            finish()
            section = SectionRows(heading.group(1), heading.group(2), where)
            sections.append(section)
            continue
        letter = _LETTER_RE.match(line)
        if letter:
            finish()
            current = _Lettered([letter.group(2)], where, letter=letter.group(1))
            continue
        bullet = _BULLET_RE.match(line)
        if current is None:
            continue
        if bullet:
            current.subs.append(_Part([bullet.group(1)], where))
            continue
        # A continuation line: of the last label's value if one is open, else of the text.
        part = current.subs[-1] if current.subs else current
        if part.last_label:
            part.labels[part.last_label] += " " + line
        else:
            part.text.append(line)
    finish()
    if section not in sections:
        sections.insert(0, section)
    found = [s for s in sections if s.items]
    if not found:
        raise PlanImportError(
            "không tìm thấy nhiệm vụ nào: mỗi nhiệm vụ cần một dòng “a) …” và dòng “- Đơn vị thực hiện: …”."
        )
    for s in found:
        for item in s.items:
            if not item.lead:
                doc.warnings.append(f"{item.where}: nhiệm vụ {s.number}.{item.stt} không ghi đơn vị thực hiện.")
    doc.sections.extend(found)


def _items_of(lettered: _Lettered) -> list[ItemRow]:
    """The action items a lettered paragraph makes: itself, or each of its labelled sub-items."""
    labelled_subs = [s for s in lettered.subs if s.labels]
    if len(labelled_subs) >= 2:
        items: list[ItemRow] = []
        heading = "\n".join(lettered.text)
        pending: list[str] = []
        for index, sub in enumerate(lettered.subs):
            if not sub.labels:
                # A bullet with no labels of its own describes the next sub-item; it is not a task.
                pending.append("- " + " ".join(sub.text))
                continue
            labels = {**lettered.labels, **sub.labels}
            text = "\n".join([heading, *pending, "- " + "\n".join(sub.text)])
            pending = []
            items.append(_item(f"{lettered.letter}.{len(items) + 1}", text, labels, sub.where))
        if pending:
            items[-1].task += "\n" + "\n".join(pending)
        return items
    labels = dict(lettered.labels)
    lines = list(lettered.text)
    for sub in lettered.subs:
        labels.update(sub.labels)
        lines.append("- " + "\n".join(sub.text))
    if not labels:
        return []  # narrative paragraph ("a) Mục tiêu chung"), not an action item
    return [_item(lettered.letter, "\n".join(lines), labels, lettered.where)]


def _item(stt: str, task: str, labels: dict[str, str], where: str) -> ItemRow:
    clean = {k: v.strip().rstrip(".;").strip() for k, v in labels.items()}
    return ItemRow(
        stt=stt,
        task=task.rstrip(),
        lead=clean.get("lead", ""),
        coordinating=clean.get("coordinating", ""),
        expected_output=clean.get("expected_output", ""),
        deadline=clean.get("deadline", ""),
        where=where,
    )
