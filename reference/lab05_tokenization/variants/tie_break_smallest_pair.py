"""Training breaks ties between equally frequent pairs the wrong way round:
the lexicographically smallest pair wins instead of the greatest."""


def train_bpe(text, vocab_size, special_tokens=()):
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError("vocab_size too small")
    specials = set(special_tokens)
    pieces = Counter(p for p in pretokenize(text, special_tokens) if p not in specials)
    words = {tuple(bytes([b]) for b in p.encode("utf-8")): f for p, f in pieces.items()}
    merges = []
    while len(merges) < vocab_size - 256 - len(special_tokens):
        counts = Counter()
        for word, freq in words.items():
            for pair in zip(word, word[1:]):
                counts[pair] += freq
        if not counts:
            break
        top = max(counts.values())
        best = min(pair for pair, c in counts.items() if c == top)
        merges.append(best)
        words = {_merge_word(w, best, best[0] + best[1]): f for w, f in words.items()}
    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
