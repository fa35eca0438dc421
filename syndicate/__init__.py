"""syndicate: open-content licensing and syndication for UK councils and public bodies.

Plugin authors import what they need from here::

    from syndicate import Sink, Item, Receipt, Finding, RetryLater, SkipItem, Option
    from syndicate import Withdrawal, withdrawal_reason    # for an optional withdraw()

Option types (Text, Integer, Boolean, Url, FilePath, Duration, ListOf…) are in
:mod:`syndicate.options`, the contract test in :mod:`syndicate.testing`. The plugin API is
versioned in :data:`PLUGIN_API` (semantic versioning; a name is deprecated, with warnings,
for at least one minor release before it is removed): see docs/plugins.md.
"""

from syndicate.deprecation import PLUGIN_API, deprecated_names
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
from syndicate.options import Option
from syndicate.secrets import Secret
from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState
from syndicate.sources.base import Source, SourceContext

__version__ = "0.1.0"

# Names on their way out of the plugin API: name -> (instead, value, removed in). Each
# use warns for at least one minor release before the name goes (docs/plugins.md).
__getattr__ = deprecated_names(__name__, {})

__all__ = [
    "PLUGIN_API",
    "Attribution",
    "ConfigError",
    "Finding",
    "InputError",
    "Item",
    "Option",
    "Organisation",
    "Receipt",
    "RetryLater",
    "Secret",
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
