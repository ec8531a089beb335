"""train's step_time_s is the mean of the step times after the warm-up, not their median."""

_train_reference = train


def train(model, data, *, steps, lr, optimizer="adamw", warmup=1):
    result = _train_reference(model, data, steps=steps, lr=lr, optimizer=optimizer, warmup=warmup)
    result["step_time_s"] = statistics.mean(result["step_times_s"][warmup:])
    return result
