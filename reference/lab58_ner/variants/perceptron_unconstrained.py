"""The perceptron decodes without the BIO mask, so it can predict an I- tag that continues nothing."""

import numpy as _np

_reference_mask = bio_transition_mask


def bio_transition_mask(labels):
    start_ok, trans_ok = _reference_mask(labels)
    return _np.ones_like(start_ok), _np.ones_like(trans_ok)
