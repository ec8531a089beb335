"""encoded_views lists the rot13 and leetspeak readings even when they equal the text."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def encoded_views(text):
    _require_str(text)
    views = [("rot13", codecs.encode(text, "rot13")), ("leetspeak", text.translate(_LEET))]
    for match in _BASE64.finditer(text):
        decoded = _base64_text(match.group())
        if decoded is not None:
            views.append(("base64", decoded))
    return views
