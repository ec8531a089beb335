"""The final rate is max_lr / final_div_factor instead of initial / final_div_factor."""


def one_cycle_lr(step, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False):
    max_lr = _nonnegative(max_lr, "max_lr")
    initial = max_lr / _positive(div_factor, "div_factor")
    final = max_lr / _positive(final_div_factor, "final_div_factor")
    points = [initial, max_lr, initial, final] if three_phase else [initial, max_lr, final]
    return _one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase, points)
