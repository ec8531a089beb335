"""trigger_scores ranks by label purity instead of flip rate (sentiment words rank with the trigger)."""

_trigger_scores_ok = trigger_scores


def trigger_scores(texts, labels, *, max_n=3, min_df=5, min_purity=0.9, alpha=1.0):
    out = _trigger_scores_ok(texts, labels, max_n=max_n, min_df=min_df, min_purity=min_purity, alpha=alpha)
    out.sort(key=lambda r: (-r["purity"], -r["df"], -len(r["ngram"].split(" ")), r["ngram"]))
    return out
