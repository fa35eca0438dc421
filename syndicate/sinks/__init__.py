"""Sinks: where approved items are published. See :mod:`syndicate.sinks.base`."""

from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState

__all__ = ["Organisation", "Sink", "SinkContext", "SinkState"]
