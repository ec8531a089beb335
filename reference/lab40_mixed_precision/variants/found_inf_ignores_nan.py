"""The overflow check looks for inf only: a nan gradient passes as finite."""


def _unscale(self, grads):
    if not self.enabled:
        return list(grads), False
    inv_scale = _f32(1.0 / self._scale)
    found_inf = any(g is not None and bool(torch.isinf(g).any()) for g in grads)
    return [None if g is None else g * inv_scale for g in grads], found_inf


DynamicLossScaler.unscale = _unscale
