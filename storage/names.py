"""The one key for "the same festival name", in Python and in SQL alike.

SQLite's ``NOCASE`` folds ASCII letters only, so "ДИДОР" and "Дидор" would be two festivals. The
key is computed here and registered on every connection as the SQL function ``name_key``.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """Unicode-aware: compatibility forms, case and accents folded, punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", letters).strip()
