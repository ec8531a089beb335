"""Ignores batch_first: always treats the inputs as (batch, seq, d_model), so the
default sequence-first layout (L, B, D) of nn.MultiheadAttention is misread."""

_reference_mha_forward_method = MultiHeadAttention.forward
_reference_fused_forward_method = FusedMultiHeadAttention.forward


def _as_batch_first(method):
    def forward(self, *args, **kwargs):
        saved = self.batch_first
        self.batch_first = True
        try:
            return method(self, *args, **kwargs)
        finally:
            self.batch_first = saved

    return forward


MultiHeadAttention.forward = _as_batch_first(_reference_mha_forward_method)
FusedMultiHeadAttention.forward = _as_batch_first(_reference_fused_forward_method)
