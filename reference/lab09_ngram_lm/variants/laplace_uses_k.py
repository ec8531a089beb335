"""Laplace smoothing adds ``k`` like add-k instead of always adding 1.

With the default ``k=1.0`` the two agree, so only a Laplace model built
with another ``k`` shows the difference.
"""

_correct_init = NgramLM.__init__


def _init_laplace_keeps_k(self, order, smoothing="mle", *, k=1.0, discount=0.1, alpha=0.4, unk_cutoff=1):
    _correct_init(self, order, smoothing, k=k, discount=discount, alpha=alpha, unk_cutoff=unk_cutoff)
    self.k = float(k)


NgramLM.__init__ = _init_laplace_keeps_k
