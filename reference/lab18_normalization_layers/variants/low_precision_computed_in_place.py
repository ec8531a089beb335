"""Computes LayerNorm and RMSNorm (forward and backward) in the input's own
dtype: no upcast to float32 for bfloat16 / float16 inputs (so the centring is
inaccurate in bfloat16, squares overflow in float16, and eps=None becomes the
bfloat16 machine epsilon)."""


def _compute_dtype(dtype):
    return dtype
