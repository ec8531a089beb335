"""BurnRateAlerter windows include the records made exactly w seconds ago ([now - w, now] instead of (now - w, now])."""


def _closed_window_burn(self, now, window_s):
    first = bisect.bisect_left(self._times, now - window_s)
    total = self._totals[-1] - self._totals[first]
    errors = self._errors[-1] - self._errors[first]
    return burn_rate(errors / total if total else 0.0, self.slo)


BurnRateAlerter._window_burn = _closed_window_burn
