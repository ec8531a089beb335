"""train's step_time_s is the median of every step's time, the warm-up steps included."""

_train_reference = train


def train(model, data, *, steps, lr, optimizer="adamw", warmup=1):
    result = _train_reference(model, data, steps=steps, lr=lr, optimizer=optimizer, warmup=warmup)
    result["step_time_s"] = statistics.median(result["step_times_s"])
    return result
