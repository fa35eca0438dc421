"""Progress for long steps: a self-updating line on a terminal, nothing otherwise.

Off a terminal (cron, CI) progress would only be noise; there the log lines (``-v``) and the
run report say what happened.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Protocol, TextIO


class Progress(Protocol):
    """Told once per item handled in a stage (``collect``, ``publish``)."""

    def advance(self, stage: str, where: str) -> None: ...

    def done(self) -> None: ...


class Silent:
    """No progress output."""

    def advance(self, stage: str, where: str) -> None:
        pass

    def done(self) -> None:
        pass


class TerminalLine:
    """One line on the terminal, rewritten in place: ``collect news: 120``."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.counts: Counter[tuple[str, str]] = Counter()
        self.shown = False

    def advance(self, stage: str, where: str) -> None:
        self.counts[stage, where] += 1
        count = self.counts[stage, where]
        if count == 1 or count % 10 == 0:
            self.stream.write(f"\r\033[K{stage} {where}: {count}")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def for_terminal(stream: TextIO = sys.stderr, quiet: bool = False) -> Progress:
    """A terminal line when ``stream`` is a terminal, silence otherwise."""
    return TerminalLine(stream) if stream.isatty() and not quiet else Silent()
