"""cosine_top_k ranks with np.argsort(similarity)[::-1]: the reversed ascending
sort puts the larger document index first among equal similarities."""


def cosine_top_k(matrix, queries, k):
    if not (_is_int(k) and k >= 1):
        raise ValueError("bad k")
    docs, query_rows = _to_scipy(matrix), _to_scipy(queries)
    if docs.shape[1] != query_rows.shape[1]:
        raise ValueError("column mismatch")
    dots = (query_rows @ docs.T).toarray()
    norms = np.outer(_row_norms(query_rows), _row_norms(docs))
    similarity = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    order = np.argsort(np.round(similarity, 10), axis=1, kind="stable")[:, ::-1][:, : min(k, docs.shape[0])]
    return order.astype(np.int64), np.take_along_axis(similarity, order, axis=1)
