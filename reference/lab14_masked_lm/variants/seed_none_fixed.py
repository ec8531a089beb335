"""With ``seed=None`` the masking seeds a fresh generator with 0 instead of
using torch's global generator, so every unseeded call masks the same
positions (an epoch of unseeded calls sees one mask over and over)."""

_reference_mask_tokens = mask_tokens


def mask_tokens(input_ids, *, seed=None, **kwargs):
    return _reference_mask_tokens(input_ids, seed=0 if seed is None else seed, **kwargs)
