"""Verification that keeps pairs with Jaccard strictly above the threshold
(> instead of >=), dropping pairs exactly at it."""


def verify_candidates(shingle_sets, pairs, threshold):
    sets = [set(s) for s in shingle_sets]
    kept = {(min(i, j), max(i, j)) for i, j in pairs}
    return sorted(p for p in kept if jaccard(sets[p[0]], sets[p[1]]) > threshold)
