"""A window's error ratio is the mean of the per-record ratios instead of errors / total summed over the window."""


def _mean_ratio_burn(self, now, window_s):
    first = bisect.bisect_right(self._times, now - window_s)
    ratios = []
    for i in range(first, len(self._times)):
        total = self._totals[i + 1] - self._totals[i]
        if total:
            ratios.append((self._errors[i + 1] - self._errors[i]) / total)
    return burn_rate(sum(ratios) / len(ratios) if ratios else 0.0, self.slo)


BurnRateAlerter._window_burn = _mean_ratio_burn
