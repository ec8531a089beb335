"""Blank lines do not end sentences: a headline runs into the first sentence."""

_BLANK_LINE = re.compile(r"\n[ \t]*\n(?!)")
