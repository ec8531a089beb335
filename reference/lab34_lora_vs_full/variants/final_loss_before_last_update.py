"""train reports the last step's loss (computed before that step's update) as final_loss."""

_train_reference = train


def train(model, data, *, steps, lr, optimizer="adamw", warmup=1):
    result = _train_reference(model, data, steps=steps, lr=lr, optimizer=optimizer, warmup=warmup)
    result["final_loss"] = result["losses"][-1]
    return result
