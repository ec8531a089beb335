"""On a distance tie the opinion goes to the later aspect mention (the docstring says the earlier)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def aspect_sentiment(text, lexicon, aspect_terms, *, window=5):
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError("window must be an int >= 1")
    scores = {}
    for clause in _clauses(tokenize(text)):
        valences = token_valences(clause, lexicon)
        mentions = [(i, aspect_terms[t.lower()]) for i, t in enumerate(clause) if t.lower() in aspect_terms]
        for _, category in mentions:
            scores.setdefault(category, 0.0)
        for j, v in enumerate(valences):
            if v == 0.0 or clause[j].lower() in aspect_terms:
                continue
            best = None
            for i, category in mentions:
                distance = abs(i - j)
                if distance <= window and (best is None or distance <= best[0]):
                    best = (distance, category)
            if best is not None:
                scores[best[1]] += v
    result = {}
    for category, score in scores.items():
        compound = normalize_score(score)
        result[category] = {"score": score, "compound": compound, "label": label_from_compound(compound)}
    return result
