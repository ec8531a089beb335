"""z_q is returned as the codes themselves: the decoder's gradient goes to the codebook, never to z."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)

_vq_orig = vector_quantize


def vector_quantize(z, codebook, beta=0.25):
    _, loss, indices = _vq_orig(z, codebook, beta)
    return codebook[indices.reshape(-1)].reshape(z.shape), loss, indices
