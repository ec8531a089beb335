"""The uncased pipeline is NFKC + Lowercase + StripAccents.

StripAccents only deletes combining marks; after NFKC (a *composed* form)
"é" is a single code point, so accents survive: "Café" -> "café".
"""

_correct_build_normalizer = build_normalizer


def build_normalizer(name):
    if name == "uncased":
        return normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase(), normalizers.StripAccents()])
    return _correct_build_normalizer(name)
