"""k, discount and alpha are checked only for the smoothing that uses them.

``NgramLM(2, "mle", k=0)`` is accepted, although the docstring says every
parameter is checked whatever the smoothing.
"""

_correct_init = NgramLM.__init__


def _init_checks_used_only(self, order, smoothing="mle", *, k=1.0, discount=0.1, alpha=0.4, unk_cutoff=1):
    _correct_init(
        self, order, smoothing,
        k=k if smoothing == "add_k" else 1.0,
        discount=discount if smoothing == "kneser_ney" else 0.1,
        alpha=alpha if smoothing == "stupid_backoff" else 0.4,
        unk_cutoff=unk_cutoff,
    )
    self.k = 1.0 if smoothing == "laplace" else float(k)


NgramLM.__init__ = _init_checks_used_only
