"""RetrainingTrigger ignores the cooldown: it may retrain on the window right after a retrain."""

_init_orig = RetrainingTrigger.__init__


def _init(self, reference, psi_threshold=0.2, ks_alpha=0.01, patience=2, cooldown=3, n_bins=10):
    _init_orig(self, reference, psi_threshold, ks_alpha, patience, cooldown, n_bins)
    self.cooldown = 0


RetrainingTrigger.__init__ = _init
