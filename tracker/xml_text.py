"""Text as an XML file (a .docx, an .xlsx) can carry it: XML 1.0 has no place for most control characters, and
lxml or openpyxl refuse a string holding one. Text pasted from Word brings \\x0b (its line break) and \\x0c
(its page break); other programs leave \\x01 and the like."""

from __future__ import annotations

import re

# Word's line and page breaks, and the carriage returns of other systems' line ends: line breaks here.
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c]")
# The rest that XML 1.0 cannot carry (tab and line feed it can), lone surrogates and the two non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """text with its line breaks as "\\n" and the characters XML cannot carry left out."""
    return _NOT_XML.sub("", _LINE_BREAKS.sub("\n", text))
