"""cosine_top_k ranks by the dot product and forgets to divide by the norms:
right for L2-normalised rows only."""


def cosine_top_k(matrix, queries, k):
    if not (_is_int(k) and k >= 1):
        raise ValueError("bad k")
    docs, query_rows = _to_scipy(matrix), _to_scipy(queries)
    if docs.shape[1] != query_rows.shape[1]:
        raise ValueError("column mismatch")
    similarity = (query_rows @ docs.T).toarray()
    order = np.argsort(-np.round(similarity, 10), axis=1, kind="stable")[:, : min(k, docs.shape[0])]
    return order.astype(np.int64), np.take_along_axis(similarity, order, axis=1)
