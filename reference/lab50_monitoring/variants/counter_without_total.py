"""Counters are exposed under their bare name (requests) instead of <name>_total."""


def _bare_lines(self):
    lines = self._header(self.name)
    for key, value in self._children.items():
        lines.append(f"{self.name}{_label_text(list(zip(self.labelnames, key)))} {_format_value(value)}")
    return lines


Counter._lines = _bare_lines
