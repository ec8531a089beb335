"""Stores head_dim = d_model / num_heads, a float (4.0) instead of the int the
docstring asks for."""

_reference_mha_init = MultiHeadAttention.__init__
_reference_fused_init = FusedMultiHeadAttention.__init__


def _with_float_head_dim(init):
    def __init__(self, d_model, num_heads, *args, **kwargs):
        init(self, d_model, num_heads, *args, **kwargs)
        self.head_dim = d_model / num_heads

    return __init__


MultiHeadAttention.__init__ = _with_float_head_dim(_reference_mha_init)
FusedMultiHeadAttention.__init__ = _with_float_head_dim(_reference_fused_init)
