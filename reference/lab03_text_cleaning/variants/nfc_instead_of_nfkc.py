"""normalize_unicode uses NFC instead of NFKC: accents are composed, but ligatures,
full-width forms, superscripts and Unicode spaces are left as they are."""


def normalize_unicode(text):
    text = _DELETED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    for char, replacement in CHAR_MAP.items():
        text = text.replace(char, replacement)
    return text
