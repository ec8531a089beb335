"""BPETokenizer maps bytes to ids with {bytes: id for id, bytes in vocab.items()}: when several ids hold the same bytes, the last one listed wins, not the smallest."""

_reference_init = BPETokenizer.__init__


def _init_last_id(self, vocab, merges, special_tokens=()):
    _reference_init(self, vocab, merges, special_tokens)
    self._ids = {token: token_id for token_id, token in self.vocab.items()}


BPETokenizer.__init__ = _init_last_id
