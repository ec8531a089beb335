"""The discount must be strictly below 1: ``discount=1`` raises ValueError.

The docstring allows ``0 <= discount <= 1`` (d = 1 is a legal, if extreme,
absolute discount), so a valid model cannot be built.
"""

_correct_init = NgramLM.__init__


def _init_discount_below_one(self, order, smoothing="mle", *, k=1.0, discount=0.1, alpha=0.4, unk_cutoff=1):
    if not 0 <= discount < 1:
        raise ValueError(f"discount must be in [0, 1), got {discount!r}")
    _correct_init(self, order, smoothing, k=k, discount=discount, alpha=alpha, unk_cutoff=unk_cutoff)


NgramLM.__init__ = _init_discount_below_one
