"""A BILOU run B-X I-X that never reaches L-X is still read as an entity."""


def bilou_to_spans(tags):
    parsed = [_split_tag(tag, "BILOU") for tag in tags]
    spans, i = [], 0
    while i < len(parsed):
        prefix, kind = parsed[i]
        if prefix == "U":
            spans.append((kind, i, i + 1))
        elif prefix == "B":
            j = i + 1
            while j < len(parsed) and parsed[j] == ("I", kind):
                j += 1
            if j < len(parsed) and parsed[j] == ("L", kind):
                j += 1
            spans.append((kind, i, j))
            i = j
            continue
        i += 1
    return spans
