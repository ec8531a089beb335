"""split_sentences applies the abbreviation rule to any run of terminators, not only a single ".".

"Ask the Dr! Then go." and "See Dr... Next." are then kept as one sentence.
"""


def _is_abbreviation(match):
    token = (match.group("token") + ".").lstrip(OPENING_PUNCTUATION).lower()
    return token in ABBREVIATIONS
