"""A file name a person's browser sent, made safe to keep and to send back: no folders, no control or
direction-changing characters, a bounded length that keeps the extension."""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 120
# Control (Cc), format (Cf: bidi overrides such as U+202E, zero-width marks), surrogate, private-use and
# unassigned characters: none belongs in a name a person reads or a header carries.
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_filename(name: str, *, fallback: str, limit: int = MAX_NAME_LENGTH) -> str:
    """The last part of `name` (either slash), NFC, without dropped characters, spaces collapsed, no trailing
    dots, at most `limit` characters with its extension kept. `fallback` (a stem) stands for a name with
    nothing left, or before a bare extension (".pdf")."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch) not in _DROPPED)
    kept = " ".join(kept.split()).rstrip(". ")
    if not kept.strip("."):
        return fallback
    if kept.startswith("."):
        kept = fallback + kept
    if len(kept) <= limit:
        return kept
    stem, dot, extension = kept.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return kept[:limit].rstrip(". ")
    return stem[: limit - len(extension) - 1].rstrip(". ") + "." + extension
