"""Text as a cineSync session file can carry it.

XML 1.0 cannot hold most C0 control characters, lone surrogates or U+FFFE/U+FFFF, not even as
character references. Notes arrive from trackers with any of these (pasted from terminals, mail
clients, broken encoders), so they are dropped in one place, both when writing a file and when
normalising note text, so that what syncd compares is exactly what survives a write and a read.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent."""
    return _NOT_XML.sub("", text)
