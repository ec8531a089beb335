"""The (k, n_embd) prefix is reshaped straight to (heads, k, head_dim): heads get the wrong features."""


def _cache(self, batch):
    config = self.base.config
    heads, k = config.n_head, self.num_virtual_tokens
    cache = DynamicCache()
    for layer in range(config.n_layer):
        key = self.prefix_keys[layer].reshape(heads, k, -1).expand(batch, -1, -1, -1)
        value = self.prefix_values[layer].reshape(heads, k, -1).expand(batch, -1, -1, -1)
        cache.update(key, value, layer)
    return cache


PrefixTuningModel._cache = _cache
