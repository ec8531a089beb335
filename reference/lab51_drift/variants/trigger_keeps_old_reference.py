"""RetrainingTrigger never replaces its reference after a retrain (the model is 'retrained' but drift is measured against stale data)."""

_check_orig = RetrainingTrigger.check


def _check(self, window):
    ref = self.reference
    out = _check_orig(self, window)
    self.reference = ref
    return out


RetrainingTrigger.check = _check
