"""RetrainingTrigger counts drifting windows in total instead of consecutive ones (a calm window does not reset the count)."""


def _check(self, window):
    window = _sample(window, "window")
    value = psi(self.reference, window, self.n_bins)
    _, pvalue = ks_test(self.reference, window, method="asymp")
    drift = value > self.psi_threshold or pvalue < self.ks_alpha
    self._streak = self._streak + 1 if drift else self._streak
    retrain = self._streak >= self.patience and self._blocked == 0
    if self._blocked:
        self._blocked -= 1
    if retrain:
        self.reference = window
        self._streak = 0
        self._blocked = self.cooldown
    return {"psi": value, "ks_pvalue": pvalue, "drift": drift, "retrain": retrain}


RetrainingTrigger.check = _check
