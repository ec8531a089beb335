"""Out-of-vocabulary pairs are kept with a model similarity of 0 instead of
being skipped (and are not counted as skipped)."""


def evaluate_similarity(words, vectors, pairs):
    unit = _unit_rows(vectors)
    position = {word: i for i, word in enumerate(words)}
    model, human = [], []
    for first, second, score in pairs:
        known = first in position and second in position
        model.append(float(unit[position[first]] @ unit[position[second]]) if known else 0.0)
        human.append(float(score))
    rho = spearman_correlation(model, human) if len(model) >= 2 else float("nan")
    return {"spearman": rho, "pairs_used": len(model), "pairs_skipped": 0}
