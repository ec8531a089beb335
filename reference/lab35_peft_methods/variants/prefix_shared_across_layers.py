"""Every layer attends to layer 0's prefix: one prefix shared across layers."""


def _cache(self, batch):
    config = self.base.config
    heads, k = config.n_head, self.num_virtual_tokens
    cache = DynamicCache()
    for layer in range(config.n_layer):
        key = self.prefix_keys[0].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
        value = self.prefix_values[0].view(k, heads, -1).transpose(0, 1).expand(batch, -1, -1, -1)
        cache.update(key, value, layer)
    return cache


PrefixTuningModel._cache = _cache
