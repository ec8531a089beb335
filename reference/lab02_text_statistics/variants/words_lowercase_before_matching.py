"""words() lower-cases the whole text first and then matches WORD_PATTERN.

"İ".lower() is "i" plus a combining dot (not a letter), so "İstanbul" falls
apart, and a Greek capital sigma before "..." is lower-cased as a medial
sigma ("λόγοσ") because the text goes on after it.
"""


def words(text):
    return _WORD_RE.findall(text.lower())
