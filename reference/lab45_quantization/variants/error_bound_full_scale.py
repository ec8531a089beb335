"""QuantizedLinear.error_bound uses a whole scale per input instead of half of one (a valid but loose bound)."""
# ruff: noqa: F821  (appended to the solution module, whose names it uses)


def _error_bound(self, x):
    return x.abs().sum(dim=-1, keepdim=True) * self.scale.expand(self.weight_q.shape[0])


QuantizedLinear.error_bound = _error_bound
