"""The "split" policy keeps a run of punctuation together as one token ("..." instead
of ".", ".", "."; "!?" as one token)."""


def tokenize(text, punctuation="strip"):
    if punctuation not in PUNCTUATION_POLICIES:
        raise ValueError(f"unknown punctuation policy {punctuation!r}")
    chunks = text.split()
    if punctuation == "keep":
        return chunks
    if punctuation == "strip":
        stripped = ("".join(ch for ch in chunk if not is_punctuation(ch)) for chunk in chunks)
        return [chunk for chunk in stripped if chunk]
    tokens = []
    for chunk in chunks:
        run, run_is_punct = "", None
        for ch in chunk:
            p = is_punctuation(ch)
            if run and p != run_is_punct:
                tokens.append(run)
                run = ""
            run += ch
            run_is_punct = p
        if run:
            tokens.append(run)
    return tokens
