"""Secrets from the environment or a 0600 file, never inline and never printed.

In syndicate.yaml a secret is ``{env: NAME}`` or ``{file: PATH}``. The config loader turns
it into a :class:`Secret`, which is read only when a sink asks for it (so ``collect`` and
``--dry-run`` need no credentials) and whose ``repr`` never shows the value.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from syndicate.errors import ConfigError
from syndicate.scrub import remember


class Secret:
    """A credential named in the config; :meth:`reveal` reads it."""

    def __init__(self, *, env: str | None = None, file: Path | None = None,
                 key: str = "") -> None:
        self.env = env
        self.file = file
        self.key = key

    def __repr__(self) -> str:
        return f"Secret({'env ' + self.env if self.env else 'file ' + str(self.file)})"

    __str__ = __repr__

    def reveal(self) -> str:
        """The secret's value; ConfigError (naming the key, not the value) if unavailable.
        From now on the scrubber masks it in every message."""
        value = self._read()
        remember(value)
        return value

    def _read(self) -> str:
        if self.env is not None:
            value = os.environ.get(self.env)
            if not value:
                raise ConfigError(f"environment variable {self.env} is not set; export it "
                                  "before running", key=self.key)
            return value
        assert self.file is not None
        data = _read_private_file(self.file, self.key)
        try:
            value = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ConfigError(f"secret file {self.file} is not UTF-8 text",
                              key=self.key) from None
        if not value:
            raise ConfigError(f"secret file {self.file} is empty", key=self.key)
        return value


def _read_private_file(path: Path, key: str) -> bytes:
    """The bytes of ``path`` if it is a regular file only its owner can reach.

    The checks are made on the open file, so swapping the path between check and read gains
    nothing; O_NONBLOCK keeps a FIFO in its place from hanging the run.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ConfigError(f"secret file {path} does not exist", key=key) from None
    except OSError as error:
        raise ConfigError(f"secret file {path} cannot be read ({error.strerror})",
                          key=key) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(f"secret file {path} is not a regular file", key=key)
        # Like netrc: a secret anyone else can read is refused.
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"secret file {path} is readable by others; run "
                              f"chmod 600 {path}", key=key)
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    finally:
        os.close(fd)


def reveal(value: object, key: str = "") -> str:
    """The text of a config value that should be a secret; inline text is refused."""
    if isinstance(value, Secret):
        return value.reveal()
    raise ConfigError("credentials must come from {env: NAME} or {file: PATH}, "
                      "never inline", key=key)
