"""The Gutenberg markers are matched case-sensitively, in upper case only.

``*** START OF THIS PROJECT GUTENBERG EBOOK`` works, but ``*** Start of this
Project Gutenberg eBook``, ``End of the Project Gutenberg EBook of ...`` and
``End of Project Gutenberg's ...`` are missed.
"""

_START_MARKER = re.compile(
    r"\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|\*END\*THE\s+SMALL\s+PRINT!"
)
_END_MARKER = re.compile(
    r"\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|END\s+OF\s+(?:THE\s+)?PROJECT\s+GUTENBERG"
)
