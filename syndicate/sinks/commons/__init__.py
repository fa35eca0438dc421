"""The Wikimedia Commons sink (entry point ``commons``).

Modules: :mod:`.sink` (the sink and its configuration), :mod:`.checks` (what Commons needs),
:mod:`.filenames` and :mod:`.filetypes` (names and real content types), :mod:`.filepage`
(the description page), :mod:`.upload` (the upload protocol, warnings and resuming).
"""

from syndicate.sinks.commons.sink import CommonsSink

__all__ = ["CommonsSink"]
