"""Character shingles taken from the raw lower-cased text, without collapsing
whitespace: copies that differ only in spacing or line breaks look different."""


def char_shingles(text, k=5):
    return _grams(text.lower(), k, "")
