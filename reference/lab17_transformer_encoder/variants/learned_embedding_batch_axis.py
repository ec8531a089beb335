"""Slices the learned table by the batch size x.shape[0] instead of the
sequence length x.shape[-2] (a batch-first / sequence-first mix-up)."""


def _learned_forward(self, x):
    if x.shape[-2] > self.max_len:
        raise ValueError("sequence longer than max_len")
    return x + self.weight[: x.shape[0]]


LearnedPositionalEmbedding.forward = _learned_forward
