"""An I- tag continues the current entity whatever its label (B-PER I-LOC is one PER span)."""


def bio_to_spans(tags, *, strict=False):
    spans, label, start = [], None, 0
    for i, tag in enumerate(tags):
        prefix, kind = _split_tag(tag, "BIO")
        if prefix == "I" and label is not None:
            continue
        if label is not None:
            spans.append((label, start, i))
            label = None
        if prefix == "B" or (prefix == "I" and not strict):
            label, start = kind, i
    if label is not None:
        spans.append((label, start, len(tags)))
    return spans
