"""Writing spreadsheets people open in Excel or LibreOffice."""

FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(value):
    """A text cell starting with = + - @ would be read as a formula (CSV/formula injection): prefix
    it with an apostrophe so it stays text. Numbers, dates and None pass through unchanged.
    Every export of ours (honorability lists, steering, reporting templates) goes through here."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return f"'{value}"
    return value
