"""The squared norm of the mean over all N rows, whatever the batch size."""


def mean_sq_grad_norm(per_example_grads: torch.Tensor, batch_size: int) -> float:
    _check_batch("batch_size", batch_size)
    if per_example_grads.dim() != 2 or per_example_grads.shape[0] == 0:
        raise ValueError(f"expected a non-empty (N, D) tensor, got shape {tuple(per_example_grads.shape)}")
    n, d = per_example_grads.shape
    if n % batch_size != 0:
        raise ValueError(f"{n} rows do not split into batches of {batch_size}")
    means = per_example_grads.double().reshape(n // batch_size, batch_size, d).mean(dim=1)
    return float(means.mean(dim=0).pow(2).sum())
