"""Diacritics-insensitive text for search: "nguyen van a" must find "Nguyễn Văn A".

The folded form is stored beside the name (``Dossier.applicant_name_search``) and the query is
folded the same way, so the comparison is a plain indexed ``LIKE`` on SQLite and PostgreSQL
alike, with no database extension (``unaccent``) to install.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lowercase, without tone marks or diacritics (đ → d), single-spaced."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()
