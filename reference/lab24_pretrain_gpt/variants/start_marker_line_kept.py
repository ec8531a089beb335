"""The body starts at the start marker line instead of the line after it (off by one line)."""


def strip_gutenberg(text):
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _START_MARKER.match(line.strip())), None)
    if start is None:
        raise MalformedSourceError("no Project Gutenberg START marker found")
    for end in range(start + 1, len(lines)):
        if _END_MARKER.match(lines[end].strip()):
            return "\n".join(lines[start:end]).strip()
    raise MalformedSourceError("no Project Gutenberg END marker after the START marker")
