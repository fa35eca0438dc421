"""Progress: a rewritten line on a terminal, nothing when output is not a terminal."""

from __future__ import annotations

import io

from syndicate.progress import Silent, TerminalLine, for_terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_line_counts_per_stage_and_clears_itself() -> None:
    screen = Terminal()
    line = for_terminal(screen)
    assert isinstance(line, TerminalLine)
    for _ in range(20):
        line.advance("collect", "news")
    line.advance("publish", "partners")
    line.done()
    text = screen.getvalue()
    assert "collect news: 1" in text and "collect news: 20" in text
    assert "publish partners: 1" in text
    assert text.endswith("\r\x1b[K")


def test_no_progress_off_a_terminal_or_when_quiet() -> None:
    assert isinstance(for_terminal(io.StringIO()), Silent)
    assert isinstance(for_terminal(Terminal(), quiet=True), Silent)
