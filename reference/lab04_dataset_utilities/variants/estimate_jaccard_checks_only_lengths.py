"""estimate_jaccard only compares len(sig_a) and len(sig_b): 2-D signatures of the same shape are accepted, a 0-D one raises TypeError."""


def estimate_jaccard(sig_a, sig_b):
    sig_a, sig_b = np.asarray(sig_a), np.asarray(sig_b)
    if len(sig_a) != len(sig_b) or len(sig_a) == 0:
        raise ValueError("signatures must have the same non-zero length")
    return float(np.mean(sig_a == sig_b))
