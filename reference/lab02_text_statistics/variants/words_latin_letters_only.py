"""words() matches only Latin letters (ASCII plus the Latin-1 accented range À-ÿ) and ASCII digits.

"café" and "naïve" work, but Greek, Cyrillic and CJK words ("καλημέρα",
"привет", "日本語") and non-ASCII digits ("٣٤") are dropped or cut apart.
"""

_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9À-ÖØ-öø-ÿ]+(?:['’-][A-Za-z0-9À-ÖØ-öø-ÿ]+)*")


def words(text):
    return [w.lower() for w in _LATIN_WORD_RE.findall(text)]
