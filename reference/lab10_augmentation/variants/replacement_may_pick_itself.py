"""Synonym replacement draws from the raw lexicon list, which may contain the word itself.

The student looks up ``lexicon[word]`` directly instead of ``synonyms_of``:
when a lexicon lists a word among its own synonyms, a "replacement" can leave
the word unchanged, and a word whose only entry is itself counts as eligible.
"""


def synonym_replacement(words, n, lexicon, seed, protected=()):
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    protected = set(protected)
    out = list(words)
    eligible = [i for i, w in enumerate(words) if w not in protected and lexicon.get(w)]
    for i in rng.sample(eligible, min(n, len(eligible))):
        out[i] = rng.choice(lexicon[words[i]])
    return out
