"""normalize_whitespace collapses every run of whitespace, line breaks included,
into one space: the text becomes a single line and paragraphs are lost."""


def normalize_whitespace(text):
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")
