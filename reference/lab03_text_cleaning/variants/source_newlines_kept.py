"""html_to_text keeps the whitespace of the HTML source as it is, so the line breaks
inside a paragraph's source text become line breaks (and blank lines) in the output."""


def _handle_data_raw(self, data):
    if not self.skip_depth:
        self.pieces.append(data)


_TextExtractor.handle_data = _handle_data_raw
