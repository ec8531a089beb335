"""strip_gutenberg takes the first END marker of the whole text, not the first one after the START marker.

An "End of Project Gutenberg's ..." line in the header then ends the book
before it starts, and the body comes out empty.
"""


def _marker_lines(lines):
    start = _start_line(lines)
    for end in range(len(lines)):
        if _END_MARKER.match(lines[end].strip()):
            return start, end
    raise MalformedSourceError("no Project Gutenberg END marker")
