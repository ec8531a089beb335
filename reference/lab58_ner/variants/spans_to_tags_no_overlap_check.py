"""spans_to_tags lets a later span overwrite an earlier one instead of raising on overlapping spans."""


def spans_to_tags(spans, length, *, scheme="BIO"):
    if scheme not in _PREFIXES:
        raise ValueError(f"unknown scheme {scheme!r}")
    if length < 0:
        raise ValueError("length must be >= 0")
    tags = ["O"] * length
    for label, start, end in spans:
        if not isinstance(label, str) or not label:
            raise ValueError("bad label")
        if not 0 <= start < end <= length:
            raise ValueError("bad span")
        if scheme == "BILOU" and end - start == 1:
            tags[start] = f"U-{label}"
            continue
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
        if scheme == "BILOU":
            tags[end - 1] = f"L-{label}"
    return tags
