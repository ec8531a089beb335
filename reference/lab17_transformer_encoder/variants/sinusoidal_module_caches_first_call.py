"""SinusoidalPositionalEncoding caches the table of its first call (length
and dtype) in a non-persistent buffer and reuses it: later calls in another
dtype get the first call's dtype, and longer ones only what was cached."""


def _pe_forward(self, x):
    if getattr(self, "_table", None) is None:
        self.register_buffer(
            "_table", sinusoidal_positional_encoding(max(x.shape[-2], 64), self.d_model, base=self.base, dtype=x.dtype), persistent=False
        )
    return x + self._table[: x.shape[-2]]


SinusoidalPositionalEncoding.forward = _pe_forward
