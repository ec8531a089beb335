"""Every '!' adds emphasis: MAX_EXCLAMATIONS is ignored."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math


def polarity_scores(text, lexicon):
    tokens = tokenize(text)
    score = float(sum(token_valences(tokens, lexicon)))
    if score != 0.0:
        score += _math.copysign(tokens.count("!") * EXCLAMATION_INCREMENT, score)
    compound = normalize_score(score)
    return {"score": score, "compound": compound, "label": label_from_compound(compound)}
