"""normalize_unicode applies NFKC before deleting the invisible and control characters,
so a zero-width character between a letter and its combining accent blocks composition."""


def normalize_unicode(text):
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _DELETED.sub("", text)
    for char, replacement in CHAR_MAP.items():
        text = text.replace(char, replacement)
    return text
