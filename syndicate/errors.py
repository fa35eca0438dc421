"""Errors a user or a remote system can cause, each saying what the pipeline does next.

Only bugs produce tracebacks; everything here is caught by the CLI and printed as one
``Error: …`` line with its exit code (the README's table: 0 all done, 1 some items
failed, 2 usage/config/queue error, 75 another run holds the lock).
"""

from __future__ import annotations


class SyndicateError(Exception):
    """Base class: a problem a person can fix, with a message that says how."""

    exit_code = 2


class ConfigError(SyndicateError):
    """The configuration is wrong. ``key`` is the dotted path of the offending key
    relative to the component that raised it (a sink or source fills in its own keys;
    the config loader prefixes it and adds file and line)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class InputError(SyndicateError):
    """A feed, page, file or queue cannot be read; the message names it."""


class LockHeld(SyndicateError):
    """Another run holds the lock; cron may simply retry."""

    exit_code = 75


class SourceError(SyndicateError):
    """A source could not be read this run (network down, file missing). The other
    sources still run; this one is tried again next run. ``retry=False`` says it will not
    fix itself (a wrong path, a 404): a person must act. ``key`` names the source's option
    at fault (``path``), so the message can point at its line in syndicate.yaml."""

    exit_code = 1

    def __init__(self, message: str, *, retry: bool = True, key: str | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.key = key


class SinkError(SyndicateError):
    """The sink as a whole cannot work this run (bad login, wiki down, misconfigured):
    stop sending to it; its items stay approved and are retried next run."""

    exit_code = 1


class RetryLater(SinkError):
    """This item could not be published now (rate limit, timeout, server error); it stays
    approved and is retried next run. ``after`` is a hint in seconds, if the remote gave one."""

    def __init__(self, message: str, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class SkipItem(SinkError):
    """This item cannot go to this sink as it is (the remote refused it for good, a person
    must look): recorded against the item and not retried until the item changes or an
    editor approves it again. The sink carries on with its other items. (A ``SinkError``
    like :class:`RetryLater`: code that stops a sink on ``SinkError`` must catch these two
    first, as the publisher does.)"""
