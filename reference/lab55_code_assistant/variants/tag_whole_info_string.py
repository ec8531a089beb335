"""The language is the whole info string, not its first word: ```python title=a.py is not Python."""


def _language(info):
    return info.lower()
