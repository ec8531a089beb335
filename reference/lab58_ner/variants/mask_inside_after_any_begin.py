"""bio_transition_mask lets I-X follow any B- or I- tag (the label is not compared)."""

import numpy as _np


def bio_transition_mask(labels):
    parsed = [_split_tag(tag, "BIO") for tag in labels]
    start_ok = _np.array([p != "I" for p, _ in parsed], dtype=bool)
    trans_ok = _np.array([[pb != "I" or pa in ("B", "I") for pb, _ in parsed] for pa, _ in parsed], dtype=bool).reshape(len(parsed), len(parsed))
    return start_ok, trans_ok
