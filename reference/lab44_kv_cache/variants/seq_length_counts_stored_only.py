"""get_seq_length returns the number of stored positions: with a window the position index stops advancing."""

def get_seq_length(self, layer: int = 0) -> int:
    self._check_layer(layer)
    return 0 if self._keys[layer] is None else self._keys[layer].shape[2]

KVCache.get_seq_length = get_seq_length
