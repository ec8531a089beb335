"""train_bpe recounts every pair of every piece at every merge: the right merges, in quadratic time.

This is the textbook loop (count all pairs, merge the best one everywhere,
start again), whose cost grows with (number of merges) x (size of the
training data). The reference updates the counts only in the pieces that
contain the merged pair, as the docstring's "each step" allows; the timed
kernel train_bpe_speed gives this version no speed points.
"""


def train_bpe(text, vocab_size, special_tokens=()):
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError(f"vocab_size must be at least 256 + {len(special_tokens)} special tokens, got {vocab_size}")
    specials = set(special_tokens)
    piece_counts = Counter(piece for piece in pretokenize(text, special_tokens) if piece not in specials)
    words = [(tuple(bytes([b]) for b in piece.encode("utf-8")), freq) for piece, freq in piece_counts.items()]
    merges = []
    num_merges = vocab_size - 256 - len(special_tokens)
    while len(merges) < num_merges:
        counts = Counter()
        for word, freq in words:
            for pair in zip(word, word[1:]):
                counts[pair] += freq
        if not counts:
            break
        best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
        merges.append(best)
        merged = best[0] + best[1]
        words = [(_merge_word(word, best, merged), freq) for word, freq in words]
    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
