"""Momentum moves with the rate instead of against it: base -> max -> base."""


def one_cycle_momentum(step, total_steps, pct_start=0.3, anneal_strategy="cos", three_phase=False,
                       base_momentum=0.85, max_momentum=0.95):
    base_momentum = _nonnegative(base_momentum, "base_momentum")
    if not max_momentum >= base_momentum:
        raise ValueError("max_momentum < base_momentum")
    high = float(max_momentum)
    points = [base_momentum, high, base_momentum, base_momentum] if three_phase else [base_momentum, high, base_momentum]
    return _one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase, points)
