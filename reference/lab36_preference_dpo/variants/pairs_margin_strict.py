"""build_preference_pairs skips a prompt whose margin EQUALS min_margin (<= instead of <)."""


def build_preference_pairs(records, *, min_margin=0.0):
    if min_margin < 0:
        raise ValueError("min_margin must be >= 0")
    pairs = []
    for record in records:
        generations, scores = list(record["generations"]), [float(s) for s in record["scores"]]
        if len(generations) != len(scores) or not all(math.isfinite(s) for s in scores):
            raise ValueError("bad record")
        if len(generations) < 2:
            continue
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        worst = min(range(len(scores)), key=lambda i: (scores[i], i))
        margin = scores[best] - scores[worst]
        if margin <= min_margin or generations[best] == generations[worst]:
            continue
        pairs.append({"prompt": record["prompt"], "chosen": generations[best], "rejected": generations[worst],
                      "chosen_score": scores[best], "rejected_score": scores[worst]})
    return pairs
