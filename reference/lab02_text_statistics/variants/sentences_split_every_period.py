"""split_sentences cuts after every terminator character, wherever it is.

Decimals ("3.14"), domains ("example.com"), abbreviations and ellipses are
all cut apart.
"""


def split_sentences(text):
    pieces = re.findall(r"[^.!?…]*[.!?…]+|[^.!?…]+$", text)
    return [p.strip() for p in pieces if p.strip()]
