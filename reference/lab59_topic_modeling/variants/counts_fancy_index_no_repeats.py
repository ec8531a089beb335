"""lda_counts adds with fancy indexing (n_kw[z, doc] += 1), so a word repeated under one topic counts once."""


def lda_counts(docs, z, n_topics, n_words):
    k = _int(n_topics, "n_topics", 1)
    v = _int(n_words, "n_words", 1)
    docs = _docs(docs, v)
    if len(z) != len(docs):
        raise ValueError("z and docs differ in length")
    n_dk = np.zeros((len(docs), k), dtype=np.int64)
    n_kw = np.zeros((k, v), dtype=np.int64)
    topics = []
    for d, (doc, zd) in enumerate(zip(docs, z)):
        zd = np.asarray(zd).astype(np.int64).reshape(-1)
        if zd.shape != doc.shape:
            raise ValueError("length mismatch")
        if zd.size and (zd.min() < 0 or zd.max() >= k):
            raise ValueError("topic out of range")
        n_dk[d] = np.bincount(zd, minlength=k)
        n_kw[zd, doc] += 1
        topics.append(zd)
    return {"z": topics, "n_dk": n_dk, "n_kw": n_kw, "n_k": n_kw.sum(axis=1)}
