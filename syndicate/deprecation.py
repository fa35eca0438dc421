"""The plugin API's version and how a name leaves it.

The plugin API — what ``syndicate``, ``syndicate.options`` and ``syndicate.testing``
export, the :class:`~syndicate.Sink` and :class:`~syndicate.Source` attributes and their
context fields — follows semantic versioning in :data:`PLUGIN_API`: a minor release adds,
a major release may remove. A name is never removed without warning: for at least one
minor release it still works and each use warns (:class:`DeprecationWarning`, which pytest
shows), naming the replacement and the version that removes it. docs/plugins.md is the
guide.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

# The version of the plugin API, ``MAJOR.MINOR``: a plugin written for 1.x runs on every
# 1.y with y ≥ x.
PLUGIN_API = "1.0"

# One deprecated module attribute: (what to use instead, how to get the value, the
# plugin-API version that removes it).
Deprecated = tuple[str, Callable[[], Any], str]


def deprecated_names(module: str, names: Mapping[str, Deprecated]
                     ) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that still serves each deprecated name, with a
    warning, and raises AttributeError for anything else::

        __getattr__ = deprecated_names(__name__, {
            "OLD_NAME": ("syndicate.NEW_NAME", lambda: NEW_NAME, "2.0"),
        })
    """

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        instead, value, removed_in = names[name]
        warnings.warn(f"{module}.{name} is deprecated and will be removed in plugin API "
                      f"{removed_in}; use {instead} instead", DeprecationWarning,
                      stacklevel=2)
        return value()

    return __getattr__
