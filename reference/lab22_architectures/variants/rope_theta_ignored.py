"""rope_cos_sin always uses the base 10000, whatever rope_theta says."""

_real_rope_cos_sin = rope_cos_sin


def rope_cos_sin(position_ids, head_dim, rope_theta=10000.0):
    return _real_rope_cos_sin(position_ids, head_dim, 10000.0)
