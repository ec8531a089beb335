"""The TextRank overlap counts repeated shared tokens (multiset intersection) instead of distinct ones."""

_reference_similarity = sentence_similarity


def sentence_similarity(a, b, method="textrank"):
    if method != "textrank":
        return _reference_similarity(a, b, method)
    ta, tb = tokenize(a), tokenize(b)
    if not ta or not tb or math.log(len(ta)) + math.log(len(tb)) == 0:
        return 0.0
    return sum((Counter(ta) & Counter(tb)).values()) / (math.log(len(ta)) + math.log(len(tb)))
