"""html_to_text collapses every Unicode whitespace run in the text (str.split), not only HTML_WHITESPACE.

Em spaces, ideographic spaces, vertical tabs and U+2028 in the page's text
become ordinary spaces; the docstring keeps every character outside
" \\t\\n\\r\\f" as it is.
"""

_WHITESPACE_RUN = re.compile(r"\s+")


def _data_split(self, data):
    if not self.skip_depth:
        self.pieces.append(_WHITESPACE_RUN.sub(" ", data))


_TextExtractor.handle_data = _data_split
