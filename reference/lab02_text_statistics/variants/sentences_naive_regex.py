r"""split_sentences splits after every . ! ? followed by whitespace.

The classic one-liner re.split(r"(?<=[.!?])\s+", text): it breaks after
abbreviations ("Dr. Smith"), ignores closing quotes and the lower-case rule,
and does not know the "…" character.
"""


def split_sentences(text):
    text = text.strip()
    if not text:
        return []
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
