"""The budget is exceeded by one: train_model takes max_steps + 1 optimizer steps."""

_reference_batch_order = batch_order


def batch_order(n_examples, batch_size, max_steps, seed):
    if max_steps < 0:
        raise ValueError("max_steps must be >= 0")
    return _reference_batch_order(n_examples, batch_size, max_steps + 1, seed)
