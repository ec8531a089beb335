"""word_shingles tokenizes with [a-z0-9_]+ (ASCII only): "café" and "日本語" fall apart or vanish."""


def word_shingles(text, k=3):
    return _grams(re.findall(r"[a-z0-9_]+", text.lower()), k, " ")
