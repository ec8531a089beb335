"""Inputs for the timed kernel ``vectorise``.

The engine calls ``tfidf_fit_transform(documents, **options)`` on these
inputs: 300 generated documents of 20 to 80 words (about 15 000 tokens in
all) drawn from a Zipf-like distribution over a 3 000-word vocabulary, with
capitalised words and punctuation, vectorised with unigrams and bigrams,
``min_df=2``, ``max_df=0.5`` and sublinear TF. The output is a CSR tuple;
its arrays are compared with the reference's by their sums and the shape
exactly. One call of the reference takes about 10-20 ms on one core of the
course machine.
"""

from __future__ import annotations

import random

N_DOCS = 300
N_WORDS = 3000
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "du", "ga", "fi", "zo", "be", "wu", "ha", "ji", "xo"]
OPTIONS = {"ngram_range": (1, 2), "min_df": 2, "max_df": 0.5, "sublinear_tf": True, "norm": "l2"}


def vectorise_inputs(seed: int) -> tuple[tuple, dict]:
    """(documents,), options: a generated corpus and the vectorizer options."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(N_WORDS)})
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    documents = []
    for _ in range(N_DOCS):
        tokens = rng.choices(words, weights=weights, k=rng.randint(20, 80))
        text = " ".join(t.capitalize() if rng.random() < 0.1 else t for t in tokens)
        documents.append(text.replace(" ", ", ", 1) + ".")
    return (documents,), dict(OPTIONS)
