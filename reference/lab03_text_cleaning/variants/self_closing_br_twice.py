"""html_to_text keeps HTMLParser's default handle_startendtag, which reports <br/> as a
start tag and an end tag: <br/> then makes two line breaks (a blank line), <br> one."""


def _start_and_end(self, tag, attrs):
    self.handle_starttag(tag, attrs)
    self.handle_endtag(tag)


_TextExtractor.handle_startendtag = _start_and_end
