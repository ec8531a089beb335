"""crop trims the stored tensors but not the position counter."""

def crop(self, length: int) -> None:
    if self.window is not None:
        raise ValueError("a sliding-window cache cannot be cropped")
    if length < 0 or any(length > seen for seen in self._seen):
        raise ValueError(f"cannot crop to {length} positions")
    for layer in range(self.n_layer):
        if self._keys[layer] is not None:
            self._keys[layer] = self._keys[layer][:, :, :length]
            self._values[layer] = self._values[layer][:, :, :length]

KVCache.crop = crop
