"""How unit names are compared and how a cell naming several units is split into names."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Old-style tone placement ("hoá", "thuỷ") is as common in official texts as the new one ("hóa", "thủy").
_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Only a syllable that ends there ("hoá", not "hoạch") has its tone moved.
_OLD_TONE_RE = re.compile("(?:" + "|".join(_OLD_TONES) + r")(?!\w)")
# Characters that differ between copies of the same name: Icelandic Eth for Đ, dashes, punctuation.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "–": "-", "—": "-", "‐": "-"})
_PUNCT_RE = re.compile(r"[,\-&/.;:()]+")
_SPACE_RE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, look-alike letters unified, every kind of space folded to one, stripped."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    return _SPACE_RE.sub(" ", text).strip()


def fold_name(name: str) -> str:
    """The key two spellings of one unit name share: case, spacing, punctuation and tone placement ignored."""
    text = normalize_text(name).casefold()
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(0)], text)
    text = _PUNCT_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


# Separators between names in a "lead / coordinating unit" cell. Names themselves may hold commas
# ("Vụ Kế hoạch, Tài chính") and "và" ("Cục Mỹ thuật, Nhiếp ảnh và Triển lãm"), so a split is only
# final where no known name spans it.
_SEPARATOR_RE = re.compile(r"(\s*[;,\n]\s*|\s+và\s+)")
_MAX_PIECES_PER_NAME = 6


def split_names(text: str, is_known: Callable[[str], bool], *, strict_separators: str | None = None) -> list[str]:
    """Split a cell into the names it lists, keeping any known name that contains a separator whole.

    With strict_separators (e.g. ";\\n"), only those characters separate names (Appendix 1 lists
    its members with ";"), and is_known is not consulted.
    """
    text = normalize_text_keep_lines(text)
    if strict_separators is not None:
        parts = re.split("[" + re.escape(strict_separators) + "]", text)
        return [p for p in (_clean_piece(p) for p in parts) if p]

    tokens = _SEPARATOR_RE.split(text)  # piece, separator, piece, separator, …
    pieces, seps = tokens[0::2], tokens[1::2]
    names: list[str] = []
    i = 0
    while i < len(pieces):
        taken = 1
        for j in range(min(len(pieces), i + _MAX_PIECES_PER_NAME), i + 1, -1):
            candidate = pieces[i] + "".join(seps[k] + pieces[k + 1] for k in range(i, j - 1))
            if is_known(_clean_piece(candidate)):
                taken = j - i
                break
        if taken == 1:
            # An unknown name runs on over "," and "và" until the next piece starts like a unit's name
            # ("Sở Thông tin và Truyền thông" is one unit; "Sở Nội vụ, Sở Tài chính" are two).
            while (i + taken < len(pieces) and seps[i + taken - 1].strip() in (",", "và")
                   and not _starts_like_a_unit(pieces[i + taken])):
                taken += 1
        name = pieces[i] + "".join(seps[k] + pieces[k + 1] for k in range(i, i + taken - 1))
        name = _clean_piece(name)
        if name:
            names.append(name)
        i += taken
    return names


# The words a Vietnamese agency's name starts with.
_UNIT_HEADS = (
    "bộ", "ban", "báo", "bảo tàng", "bệnh viện", "các", "cơ quan", "cục", "công an", "đài", "đơn vị", "học viện",
    "hội đồng", "kho bạc", "nhà", "phòng", "quỹ", "sở", "thanh tra", "tạp chí", "tòa", "tổng cục", "trung tâm",
    "trường", "ubnd", "ủy ban", "uỷ ban", "văn phòng", "viện", "vụ",
)


def _starts_like_a_unit(piece: str) -> bool:
    words = normalize_text(piece).casefold()
    return any(words == head or words.startswith(head + " ") for head in _UNIT_HEADS)


def normalize_text_keep_lines(text: str) -> str:
    """NFC and look-alikes like normalize_text, but line breaks survive (they separate names too)."""
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKES)
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _clean_piece(piece: str) -> str:
    """A name without list bullets, surrounding spaces or trailing punctuation."""
    piece = normalize_text(piece)
    piece = re.sub(r"^[-+•*]\s*", "", piece)
    return piece.strip(" .;,:")


# Names that stand for several units. "appendix1" collectives mean the units listed in the plan's
# Appendix 1 (the agencies that handle administrative procedures); the others name no unit in
# particular and are kept as written until an admin maps them.
APPENDIX1 = "appendix1"
UNSPECIFIED = "unspecified"
_COLLECTIVES = {
    "Các cơ quan được giao giải quyết TTHC": APPENDIX1,
    "Các cơ quan được giao giải quyết TTHC thuộc Bộ": APPENDIX1,
    "Các cơ quan được giao giải quyết thủ tục hành chính": APPENDIX1,
    "Các cơ quan, đơn vị được giao giải quyết TTHC": APPENDIX1,
    "Các đơn vị được giao giải quyết TTHC": APPENDIX1,
    "Các cơ quan, đơn vị có liên quan": UNSPECIFIED,
    "Các cơ quan, đơn vị liên quan": UNSPECIFIED,
    "Các cơ quan có liên quan": UNSPECIFIED,
    "Các cơ quan liên quan": UNSPECIFIED,
    "Các đơn vị có liên quan": UNSPECIFIED,
    "Các đơn vị liên quan": UNSPECIFIED,
    "Đơn vị có liên quan": UNSPECIFIED,
    "Các đơn vị thuộc Bộ": UNSPECIFIED,
    "Các Sở, ban, ngành": UNSPECIFIED,
    "Các sở, ngành": UNSPECIFIED,
    "UBND cấp huyện": UNSPECIFIED,
    "UBND cấp xã": UNSPECIFIED,
    "Ủy ban nhân dân cấp huyện": UNSPECIFIED,
    "Ủy ban nhân dân cấp xã": UNSPECIFIED,
    "UBND các huyện, thị xã, thành phố": UNSPECIFIED,
    "UBND các xã, phường, thị trấn": UNSPECIFIED,
}
_FOLDED_COLLECTIVES = {fold_name(k): v for k, v in _COLLECTIVES.items()}


def collective_kind(name: str) -> str | None:
    """APPENDIX1 or UNSPECIFIED when the name stands for several units, else None."""
    return _FOLDED_COLLECTIVES.get(fold_name(name))
