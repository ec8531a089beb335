"""The body runs to the last end marker, so an 'End of the Project Gutenberg EBook' line (and whatever lies between the end markers) stays in."""


def strip_gutenberg(text):
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _START_MARKER.match(line.strip())), None)
    if start is None:
        raise MalformedSourceError("no Project Gutenberg START marker found")
    for end in range(len(lines) - 1, start, -1):
        if _END_MARKER.match(lines[end].strip()):
            return "\n".join(lines[start + 1 : end]).strip()
    raise MalformedSourceError("no Project Gutenberg END marker after the START marker")
