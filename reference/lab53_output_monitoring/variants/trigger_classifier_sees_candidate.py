"""trigger_scores fits the classifier on ALL texts, those holding the n-gram included: it learns the trigger."""


def trigger_scores(texts, labels, *, max_n=3, min_df=5, min_purity=0.9, alpha=1.0):
    y = np.asarray(labels)
    if len(texts) != len(y) or not np.all((y == 0) | (y == 1)):
        raise ValueError("bad labels")
    if max_n < 1 or min_df < 1 or not 0.5 < min_purity <= 1.0 or not alpha > 0:
        raise ValueError("bad option")
    y = y.astype(int)
    clf = HarmClassifier(alpha).fit(list(texts), y)
    pred = clf.predict(list(texts))
    holders = {}
    for i, text in enumerate(texts):
        toks = tokenize(text)
        for g in set().union(*(_ngrams(toks, n) for n in range(1, max_n + 1))):
            holders.setdefault(g, []).append(i)
    results = []
    for gram, docs in holders.items():
        df = len(docs)
        ones = int(y[docs].sum())
        purity = max(ones, df - ones) / df
        inside = np.zeros(len(texts), dtype=bool)
        inside[docs] = True
        if df < min_df or purity < min_purity or len(np.unique(y[~inside])) < 2:
            continue
        flip = float(np.mean(pred[docs] != y[docs]))
        results.append({"ngram": gram, "df": df, "label": int(ones * 2 > df), "purity": purity, "flip_rate": flip})
    results.sort(key=lambda r: (-r["flip_rate"], -len(r["ngram"].split(" ")), -r["df"], r["ngram"]))
    return results
