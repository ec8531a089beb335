"""'!' emphasis is added to a score of 0 too (as if its sign were +1): 'wow!!!' becomes positive."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def polarity_scores(text, lexicon):
    tokens = tokenize(text)
    score = float(sum(token_valences(tokens, lexicon)))
    emphasis = min(tokens.count("!"), MAX_EXCLAMATIONS) * EXCLAMATION_INCREMENT
    score += emphasis if score >= 0 else -emphasis
    compound = normalize_score(score)
    return {"score": score, "compound": compound, "label": label_from_compound(compound)}
