"""Histogram buckets hold the count of their own interval (le_{i-1}, le_i] instead of the cumulative count of observations <= le."""


def _own_buckets(self, labels=None):
    child = self._peek(labels)
    counts = child[0] if child is not None else [0] * len(self.upper_bounds)
    return list(zip(self.upper_bounds, (int(c) for c in counts)))


def _own_lines(self):
    lines = self._header(self.name)
    for key, child in self._children.items():
        pairs = list(zip(self.labelnames, key))
        for bound, n in zip(self.upper_bounds, child[0]):
            le = _label_text(pairs + [("le", _format_value(bound))])
            lines.append(f"{self.name}_bucket{le} {_format_value(n)}")
        lines.append(f"{self.name}_count{_label_text(pairs)} {_format_value(sum(child[0]))}")
        if self.upper_bounds[0] >= 0:
            lines.append(f"{self.name}_sum{_label_text(pairs)} {_format_value(child[1])}")
    return lines


Histogram.buckets = _own_buckets
Histogram._lines = _own_lines
