"""The sliding-window cache keeps the last W positions instead of W - 1."""

def update(self, layer: int, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    self._check_layer(layer)
    if keys.dim() != 4 or keys.shape != values.shape:
        raise ValueError("keys and values must be (batch, n_head, new, head_dim) tensors of one shape")
    self._seen[layer] += keys.shape[2]
    if self._keys[layer] is not None:
        keys = torch.cat((self._keys[layer], keys), dim=2)
        values = torch.cat((self._values[layer], values), dim=2)
    if self.window is None:
        self._keys[layer], self._values[layer] = keys, values
    else:
        keep = max(keys.shape[2] - self.window, 0)
        self._keys[layer], self._values[layer] = keys[:, :, keep:], values[:, :, keep:]
    return keys, values

KVCache.update = update
