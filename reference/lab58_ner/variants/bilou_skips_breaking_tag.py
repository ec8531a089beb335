"""After a broken BILOU run, reading resumes AFTER the tag that broke it (B-X I-X U-Y loses the U-Y)."""


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
                spans.append((kind, i, j + 1))
            i = j
        i += 1
    return spans
