"""A synthetic, national-scale dataset for benchmarks: `python -m tools.synth --units … --plans …` (see
__main__.py) writes it into an empty, migrated database; build.py makes the rows, history.py walks each
assignment through tracker.rules.lifecycle, words.py holds the names and texts it draws from."""

from .build import (
    HEAD_PATTERN,
    MIN_UNITS,
    STAFF_PATTERN,
    SynthRefused,
    SynthReport,
    build_synthetic,
    check_empty,
    write_accounts_file,
)

__all__ = [
    "HEAD_PATTERN",
    "MIN_UNITS",
    "STAFF_PATTERN",
    "SynthRefused",
    "SynthReport",
    "build_synthetic",
    "check_empty",
    "write_accounts_file",
]
