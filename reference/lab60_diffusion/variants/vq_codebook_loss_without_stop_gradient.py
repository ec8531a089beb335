"""The codebook term has no stop-gradient on z: mse(z, e) also pushes the encoder output."""
# ruff: noqa: F821  (appended to the solution: its names and imports are in scope)


def vector_quantize(z, codebook, beta=0.25):
    if z.shape[-1] != codebook.shape[-1]:
        raise ValueError("width mismatch")
    flat = z.reshape(-1, z.shape[-1])
    indices = torch.cdist(flat.detach(), codebook.detach()).argmin(dim=1)
    e = codebook[indices].reshape(z.shape)
    loss = F.mse_loss(e, z) + beta * F.mse_loss(z, e.detach())
    return z + (e - z).detach(), loss, indices.reshape(z.shape[:-1])
