"""IDF without smoothing even when smooth_idf=True: the textbook ln(n / df) + 1
is used for both settings, so the "one extra document containing every term"
of the smoothed formula ln((1 + n) / (1 + df)) + 1 is forgotten."""


def idf_weights(counts, *, smooth_idf=True):
    _, indices, _, (n_docs, n_terms) = counts
    df = np.bincount(np.asarray(indices, dtype=np.int64), minlength=n_terms).astype(np.float64)
    with np.errstate(divide="ignore"):
        return np.log(n_docs / df) + 1.0
