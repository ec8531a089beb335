"""prefix_keys are used as values and prefix_values as keys."""


def _cache(self, batch):
    config = self.base.config
    heads, k = config.n_head, self.num_virtual_tokens
    cache = DynamicCache()
    for layer in range(config.n_layer):
        key = self.prefix_keys[layer].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
        value = self.prefix_values[layer].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
        cache.update(value, key, layer)
    return cache


PrefixTuningModel._cache = _cache
