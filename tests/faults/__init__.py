"""The fault suite: each test is one hostile plugin, crash, input or limit that once cost
more than the one item (or plugin, or run) it should, and pins that it no longer does."""
