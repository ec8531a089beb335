"""Deduplication by bank row instead of caption text: two rows with the same text both appear."""

import numpy as np



def summarize_video(shots, shot_embeddings, bank, captions, timestamps):
    if len(shots) != len(shot_embeddings):
        raise ValueError("one embedding per shot")
    if len(shots) == 0:
        return []
    rows = np.argmax(cosine_similarity(shot_embeddings, bank), axis=1)
    ts = np.asarray(timestamps, dtype=np.float64)
    summary, seen = [], set()
    for s in sorted(range(len(shots)), key=lambda s: shots[s][0]):
        if rows[s] not in seen:
            seen.add(rows[s])
            summary.append((float(ts[shots[s][0]]), captions[rows[s]]))
    return summary
