"""The exposition writes <name>_sum even when the first bucket bound is negative."""


def _lines_with_sum(self):
    lines = self._header(self.name)
    for key, child in self._children.items():
        pairs = list(zip(self.labelnames, key))
        total = 0
        for bound, n in zip(self.upper_bounds, child[0]):
            total += n
            le = _label_text(pairs + [("le", _format_value(bound))])
            lines.append(f"{self.name}_bucket{le} {_format_value(total)}")
        lines.append(f"{self.name}_count{_label_text(pairs)} {_format_value(total)}")
        lines.append(f"{self.name}_sum{_label_text(pairs)} {_format_value(child[1])}")
    return lines


Histogram._lines = _lines_with_sum
