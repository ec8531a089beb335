"""Training skips the GPT-2 pre-tokenization: pairs are counted over whole
stretches of text between special tokens, so merges cross word boundaries
(e.g. a merge of "a" and " ")."""


def train_bpe(text, vocab_size, special_tokens=()):
    _check_special_tokens(special_tokens)
    if vocab_size < 256 + len(special_tokens):
        raise ValueError("vocab_size too small")
    chunks = Counter(part for part, is_special in _split_special(text, special_tokens) if not is_special)
    words = [tuple(bytes([b]) for b in chunk.encode("utf-8")) for chunk in chunks]
    freqs = list(chunks.values())
    merges = []
    while len(merges) < vocab_size - 256 - len(special_tokens):
        counts = Counter()
        for word, freq in zip(words, freqs):
            for pair in zip(word, word[1:]):
                counts[pair] += freq
        if not counts:
            break
        best = max(counts, key=lambda pair: (counts[pair], pair))
        merges.append(best)
        words = [_merge_word(w, best, best[0] + best[1]) for w in words]
    vocab = {i: bytes([i]) for i in range(256)}
    for rank, (a, b) in enumerate(merges):
        vocab[256 + rank] = a + b
    for offset, token in enumerate(special_tokens):
        vocab[256 + len(merges) + offset] = token.encode("utf-8")
    return vocab, merges
