"""Training breaks ties by the pair of token *ids* (greatest first) instead of
the pair of token bytes: the same for single bytes, different as soon as a
merged token (id >= 256) takes part in a tie."""


def train_bpe(text, vocab_size, special_tokens=()):
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError("vocab_size too small")
    specials = set(special_tokens)
    pieces = Counter(p for p in pretokenize(text, special_tokens) if p not in specials)
    words = {tuple(p.encode("utf-8")): f for p, f in pieces.items()}
    vocab = {i: bytes([i]) for i in range(256)}
    merges = []
    while len(merges) < vocab_size - 256 - len(special_tokens):
        counts = Counter()
        for word, freq in words.items():
            for pair in zip(word, word[1:]):
                counts[pair] += freq
        if not counts:
            break
        best = max(counts, key=lambda pair: (counts[pair], pair))
        new_id = 256 + len(merges)
        vocab[new_id] = vocab[best[0]] + vocab[best[1]]
        merges.append((vocab[best[0]], vocab[best[1]]))
        words = {_merge_word(w, best, new_id): f for w, f in words.items()}
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
