"""gutenberg_metadata looks for field lines in the whole text, not only in the header before the start marker.

A field missing from the header is then taken from the body (an
"Author:" line of a letter inside the book).
"""


def gutenberg_metadata(text):
    lines = text.splitlines()
    _start_line(lines)  # still raises without a start marker
    found = {}
    i = 0
    while i < len(lines):
        match = _HEADER_FIELD.match(lines[i])
        i += 1
        if match is None:
            continue
        parts = [match.group(2).strip()]
        while i < len(lines) and lines[i][:1].isspace() and lines[i].strip() and not _START_MARKER.match(lines[i].strip()):
            parts.append(lines[i].strip())
            i += 1
        found.setdefault(match.group(1).lower(), " ".join(p for p in parts if p) or None)
    return {name: found.get(name) for name in ("title", "author", "language")}
