"""How unit names are compared, and how a cell naming several units is split into the names it lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Old-style tone placement ("hoá", "thuỷ") is as common in official texts as the new one ("hóa", "thủy").
_OLD_TONES = {
    "oá": "óa",
    "oà": "òa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oé": "óe",
    "oè": "òe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uý": "úy",
    "uỳ": "ùy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
# Only a syllable that ends there ("hoá", not "hoạch") has its tone moved.
_OLD_TONE_RE = re.compile("(?:" + "|".join(_OLD_TONES) + r")(?!\w)")
# Characters that differ between copies of the same name: Icelandic Eth for Đ, dashes, punctuation.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "–": "-", "—": "-", "‐": "-"})
_PUNCT_RE = re.compile(r"[,\-&/.;:()]+")
_SPACE_RE = re.compile(r"\s+")
_TRAILING_NOTE_RE = re.compile(r"\s*\([^()]*\)\s*$")


def normalize_text(text: str) -> str:
    """NFC, look-alike letters unified, every kind of space folded to one, stripped."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    return _SPACE_RE.sub(" ", text).strip()


def normalize_text_keep_lines(text: str) -> str:
    """NFC and look-alikes like normalize_text, but line breaks survive (they separate names too)."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def fold_name(name: str) -> str:
    """The key two spellings of one unit name share: case, spacing, punctuation and tone placement ignored."""
    text = normalize_text(name).casefold()
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], text)
    text = _PUNCT_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


def unit_lookup_key(name: str) -> str:
    """The key to look a written name up in the unit directory: fold_name without a trailing "(…)" note.

    A table cell may write a role or scope note after the unit ("Bộ Công an (Trung tâm Dữ liệu quốc
    gia)", "UBND các tỉnh, thành phố (chủ trì phần đầu tư)"); the note stays in the written name, but
    the unit is the one before it.
    """
    text = _clean(name)
    while (bare := _clean(_TRAILING_NOTE_RE.sub("", text))) != text and bare:
        text = bare
    return fold_name(text)


# --- The words unit names are made of ----------------------------------------------------------------

# Words an agency's own name starts with, written with their capital ("Sở Tư pháp", "UBND tỉnh"). The
# longest head wins: "Ủy ban nhân dân" over "Ủy ban", "Chi cục" over "Cục".
_HEADS = sorted(
    (
        "Ủy ban nhân dân",
        "Uỷ ban nhân dân",
        "Ủy ban",
        "Uỷ ban",
        "UBND",
        "HĐND",
        "Hội đồng nhân dân",
        "Hội đồng",
        "Văn phòng",
        "Ban",
        "Ban Chỉ đạo",
        "Ban Quản lý",
        "Bộ",
        "Bộ Chỉ huy",
        "Bộ Tư lệnh",
        "Bộ đội",
        "Sở",
        "Cục",
        "Chi cục",
        "Tổng cục",
        "Vụ",
        "Viện",
        "Viện kiểm sát",
        "Học viện",
        "Trung tâm",
        "Công an",
        "Đài",
        "Báo",
        "Tạp chí",
        "Thông tấn xã",
        "Hội",
        "Hiệp hội",
        "Liên hiệp",
        "Liên đoàn",
        "Liên minh",
        "Mặt trận",
        "Tỉnh đoàn",
        "Thành đoàn",
        "Huyện đoàn",
        "Tỉnh ủy",
        "Tỉnh uỷ",
        "Thành ủy",
        "Thành uỷ",
        "Huyện ủy",
        "Huyện uỷ",
        "Đảng ủy",
        "Đảng uỷ",
        "Đảng đoàn",
        "Tổ đảng",
        "Tổ công tác",
        "Tổ giúp việc",
        "Đoàn",
        "Kho bạc",
        "Ngân hàng",
        "Chi nhánh",
        "Thanh tra",
        "Tòa án",
        "Toà án",
        "Kiểm toán",
        "Bảo hiểm xã hội",
        "Quân khu",
        "Trường",
        "Đại học",
        "Bệnh viện",
        "Bảo tàng",
        "Nhà xuất bản",
        "Tổng công ty",
        "Công ty",
        "Tập đoàn",
        "Quỹ",
        "Phòng",
        "Cảng vụ",
        "Bưu điện",
        "Viễn thông",
        "Điện lực",
        "Doanh nghiệp",
        "Cơ quan",
        "Đơn vị",
        "Lãnh đạo",
        "Thủ trưởng",
        "Chủ tịch",
        "Giám đốc",
        "Thường trực",
        "Tổng Công ty",
        "Cổng thông tin",
        "Cổng Thông tin",
        "Thuế",
    ),
    key=len,
    reverse=True,
)
# A cell written in capitals ("SỞ Y TẾ, SỞ TÀI CHÍNH") has its heads in capitals too.
_HEAD_RE = re.compile(
    "(?:"
    + "|".join(re.escape(h) for h in sorted({*_HEADS, *(h.upper() for h in _HEADS)}, key=len, reverse=True))
    + r")(?!\w)"
)

# Unit-type nouns collectives are made of ("Các sở, ban, ngành", "UBND các huyện, thành phố", "Viện,
# Trường"), by family: a collective runs on over a comma only while the next noun is of its family
# ("các sở, ngành, trường đại học" is two parties).
_TERRITORY = "territory"
_TYPE_NOUNS = {
    "sở": {"gov"},
    "ban": {"gov"},
    "ngành": {"gov"},
    "bộ": {"gov"},
    "cơ quan": {"gov", "press"},
    "cơ quan ngang bộ": {"gov"},
    "đơn vị": {"gov"},
    "địa phương": {"gov"},
    "đoàn thể": {"gov"},
    "tổ chức": {"gov", "people"},
    "cá nhân": {"people"},
    "hội": {"gov", "people"},
    "hội đồng": {"gov"},
    "cơ quan thông tấn": {"press"},
    "cơ quan báo chí": {"press"},
    "trường": {"academic"},
    "viện": {"academic"},
    "học viện": {"academic"},
    "đại học": {"academic"},
    "cao đẳng": {"academic"},
    "cơ sở đào tạo": {"academic"},
    "cơ sở giáo dục": {"academic"},
    "doanh nghiệp": {"business"},
    "hợp tác xã": {"business"},
    "tỉnh": {_TERRITORY},
    "thành phố": {_TERRITORY},
    "tp": {_TERRITORY},
    "huyện": {_TERRITORY},
    "quận": {_TERRITORY},
    "thị xã": {_TERRITORY},
    "xã": {_TERRITORY},
    "phường": {_TERRITORY},
    "thị trấn": {_TERRITORY},
    "đặc khu": {_TERRITORY},
}
_TYPE_RE = re.compile(  # "xã hội" is society, not a commune
    "(" + "|".join(re.escape(n) for n in sorted(_TYPE_NOUNS, key=len, reverse=True)) + r")(?!\w)(?! hội\b)",
    re.IGNORECASE,
)
# What may follow the first noun of a run of unit-type nouns ("Sở, ban", "Đơn vị có liên quan").
_TYPE_RUN_END_RE = re.compile(r"\s*(?:$|[,/]|(?:có )?liên quan|(?:trực )?thuộc |khác)")
_RELATED_RE = re.compile(r"(?:có )?liên quan$")
# Parties that start anew after a comma even in lower case ("Doanh nghiệp, nhà cung cấp dịch vụ IoT, nhà
# đầu tư"; "…, lãnh đạo các cơ quan thuộc UBTVQH"), and units known by an acronym ("Sở KH&CN, VNPT tỉnh").
_ENTITY_RE = re.compile(r"(?:nhà|doanh nghiệp|hiệp hội|lãnh đạo|thủ trưởng|người đứng đầu|lực lượng)(?!\w)")
_ACRONYM_RE = re.compile(r"(?!TP\b)[A-ZĐ][A-ZĐ0-9&-]+(?=\s|$)")
# A brand written with a capital inside the word ("MobiFone", "VinaPhone") starts a new party after a comma too.
_CAMEL_RE = re.compile(r"[A-ZĐ][a-zđ]+[A-ZĐ]\w*(?=\s|$)")
# "và các …" that only makes sense with the unit before it ("Mặt trận Tổ quốc Việt Nam và các tổ chức
# thành viên").
_DEPENDENT_RE = re.compile(r"(?:thành viên|trực thuộc)\s*$")
# A name ending on one of these words goes on into the next head ("Tổ giúp việc Ban Chỉ đạo").
_LINKED_END_RE = re.compile(r"(?:^|\s)(?:của|thuộc|giúp việc|cho|tại|ở|với|và)$")

# A role phrase after a unit in prose ("Sở KH&CN chủ trì hướng dẫn, tổng hợp", "Bộ Công an … với các
# tiêu chuẩn …"): the unit is the text before it, the rest of the clause is not a name.
_ROLE_RE = re.compile(
    r"(?<!\w)(chủ trì|phối hợp|thúc đẩy|theo dõi|tham mưu|chủ động|chịu trách nhiệm|có trách nhiệm|căn cứ"
    r"|thực hiện|triển khai|chỉ đạo|với (?:các|những))(?!\w)"
)
_LEAD_ROLE = "chủ trì"
# Agency nouns a role word makes a name of ("các cơ quan tham mưu", "đơn vị chủ trì", "các đơn vị thực hiện").
_AGENCY_NOUN_RE = re.compile(r"^(?:các\s+|những\s+)?(?:cơ quan|đơn vị|bộ phận)$", re.IGNORECASE)
# A name ending on an agency head goes on with the role word as its own name ("Tổ giúp việc Ban chỉ đạo").
_HEAD_AT_END_RE = re.compile(r"(?:^|\s)(?:Ban|Hội đồng|Tổ|Ủy ban|Uỷ ban)$")
# A request or assignment a unit heading opens with: the unit is what follows ("Đề nghị Ủy ban Mặt trận Tổ
# quốc Việt Nam tỉnh", "Khuyến khích Đoàn Thanh niên …").
_REQUEST_RE = re.compile(r"^(?:đề nghị|khuyến khích|yêu cầu|giao)\s+", re.IGNORECASE)
# "Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh": one office serves the bodies joined by "và" before its place.
_JOINT_OFFICE_RE = re.compile(r"^(?:HĐND|UBND|Hội đồng nhân dân|Ủy ban nhân dân|Uỷ ban nhân dân|Đoàn đại biểu)(?!\w)")
# A scope phrase ("trong phạm vi chức năng, nhiệm vụ của mình"); the list may go on after its end.
_SCOPE_RE = re.compile(
    r"\s*(?:trong phạm vi|thuộc phạm vi|theo)\s+(?:chức năng|nhiệm vụ|thẩm quyền|quyền hạn)"
    r"(?:[^;]*?(?:của mình|được giao(?: phụ trách)?)(?!\w))?"
)
_SCOPE_ENDS = ("của mình", "được giao", "phụ trách")

_BULLET_RE = re.compile(r"^(?:[-+•*]|\(\d+\)|\d+[.)]|[a-zđ]\))\s*")
# A line of a hard-wrapped cell that ends on one of these goes on on the next line.
_WRAP_END_RE = re.compile(r"(?:(?:^|\s)(?:các|và|của|thuộc|với|ở|tại|cấp)|[,\-])$", re.IGNORECASE)
# Separators between the pieces of a line; "." only before a capital (a new sentence, not "TP. Hồ Chí Minh").
_SEPARATOR_RE = re.compile(r"\s*;\s*|\s*,\s*|\s+và\s+|\.\s+(?=[^\W\d_])")
_MAX_PIECES_PER_NAME = 6


# --- Splitting a cell ----------------------------------------------------------------------------------


@dataclass
class _Piece:
    text: str
    separator: str  # what comes before it: "line", ";", ",", "và" or "."
    written: str  # that separator as written, kept when the piece stays in the name before it


@dataclass
class _Name:
    text: str
    is_list: bool  # "Các Cục: A; B": the names follow a head and a colon
    clause: int  # the ";"-clause, line or sentence it is written in
    role: str | None = None  # the role phrase written after it ("chủ trì", "thực hiện" …)


def split_names(text: str, is_known: Callable[[str], bool], *, strict_separators: str | None = None) -> list[str]:
    """Split a cell or label value into the unit names it lists, each written as in the text.

    Names are split on ";" and on line or list breaks, and on "," and "và" only where a new unit starts:
    collectives ("Các sở, ban, ngành tỉnh", "UBND các huyện, thành phố") and shared-head lists ("Các Cục:
    A, B") stay whole. Two units written with no delimiter ("Sở A Sở B") are split. A role or scope
    phrase after a unit ("… chủ trì hướng dẫn", "… trong phạm vi chức năng, nhiệm vụ của mình") is not
    part of the name, and when one unit is said to lead ("chủ trì"), units given another role in the same
    cell are left out. A request a heading opens with ("Đề nghị …", "Khuyến khích …") is not part of the name,
    and a cell written in capitals splits like one written in sentence case. A name is_known recognises is kept
    whole even where it holds a separator.

    With strict_separators (e.g. ";\\n"), only those characters separate names (Appendix 1 lists
    its members with ";"), and is_known is not consulted.
    """
    text = normalize_text_keep_lines(text)
    if strict_separators is not None:
        parts = re.split("[" + re.escape(strict_separators) + "]", text)
        return [p for p in (_clean(p) for p in parts) if p]

    pieces = [piece for line in _lines(text) for piece in _pieces(line)]
    inside_known = _inside_known_names(pieces, is_known)
    names: list[_Name] = []
    clause = 0
    skipping = False  # the rest of a clause after a role phrase ("… thực hiện công bố dữ liệu, …")
    for i, piece in enumerate(pieces):
        if piece.separator in ("line", ";", "."):
            clause += 1
            skipping = False
        body = _clean(piece.text)
        if skipping or not body:
            continue
        if i in inside_known:
            names[-1].text += piece.written + body
            continue
        role = None
        cut = None if is_known(body) else _role_cut(piece.text)
        if cut is not None:
            body, role = _clean(piece.text[: cut[0]]), cut[1]
            skipping = True
            for name in reversed(names):  # the role is said of every unit of its clause
                if name.clause != clause:
                    break
                name.role = name.role or role
            if not body:
                continue
        if names and not _starts_new_name(piece, body, names[-1]):
            names[-1].text += piece.written + body
            names[-1].role = names[-1].role or role
        else:
            names.append(_Name(body, _opens_list(body), clause, role))
    if any(name.role == _LEAD_ROLE for name in names):
        names = [name for name in names if name.role in (_LEAD_ROLE, None)]
    return [part for name in names for part in ([name.text] if is_known(name.text) else _unglued(name.text))]


def _clean(piece: str) -> str:
    """A name without list bullets, surrounding spaces or trailing punctuation."""
    piece = normalize_text(piece)
    piece = _BULLET_RE.sub("", piece)
    return piece.strip(" .;,:")


def _lines(text: str) -> list[str]:
    """The cell's lines, hard-wrapped ones joined back ("Bộ Nông nghiệp và / Môi trường", narrow PDF columns)."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and not _BULLET_RE.match(line) and _is_wrapped(lines[-1], line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def _is_wrapped(before: str, line: str) -> bool:
    """Whether the line goes on with the name of the line before rather than starting a new one."""
    if before.endswith((";", ".", ":")):
        return False
    if _WRAP_END_RE.search(before) or _clean(before) == _head_at_start(_clean(before)):
        return True
    return not (line.casefold().startswith("các ") or _head_at_start(line) is not None)


def _pieces(line: str) -> list[_Piece]:
    """A line cut at every separator outside parentheses, each piece with the separator before it."""
    line = _without_scope_phrases(_without_request(_BULLET_RE.sub("", line)))
    masked = _mask_parentheses(line)
    pieces: list[_Piece] = []
    start, separator, written = 0, "line", ""
    for match in _SEPARATOR_RE.finditer(masked):
        kind = match.group(0).strip()
        if kind == "." and not line[match.end()].isupper():
            continue
        pieces.append(_Piece(line[start : match.start()], separator, written))
        start, separator, written = match.end(), kind, match.group(0)
    pieces.append(_Piece(line[start:], separator, written))
    return pieces


def _without_request(line: str) -> str:
    """The line without the request a unit heading opens with ("Đề nghị Liên đoàn Lao động tỉnh"), when a unit
    follows it: a capitalised name or "các …" ("Giao thông vận tải" keeps its first word)."""
    match = _REQUEST_RE.match(line)
    if match is None:
        return line
    rest = line[match.end() :]
    return rest if rest[:1].isupper() or rest.casefold().startswith(("các ", "những ")) else line


def _without_scope_phrases(line: str) -> str:
    """The line without "trong phạm vi chức năng, nhiệm vụ của mình"-like phrases after a unit.

    A phrase with no end of its own ("… theo chức năng, nhiệm vụ") runs to the end of its clause.
    """
    masked = _mask_parentheses(line)
    for match in reversed(list(_SCOPE_RE.finditer(masked))):
        if not _clean(line[: match.start()]):
            continue
        end = match.end()
        if not match.group(0).rstrip().endswith(_SCOPE_ENDS):
            end = masked.find(";", match.start())
            end = len(line) if end < 0 else end
        line, masked = line[: match.start()] + line[end:], masked[: match.start()] + masked[end:]
    return line


def _mask_parentheses(text: str) -> str:
    """The text with everything inside (…) replaced by "_", so that separators there are not seen."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        out.append("_" if depth and char not in "()" else char)
        if char == ")" and depth:
            depth -= 1
    return "".join(out)


def _inside_known_names(pieces: list[_Piece], is_known: Callable[[str], bool]) -> set[int]:
    """The pieces that continue a name is_known recognises, read from the longest run of pieces."""
    inside: set[int] = set()
    i = 0
    while i < len(pieces):
        taken = 1
        for j in range(min(len(pieces), i + _MAX_PIECES_PER_NAME), i + 1, -1):
            if any(p.separator == "line" for p in pieces[i + 1 : j]):
                continue
            if is_known(_clean(pieces[i].text + "".join(p.written + p.text for p in pieces[i + 1 : j]))):
                taken = j - i
                inside.update(range(i + 1, j))
                break
        i += taken
    return inside


def _role_cut(text: str) -> tuple[int, str] | None:
    """Where a role phrase starts in the piece ("Sở KH&CN| chủ trì hướng dẫn") and which role, or None."""
    for match in _ROLE_RE.finditer(_mask_parentheses(text)):
        before = _clean(text[: match.start()])
        if not before or before == _head_at_start(before) or _HEAD_AT_END_RE.search(before):
            continue  # "Hội đồng phối hợp …", "Ban Chỉ đạo thực hiện …", "Tổ giúp việc Ban chỉ đạo" are names
        if re.search(r"(?:được|giao)$", before) or _AGENCY_NOUN_RE.match(before):
            continue  # "Các đơn vị được giao thực hiện TTHC", "Các cơ quan tham mưu …" are names
        return match.start(), match.group(1)
    return None


def _starts_new_name(piece: _Piece, body: str, before: _Name) -> bool:
    """Whether the piece (body: its text, cleaned) begins a new name rather than going on with the one before."""
    if piece.separator == "line":
        return True
    if before.is_list:
        return _leaves_list(body)
    if piece.separator == ".":
        return _head_at_start(body) is not None or body.casefold().startswith("các ")
    if piece.separator == ";":
        return True
    families = _open_families(before.text)
    if body.casefold().startswith("các "):
        typed = _type_at_start(body[4:])
        if typed is not None and _TERRITORY in typed[1] and _TERRITORY in families:
            return False  # "UBND Thành phố Hồ Chí Minh và các tỉnh/thành phố khác"
        return not (piece.separator == "và" and _DEPENDENT_RE.search(body))
    if _starts_named_unit(body):
        # "Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh" is one office; "Văn phòng UBND tỉnh và UBND …" two.
        return not (
            piece.separator == "và"
            and _JOINT_OFFICE_RE.match(body)
            and before.text.startswith("Văn phòng")
            and _TERRITORY not in families
        )
    if _is_bare_type(body) and (typed := _type_at_start(body)):
        # "Sở, ban, ngành", "Viện, Trường", "UBND các huyện, thành phố" run on; "Doanh nghiệp, Sở, ban" does not.
        kind = typed[1]
        if kind & families:
            return False
        if piece.separator == "và":
            # "UBND các xã, phường và cơ quan, đơn vị có liên quan", "Sở Tư pháp và cơ quan liên quan": other
            # parties, unless they belong to the name ("… và đơn vị trực thuộc").
            return not _DEPENDENT_RE.search(body)
        return piece.separator == "," and (kind != {_TERRITORY} or bool(families))
    if piece.separator == ",":
        return bool(
            _ENTITY_RE.match(body)
            or (
                piece.written.endswith(" ")
                and (
                    _starts_with_acronym(body)
                    or _CAMEL_RE.match(body)
                    or (_is_brand(before.text) and _is_upper_start(body))
                )
            )
        )
    return False


def _is_brand(name: str) -> bool:
    """A party known by its brand rather than an agency head ("VNPT Đồng Tháp", "MobiFone"): in a list of them,
    each capitalised piece after a comma is the next brand ("VNPT Đồng Tháp, Viettel Đồng Tháp")."""
    return _head_at_start(name) is None and bool(_starts_with_acronym(name) or _CAMEL_RE.match(name))


def _starts_with_acronym(text: str) -> bool:
    """ "VNPT", "VNPT Đồng Tháp": a unit known by its acronym (the next word, if any, capitalised)."""
    match = _ACRONYM_RE.match(text)
    return match is not None and (match.end() == len(text) or _is_upper_start(text[match.end() :].strip()))


def _head_at_start(text: str) -> str | None:
    """The agency head a piece opens with, written with its capital ("Sở", "UBND"), or None."""
    match = _HEAD_RE.match(text)
    return match.group(0) if match else None


def _type_at_start(text: str) -> tuple[str, set[str]] | None:
    """The unit-type noun a piece opens with, in any case, and its families."""
    match = _TYPE_RE.match(text)
    return (match.group(1), _TYPE_NOUNS[match.group(1).casefold()]) if match else None


def _is_upper_start(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _is_bare_type(text: str) -> bool:
    """A unit-type noun with no name of its own ("Sở", "Trường", "cơ quan ngang bộ", "ngành Thành phố")."""
    typed = _type_at_start(text)
    if typed is None:
        return False
    rest = text[len(typed[0]) :].strip()
    return not _is_upper_start(rest) or _type_at_start(rest) is not None or rest.startswith("Trung ương")


def _starts_named_unit(text: str) -> bool:
    """A capitalised head that is a unit of its own: "Sở Tư pháp", "UBND các xã", "Tỉnh đoàn", not "Sở"."""
    head = _head_at_start(text)
    if head is None:
        return False
    rest = _RELATED_RE.sub("", text[len(head) :].strip()).strip()
    typed = _type_at_start(head)
    return bool(rest) or typed is None or typed[0] != head


def _leaves_list(text: str) -> bool:
    """Inside "Các Cục: A; B", only "các …", "UBND …" or a head with a capitalised name ends the list.

    A member may itself begin with a one-word head used as a common noun ("Các Cục: …; Báo chí; …").
    """
    if text.casefold().startswith("các "):
        return True
    head = _head_at_start(text)
    return head is not None and (_is_upper_start(text[len(head) :].strip()) or " " in head or head.isupper())


def _open_families(unit: str) -> set[str]:
    """The families of unit-type nouns the name written so far can still take after a comma."""
    separators = list(re.finditer(r",\s*|\s+và\s+", _mask_parentheses(unit)))
    last = unit[separators[-1].end() :] if separators else unit
    families: set[str] = set()
    body = re.sub(r"^các\s+", "", last, flags=re.IGNORECASE)
    if _is_bare_type(body) and (typed := _type_at_start(body)):
        families |= typed[1]
    for match in re.finditer(r"(?:^|\s)(?:các|cấp)\s+", last, re.IGNORECASE):
        typed = _type_at_start(last[match.end() :])
        if typed is not None:
            families |= typed[1]
    # A unit of a territory ("UBND thành phố Hà Nội", "Sở Văn hóa và Thể thao tỉnh") takes more territories.
    words = last.split()
    for i in range(len(words)):
        typed = _type_at_start(" ".join(words[i:]))
        if typed and _TERRITORY in typed[1] and all(_is_upper_start(w) for w in words[i + len(typed[0].split()) :]):
            families.add(_TERRITORY)
            break
    return families


def _opens_list(name: str) -> bool:
    """A head and a colon, the names following: "Các Cục: Di sản văn hóa, Bản quyền tác giả"."""
    return _mask_parentheses(name).find(":") > 0 and (
        _head_at_start(name) is not None or name.casefold().startswith("các ")
    )


def _unglued(name: str) -> list[str]:
    """Split "Sở Khoa học và Công nghệ Sở Công Thương": the same head starts again after a complete name.

    A different head inside a name is normal ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng Bộ").
    """
    head = _head_at_start(name)
    if head is None:
        return [name]
    # The repeated head comes after at least one word of the first name and before a capitalised word.
    pattern = re.compile(r"(?<=\w)\s+(?=" + re.escape(head) + r"\s)")
    for match in pattern.finditer(_mask_parentheses(name), len(head) + 1):
        if not _is_upper_start(name[match.end() + len(head) :].strip()):
            continue
        if _LINKED_END_RE.search(name[: match.start()]):
            continue  # "Tổ giúp việc Ban Chỉ đạo", "… thuộc Sở Y tế": the second unit belongs to the first
        return [name[: match.start()], *_unglued(name[match.end() :])]
    return [name]


# --- Names that stand for several units ----------------------------------------------------------------

# "appendix1" collectives mean the units listed in the plan's Appendix 1 (the agencies that handle
# administrative procedures); "unspecified" ones name no unit in particular and are kept as written
# until an admin maps them.
APPENDIX1 = "appendix1"
UNSPECIFIED = "unspecified"
_APPENDIX1_RE = re.compile(r"^các (?:cơ quan |đơn vị )+(?:được )?giao giải quyết (?:tthc|thủ tục hành chính)(?: |$)")
_PLURAL_TERRITORY_RE = re.compile(r"(?:^|\s)(?:các|cấp)\s+", re.IGNORECASE)
# The heads of several units: "Giám đốc các Sở", "Thủ trưởng các cơ quan, đơn vị".
_PERSON_COLLECTIVE_RE = re.compile(
    r"^(?:giám đốc|thủ trưởng|chủ tịch|lãnh đạo|người đứng đầu|trưởng)\s+(?:các|những)\s"
)
_LISTED_RE = re.compile(r"(?:^|\s)(\S+)\s*[,/]\s*(\S+)")


def collective_kind(name: str) -> str | None:
    """APPENDIX1 or UNSPECIFIED when the name stands for several units, else None.

    Recognised by shape: a plural ("Các …", "UBND các huyện, thành phố", "UBND cấp xã", "UBND xã,
    phường", "Giám đốc các Sở"), a run of unit-type nouns ("Sở, ban, ngành có liên quan", "Viện, Trường",
    "Doanh nghiệp"), a name in lower case ("các đơn vị liên quan", "doanh nghiệp viễn thông") or one ending
    in "(có) liên quan". Text the splitter reads as several names, and a shared-head list ("Các Cục: A, B",
    which names its units), are not collectives.
    """
    text = _clean(name)
    if not text or split_names(text, lambda _n: False) != [text] or _opens_list(text):
        return None
    folded = fold_name(text)
    if _APPENDIX1_RE.match(folded):
        return APPENDIX1
    if (
        not _is_upper_start(text)
        or folded.startswith("các ")
        or _RELATED_RE.search(folded)
        or _PERSON_COLLECTIVE_RE.match(folded)
    ):
        return UNSPECIFIED
    typed = _type_at_start(text)
    if typed and typed[1] != {_TERRITORY} and _TYPE_RUN_END_RE.match(text[len(typed[0]) :]):
        return UNSPECIFIED
    for match in _PLURAL_TERRITORY_RE.finditer(text):
        typed = _type_at_start(text[match.end() :])
        if typed and _TERRITORY in typed[1]:
            return UNSPECIFIED
    # Territories listed with no place named ("UBND xã, phường", "Sở … tỉnh, thành phố trực thuộc Trung ương").
    for match in _LISTED_RE.finditer(_mask_parentheses(text)):
        left, right = _type_at_start(match.group(1)), text[match.start(2) :]
        right_typed = _type_at_start(right)
        if left and right_typed and _TERRITORY in left[1] & right_typed[1] and _is_bare_type(right):
            return UNSPECIFIED
    return None


def shared_head_members(name: str) -> list[str]:
    """The units a shared-head list names, each with its head: "Các Cục: A, B" → ["Cục A", "Cục B"].

    Any other name comes back alone. The list is split on ";" when it uses ";", else on ","
    ("Các Cục: Xuất bản, In và Phát hành; Báo chí" keeps the first name's comma).
    """
    text = _clean(name)
    if not _opens_list(text):
        return [text] if text else []
    head, _, rest = text.partition(":")
    head = re.sub(r"^các\s+", "", head.strip(), flags=re.IGNORECASE)
    head = head[:1].upper() + head[1:]
    separator = ";" if ";" in rest else ","
    return [f"{head} {member}" for member in (_clean(m) for m in rest.split(separator)) if member]
