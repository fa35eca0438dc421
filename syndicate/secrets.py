"""Secrets from the environment or a 0600 file, never inline and never printed.

In syndicate.yaml a secret is ``{env: NAME}`` or ``{file: PATH}``. The config loader turns
it into a :class:`Secret` (checking at once that a secret file exists and is private), whose
value is read when its sink opens (so ``collect`` and ``--dry-run`` need no environment
variables) and reaches a plugin only through ``self.secret(NAME)``. A Secret formatted as
text by mistake (``f"Bearer {token}"``) gives :data:`REDACTED` and its description, never the
value, and the pipeline refuses to record anything containing that marker.

``env_file:`` in syndicate.yaml names a file of ``KEY=VALUE`` lines (0600, like any secret
file) that supplies ``{env: KEY}`` secrets the environment does not set: the way to give a
cron job its credentials without putting them in the crontab.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syndicate.errors import ConfigError
from syndicate.scrub import remember

#: What a Secret turns into as text. Anything syndicate records is checked for it.
REDACTED = "[redacted secret"


class Secret:
    """A credential named in the config. Plugins call ``self.secret(name)`` on their sink
    or source; :meth:`reveal` is what that call uses."""

    def __init__(self, *, env: str | None = None, file: Path | None = None,
                 key: str = "", env_file: Mapping[str, str] | None = None) -> None:
        self.env = env
        self.file = file
        self.key = key
        self.env_file = env_file or {}

    def describe(self) -> str:
        """Where the value comes from, for messages: ``env NAME`` or ``file PATH``."""
        return f"env {self.env}" if self.env is not None else f"file {self.file}"

    def __repr__(self) -> str:
        return f"{REDACTED} {self.describe()}]"

    def __str__(self) -> str:
        return repr(self)

    def __format__(self, spec: str) -> str:
        return repr(self)

    def check_file(self) -> None:
        """For a file secret: ConfigError unless it exists, is private and has a value."""
        if self.file is not None:
            self.reveal()

    def reveal(self) -> str:
        """The secret's value; ConfigError (naming the key, not the value) if unavailable.
        From now on the scrubber masks it in every message."""
        value = self._read()
        remember(value)
        return value

    def _read(self) -> str:
        if self.env is not None:
            value = os.environ.get(self.env) or self.env_file.get(self.env)
            if not value:
                raise ConfigError(f"environment variable {self.env} is not set; set it in "
                                  "the environment that runs syndicate (for cron: an "
                                  "env_file: in syndicate.yaml, or {file: PATH} secrets)",
                                  key=self.key)
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
        # Like netrc: a secret anyone else can read, or someone else owns, is refused.
        owner = os.fstat(fd).st_uid
        if owner != os.getuid():
            raise ConfigError(f"secret file {path} belongs to another user (uid {owner}); "
                              "it must belong to the user that runs syndicate", key=key)
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


def secret_from(value: Any, key: str, base_dir: Path,
                env_file: Mapping[str, str] | None = None) -> Secret | None:
    """``value`` as a Secret if it is one or is written as one (``{env: NAME}``,
    ``{file: PATH}``, the path relative to ``base_dir``); None for anything else."""
    if isinstance(value, Secret):
        return value
    if not (isinstance(value, dict) and len(value) == 1 and set(value) <= {"env", "file"}):
        return None
    (kind, name), = value.items()
    if not isinstance(name, str) or not name.strip():
        wanted = "a variable name" if kind == "env" else "a path"
        raise ConfigError(f"{key}: {{{kind}: …}} needs {wanted}", key=key)
    if kind == "env":
        return Secret(env=name, key=key, env_file=env_file)
    return Secret(file=base_dir / name, key=key)


def read_env_file(path: Path, key: str = "env_file") -> dict[str, str]:
    """``KEY=VALUE`` lines of a private file (blank lines and ``#`` comments skipped;
    ``export`` and matching quotes around the value allowed, as a shell would write them)."""
    data = _read_private_file(path, key)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"env file {path} is not UTF-8 text", key=key) from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name = name.strip()
        if not equals or not name.replace("_", "").isalnum() or name[0].isdigit():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE (the value is not "
                              "shown here)", key=key)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[name] = value
    return values
