"""encoded_views puts the base64 readings before rot13 and leetspeak."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def encoded_views(text):
    _require_str(text)
    views = []
    for match in _BASE64.finditer(text):
        decoded = _base64_text(match.group())
        if decoded is not None:
            views.append(("base64", decoded))
    rot13 = codecs.encode(text, "rot13")
    if rot13 != text:
        views.append(("rot13", rot13))
    leet = text.translate(_LEET)
    if leet != text:
        views.append(("leetspeak", leet))
    return views
