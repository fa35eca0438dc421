"""Camera file names: the names cameras, phones and scanners give files on their own.

``IMG_1234``, ``DSC_0042``, ``DSCN1234``, ``P1010001``, ``PXL_20240101_123456``, a copy's
``IMG_1234 (2)``, or bare numbers and date-time stamps (``20240101_123456``). Such a name
describes nothing: syndicate.checks warns when the title is no better, and the Commons sink
builds a descriptive file name instead, because Commons' upload filter refuses these
prefixes (``bad-prefix``, https://commons.wikimedia.org/wiki/MediaWiki:Filename-prefix-blacklist).
"""

from __future__ import annotations

import re

#: Prefixes from Commons' MediaWiki:Filename-prefix-blacklist (the ones cameras and phones
#: use) and from the cameras, drones and scanners it leaves out.
PREFIXES = ("CIMG", "DJI", "DSC[FIN_]?", "DUW", "GEDC", "GOPR", "HPIM", "IMGP?", "IMAG", "JD",
            "KIF", "KODAK", "MGP", "MVC", "MVIMG", "MVI", "PANA", "PICT", "PIC", "PXL", "P",
            "SAM", "SANY", "SDC", "SUNP", "VID", "WP", "image", "scan", "screenshot")
_CAMERA_NAME = re.compile(
    rf"^(?:(?:{'|'.join(PREFIXES)})[\s_-]?\d{{3,}}|\d+)[\d\s_-]*(?:\(\d+\))?$", re.IGNORECASE)


def is_camera_name(stem: str) -> bool:
    """Whether ``stem`` (a title, or a file name without its extension) is a name a device
    gave the file rather than one a person chose."""
    return bool(_CAMERA_NAME.match(stem.strip()))
