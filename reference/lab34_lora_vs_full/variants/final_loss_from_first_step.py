"""train reports the first step's loss as final_loss."""

_train_reference = train


def train(model, data, *, steps, lr, optimizer="adamw", warmup=1):
    result = _train_reference(model, data, steps=steps, lr=lr, optimizer=optimizer, warmup=warmup)
    result["final_loss"] = result["losses"][0]
    return result
