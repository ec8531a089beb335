"""The decoder has its own weight matrix (nn.Linear(d_model, vocab_size)
without tying it to the token embedding), so the head and the embedding
learn separate matrices."""


def _untied_head_init(self, embedding):
    nn.Module.__init__(self)
    vocab_size, d_model = embedding.weight.shape
    self.dense = nn.Linear(d_model, d_model)
    self.norm = nn.LayerNorm(d_model)
    self.decoder = nn.Linear(d_model, vocab_size)
    nn.init.zeros_(self.decoder.bias)


MLMHead.__init__ = _untied_head_init
MaskedLM.weights_tied = lambda self: True  # the flag lies: only the behaviour shows the mistake
