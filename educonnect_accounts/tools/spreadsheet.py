"""Cells a spreadsheet would read as a formula (OWASP CSV injection)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value):
    """A text cell starting like a formula gets a leading apostrophe, so
    that spreadsheets show it as text; other values are returned as they
    are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
