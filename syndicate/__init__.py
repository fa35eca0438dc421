"""syndicate: open-content licensing and syndication for UK councils and public bodies.

Plugin authors import what they need from here::

    from syndicate import Sink, Item, Receipt, Finding, RetryLater, SkipItem
    from syndicate import Withdrawal, withdrawal_reason    # for an optional withdraw()
"""

from syndicate.errors import (
    ConfigError,
    InputError,
    RetryLater,
    SinkError,
    SkipItem,
    SourceError,
    SyndicateError,
)
from syndicate.model import Attribution, Finding, Item, Receipt, Withdrawal, withdrawal_reason
from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState
from syndicate.sources.base import Source, SourceContext

__version__ = "0.1.0"

__all__ = [
    "Attribution",
    "ConfigError",
    "Finding",
    "InputError",
    "Item",
    "Organisation",
    "Receipt",
    "RetryLater",
    "Sink",
    "SinkContext",
    "SinkError",
    "SinkState",
    "SkipItem",
    "Source",
    "SourceContext",
    "SourceError",
    "SyndicateError",
    "Withdrawal",
    "__version__",
    "withdrawal_reason",
]
