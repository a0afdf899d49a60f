"""Text as people send it (typed, pasted from Word, in a file or a JSON body), made safe to keep: the line
breaks other programs use become "\\n", and the characters no document format can carry are found by name
so the form can say which to remove."""

from __future__ import annotations

import unicodedata

from .texts import Text, t

# Word's manual line break (\x0b), a form feed, the Unicode line and paragraph separators and NEL, and
# Windows and old Mac line ends: each is a line break to the person who typed it.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
# Tab and newline are text; every other C0/C1 control character, the non-characters and lone surrogates
# cannot be carried by XML (the .docx and .xlsx reports) and mean nothing to a reader.
_KEPT_CONTROLS = {"\t", "\n"}


def normalise_text(value: str) -> str:
    """Line breaks of every kind as "\\n" (CRLF and CR included); nothing else changes."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_BREAKS)


def _unwanted(char: str) -> bool:
    if char in _KEPT_CONTROLS:
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (0xFDD0 <= ord(char) <= 0xFDEF) or (ord(char) & 0xFFFE) == 0xFFFE


def unwanted_characters(value: str) -> list[str]:
    """The characters of `value` (after normalise_text) that cannot be kept, as "U+0001", each once."""
    found: list[str] = []
    for char in normalise_text(value):
        if _unwanted(char):
            name = f"U+{ord(char):04X}"
            if name not in found:
                found.append(name)
    return found


def unwanted_message(field: str, found: list[str]) -> Text:
    """What a form, the API or an import says about a field holding such characters."""
    return t(
        "“%(field)s” chứa ký tự điều khiển không hiển thị được (%(chars)s): hãy xóa ký tự đó rồi gửi lại.",
        field=field,
        chars=", ".join(found),
    )


def printable(value: str) -> str:
    """The text a document can carry: line breaks normalised, unwanted characters dropped (for writing text
    that entered before these checks existed)."""
    return "".join(char for char in normalise_text(value) if not _unwanted(char))
