"""schedule_values starts at step 1 (steps 1 .. num_steps): every curve shifted by one step."""


def schedule_values(name, config, num_steps):
    schedules = {"step": step_lr, "multistep": multistep_lr, "exponential": exponential_lr,
                 "cosine_restarts": cosine_restarts_lr, "warmup_cosine": warmup_cosine_lr,
                 "inverse_sqrt": inverse_sqrt_lr, "one_cycle": one_cycle_lr, "one_cycle_momentum": one_cycle_momentum}
    if name not in schedules:
        raise ValueError(f"unknown schedule {name!r}")
    return [schedules[name](step, **config) for step in range(1, _int(num_steps, "num_steps", 0) + 1)]
