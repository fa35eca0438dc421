"""A sink and a source that misbehave on purpose, installed as a real distribution (a
dist-info on sys.path), so the pipeline meets them exactly as it meets a third-party plugin.
The sink's ``behaviour`` option picks the misbehaviour; ``calls.log`` beside the config
records every call that reached the plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

MODULE = '''
import os, sys, time
from pathlib import Path
from syndicate import Receipt, Sink, Source, Item, Withdrawal

def _log(sink, what, item=None):
    with open(Path(sink.context.base_dir) / "calls.log", "a") as handle:
        handle.write(f"{what} {item.id if item else ''}\\n")

class HostileSink(Sink):
    config_keys = frozenset({"behaviour", "secret"})
    kinds = frozenset({"article", "image", "document"})

    def _act(self, where, item=None):
        behaviour = self.config.get("behaviour", "")
        if not behaviour.startswith(where + ":"):
            return None
        what = behaviour.split(":", 1)[1]
        if what == "sleep":
            time.sleep(20)
        if what == "exit":
            sys.exit(0)
        if what == "ctrl-c":
            raise KeyboardInterrupt
        if what == "generator-exit":
            raise GeneratorExit
        if what == "leak":
            raise RuntimeError(f"login failed with password={self.config['secret'].reveal()}"
                               f" ({self.config['secret'].reveal()})")
        if what == "leak-env":  # read behind syndicate's back: only resolving it can help
            raise RuntimeError(f"the partner refused {os.environ['HOSTILE_SECRET']}")
        return what

    def open(self):
        _log(self, "open")
        self._act("open")

    def check(self, item):
        if self._act("check", item) == "none":
            return [None]
        return super().check(item)

    def publish(self, item):
        _log(self, "publish", item)
        what = self._act("publish", item)
        if what == "none":
            return None
        if what == "ok":
            return "ok"
        if what == "unserialisable":
            return Receipt("x-1", None, {"when": object()})
        if what == "huge":
            return Receipt("x-1", None, {"blob": "x" * 300_000})
        return Receipt(f"hostile:{item.id}", None, {})

    def withdraw(self, item, receipt):
        _log(self, "withdraw", item)
        what = self._act("withdraw", item)
        if what == "none":
            return None
        if what == "not-text":
            return Withdrawal(True, object())
        return Withdrawal(True, f"took {receipt.remote_id} down")

    def close(self):
        _log(self, "close")
        self._act("close")

class HangingSource(Source):
    config_keys = frozenset({"count", "hang_after", "behaviour"})

    def items(self):
        for n in range(int(self.config.get("count", 3))):
            if n == self.config.get("hang_after"):
                behaviour = self.config.get("behaviour", "sleep")
                if behaviour == "exit":
                    sys.exit(0)
                if behaviour == "ctrl-c":
                    raise KeyboardInterrupt
                if behaviour == "generator-exit":
                    raise GeneratorExit
                time.sleep(20)
            yield Item(id=f"{self.name}-{n}", source=self.name, kind="article",
                       title=f"Item {n}", url=f"https://www.example.gov.uk/{self.name}/{n}",
                       description="x")
'''


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the hostile sink (type ``hostile``) and source (type ``hanging``)."""
    site = tmp_path / "site-packages"
    dist = site / "hostile-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[syndicate.sinks]\nhostile = hostile_mod:HostileSink\n"
        "[syndicate.sources]\nhanging = hostile_mod:HangingSource\n")
    (site / "hostile_mod.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(site))
