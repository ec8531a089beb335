"""PageHinkley always watches both directions, whatever direction says."""

PageHinkley.statistic = property(lambda self: max(self._s_inc - self._min_inc, self._s_dec - self._min_dec))
