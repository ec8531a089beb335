"""BIO to spans merges adjacent entities: B-X right after an entity of label X continues it (B-PER B-PER is one span)."""


def bio_to_spans(tags, *, strict=False):
    spans, label, start = [], None, 0
    for i, tag in enumerate(tags):
        prefix, kind = _split_tag(tag, "BIO")
        if prefix in ("B", "I") and kind == label:
            continue
        if label is not None:
            spans.append((label, start, i))
            label = None
        if prefix == "B" or (prefix == "I" and not strict):
            label, start = kind, i
    if label is not None:
        spans.append((label, start, len(tags)))
    return spans
