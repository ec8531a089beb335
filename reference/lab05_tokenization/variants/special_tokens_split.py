"""The tokenizer ignores its special tokens when encoding: "<|endoftext|>" is
pre-tokenized and merged like ordinary text, i.e. split into several tokens."""


def _encode_ignoring_specials(self, text):
    ids = []
    for piece in pretokenize(text):
        tokens = _apply_ranked_merges(piece.encode("utf-8"), self._ranks)
        ids.extend(self._ids[token] for token in tokens)
    return ids


BPETokenizer.encode = _encode_ignoring_specials
