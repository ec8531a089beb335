"""Phase ends at pct_start * total_steps (and 2 * pct_start * total_steps, total_steps), not one step (two) earlier."""


def _one_cycle(step, total_steps, pct_start, anneal_strategy, three_phase, points):
    step = _int(step, "step", 0)
    total_steps = _int(total_steps, "total_steps", 1)
    if anneal_strategy not in ("cos", "linear"):
        raise ValueError("anneal_strategy")
    if step > total_steps:
        raise ValueError("step past total_steps")
    if three_phase:
        ends = [float(pct_start * total_steps), float(2 * pct_start * total_steps), total_steps]
    else:
        ends = [float(pct_start * total_steps), total_steps]
    if not all(a < b for a, b in zip([0.0, *ends], ends)):
        raise ValueError("empty phase")
    start_step = 0.0
    for i, end_step in enumerate(ends):
        if step <= end_step or i == len(ends) - 1:
            pct = (step - start_step) / (end_step - start_step)
            a, b = points[i], points[i + 1]
            if anneal_strategy == "cos":
                return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)
            return (b - a) * pct + a
        start_step = end_step
