"""The row normalisation is applied before the sublinear term frequency: the
rows of tf * idf are normalised first and 1 + ln(.) is taken of the normalised
weights, instead of 1 + ln(tf), then the IDF, then the normalisation."""


def tfidf_weight(counts, idf, *, sublinear_tf=False, norm="l2"):
    _check_norm(norm)
    data, indices, indptr, shape = counts
    weights = np.asarray(data, dtype=np.float64) * np.asarray(idf, dtype=np.float64)[indices]
    if norm is not None:
        rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
        per_entry = weights * weights if norm == "l2" else np.abs(weights)
        row_norms = np.bincount(rows, weights=per_entry, minlength=shape[0])
        if norm == "l2":
            row_norms = np.sqrt(row_norms)
        weights = weights / row_norms[rows]
    if sublinear_tf:
        weights = 1.0 + np.log(weights)
    return weights, np.array(indices), np.array(indptr), (int(shape[0]), int(shape[1]))
