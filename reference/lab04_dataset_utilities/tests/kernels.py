"""Inputs for the timed kernel ``signatures``.

The engine calls ``minhash_signatures(shingle_sets, num_perm, seed)`` on these
inputs: the word 3-shingle sets of 60 generated documents of about 80 words
(some 4 800 shingles in all) and 128 hash functions. The output is a uint64
array, compared with the reference's by its sums (the values are fully
specified, so they must be identical). One call of the reference takes about
5-15 ms on one core of the course machine.
"""

from __future__ import annotations

import random

N_DOCS = 60
NUM_PERM = 128
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "du", "ga", "fi", "zo", "be", "wu", "ha", "ji", "xo"]


def signature_inputs(seed: int) -> tuple[tuple, dict]:
    """(shingle_sets, num_perm, seed): word 3-shingle sets of random documents."""
    rng = random.Random(seed)
    vocab = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(2000)})
    shingle_sets = []
    for _ in range(N_DOCS):
        words = [rng.choice(vocab) for _ in range(rng.randint(60, 100))]
        shingle_sets.append({" ".join(words[i : i + 3]) for i in range(len(words) - 2)})
    return (shingle_sets, NUM_PERM, rng.randrange(2**32)), {}
