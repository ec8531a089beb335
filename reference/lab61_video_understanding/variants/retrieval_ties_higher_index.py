"""Top-k by np.argsort(scores)[::-1]: among equal scores the HIGHER bank index comes first."""

import numpy as np



def retrieve_captions(queries, bank, captions, k=1):
    scores = cosine_similarity(queries, bank)
    if len(captions) != scores.shape[1]:
        raise ValueError("one caption per bank row")
    if not 1 <= k <= scores.shape[1]:
        raise ValueError("k out of range")
    order = np.argsort(scores, axis=1, kind="stable")[:, ::-1][:, :k]
    return [[(captions[j], float(row[j])) for j in top] for row, top in zip(scores, order)]
