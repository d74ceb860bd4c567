"""Identifiants built as the EduConnect guide shows them: ``m.adam62``,
``b.adams``, ``b.adams4``.

First letter of the first name, a dot, the last name; lower-case ASCII:
accents removed, ligatures spelled out, apostrophes, spaces and digits
dropped, hyphens of compound names kept (collapsed, never leading or
trailing). A number is added on collision (``b.adams2``, ``b.adams3``…).
"""
import re
import unicodedata

LOGIN_MAX_LENGTH = 40
_SPELLED = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i",
})
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")


def ascii_name(value):
    """``Zoé N'Guessan-Müller`` -> ``zoe nguessan-muller`` (NFC or NFD input)."""
    value = unicodedata.normalize("NFKD", (value or "").translate(_SPELLED))
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = value.translate(_SPELLED).lower()
    value = _APOSTROPHES.sub("", value)
    value = re.sub(r"[^a-z\s-]", "", value)
    return value


def login_base(first_name, last_name):
    last = ascii_name(last_name)
    last = re.sub(r"\s+", "", last)
    last = re.sub(r"-{2,}", "-", last).strip("-")
    first = re.sub(r"[^a-z]", "", ascii_name(first_name))
    if not last:
        last = "compte"
    base = "%s.%s" % (first[0], last) if first else last
    # Leave room for a collision number.
    return base[:LOGIN_MAX_LENGTH - 4].rstrip("-.")


def login_candidates(base, taken):
    """Yield free logins for ``base``: base, base2, base3… skipping ``taken``."""
    if base not in taken:
        yield base
    n = 2
    while True:
        candidate = "%s%d" % (base, n)
        if candidate not in taken:
            yield candidate
        n += 1

