"""Writing files so that a crash never leaves half of one, and locking out overlapping runs."""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from syndicate.errors import LockHeld


def atomic_write(path: Path, data: bytes | str, mode: int = 0o644,
                 before_replace: Callable[[], None] | None = None) -> None:
    """Replace ``path`` with ``data`` in one step: a temporary file in the same folder,
    fsync, ``os.replace``, then fsync the folder so the rename itself survives a crash.
    ``before_replace`` runs at the last moment and may raise to leave ``path`` as it is."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class RunLock:
    """An exclusive lock on a separate lock file, taken at once or after waiting up to
    ``wait`` seconds for the run that holds it.

    ``flock`` is released by the kernel when the process dies, so a crashed run never
    leaves a stale lock behind (unlike a PID file).
    """

    def __init__(self, path: Path, wait: float = 0.0) -> None:
        self.path = path
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                # Polled rather than a blocking flock, so the wait is bounded.
                if time.monotonic() >= deadline:
                    os.close(fd)
                    waited = f" after waiting {self.wait:g} s" if self.wait else ""
                    raise LockHeld(f"another syndicate run holds {self.path}{waited}; try "
                                   "again when it has finished") from None
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
