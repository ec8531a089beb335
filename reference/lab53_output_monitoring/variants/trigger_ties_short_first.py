"""trigger_scores breaks flip-rate ties by the SHORTER n-gram first (a piece of the trigger instead of the phrase)."""

_trigger_scores_ok = trigger_scores


def trigger_scores(texts, labels, *, max_n=3, min_df=5, min_purity=0.9, alpha=1.0):
    out = _trigger_scores_ok(texts, labels, max_n=max_n, min_df=min_df, min_purity=min_purity, alpha=alpha)
    out.sort(key=lambda r: (-r["flip_rate"], len(r["ngram"].split(" ")), -r["df"], r["ngram"]))
    return out
