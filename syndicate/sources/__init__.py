"""Sources: where items come from. See :mod:`syndicate.sources.base`."""

from syndicate.sources.base import Source, SourceContext

__all__ = ["Source", "SourceContext"]
