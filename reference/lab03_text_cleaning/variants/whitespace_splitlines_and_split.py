"""normalize_whitespace uses str.splitlines() and str.split(): every Unicode line break and space counts.

Form feeds, vertical tabs, U+2028 and U+0085 break lines, and no-break or
ideographic spaces are collapsed, although only spaces, tabs, "\\r" and "\\n"
count as whitespace there.
"""


def normalize_whitespace(text):
    lines = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
