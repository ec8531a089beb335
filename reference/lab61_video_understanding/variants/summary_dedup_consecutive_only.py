"""Only consecutive repeats are merged: a caption that comes back after another one is listed again."""

import numpy as np



def summarize_video(shots, shot_embeddings, bank, captions, timestamps):
    if len(shots) != len(shot_embeddings):
        raise ValueError("one embedding per shot")
    if len(shots) == 0:
        return []
    best = [top[0][0] for top in retrieve_captions(shot_embeddings, bank, captions, k=1)]
    ts = np.asarray(timestamps, dtype=np.float64)
    summary = []
    for s in sorted(range(len(shots)), key=lambda s: shots[s][0]):
        if not summary or summary[-1][1] != best[s]:
            summary.append((float(ts[shots[s][0]]), best[s]))
    return summary
