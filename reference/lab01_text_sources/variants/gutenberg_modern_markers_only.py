"""Only the modern ``*** START OF ... ***`` / ``*** END OF ... ***`` markers are known.

The old small-print header (``*END*THE SMALL PRINT!``) and the
``End of the Project Gutenberg EBook of ...`` footer line are not markers,
so old books raise and the footer line ends up in the body.
"""

_START_MARKER = re.compile(r"\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)", re.IGNORECASE)
_END_MARKER = re.compile(r"\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)", re.IGNORECASE)
