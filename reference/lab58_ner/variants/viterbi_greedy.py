"""viterbi picks the best tag at each position given the previous one (greedy), not the best whole sequence."""

import numpy as _np


def viterbi(emissions, transitions, start=None):
    emissions = _np.asarray(emissions, dtype=_np.float64)
    transitions = _np.asarray(transitions, dtype=_np.float64)
    if emissions.ndim != 2 or emissions.shape[1] == 0:
        raise ValueError("bad emissions")
    n, k = emissions.shape
    if transitions.shape != (k, k):
        raise ValueError("bad transitions")
    start = _np.zeros(k) if start is None else _np.asarray(start, dtype=_np.float64)
    if start.shape != (k,):
        raise ValueError("bad start")
    if n == 0:
        return []
    path = [int((start + emissions[0]).argmax())]
    for i in range(1, n):
        path.append(int((transitions[path[-1]] + emissions[i]).argmax()))
    if not _np.isfinite(start[path[0]]):
        raise ValueError("every tag sequence scores -inf")
    return path
