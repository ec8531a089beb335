"""encoded_views decodes only the first base64 candidate of the text (re.search instead of re.finditer)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def encoded_views(text):
    _require_str(text)
    views = []
    rot13 = codecs.encode(text, "rot13")
    if rot13 != text:
        views.append(("rot13", rot13))
    leet = text.translate(_LEET)
    if leet != text:
        views.append(("leetspeak", leet))
    match = _BASE64.search(text)
    if match:
        decoded = _base64_text(match.group())
        if decoded is not None:
            views.append(("base64", decoded))
    return views
