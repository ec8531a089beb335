"""Histogram buckets exclude their upper bound (v < le): a value equal to a bound lands in the next bucket."""


def _exclusive_observe(self, value, labels=None):
    value = float(value)
    if math.isnan(value):
        raise ValueError("cannot observe NaN")
    child = self._children[self._use(labels)]
    child[0][min(bisect.bisect_right(self.upper_bounds, value), len(self.upper_bounds) - 1)] += 1
    child[1] += value


Histogram.observe = _exclusive_observe
