"""The summary follows the order the shots were given in, not their start times."""

import numpy as np



def summarize_video(shots, shot_embeddings, bank, captions, timestamps):
    if len(shots) != len(shot_embeddings):
        raise ValueError("one embedding per shot")
    if len(shots) == 0:
        return []
    best = [top[0][0] for top in retrieve_captions(shot_embeddings, bank, captions, k=1)]
    ts = np.asarray(timestamps, dtype=np.float64)
    summary, seen = [], set()
    for s in range(len(shots)):
        if best[s] not in seen:
            seen.add(best[s])
            summary.append((float(ts[shots[s][0]]), best[s]))
    return summary
