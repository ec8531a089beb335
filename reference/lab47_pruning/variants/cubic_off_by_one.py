"""The schedule counts steps from t0 - 1 (t - t0 + 1), one update ahead."""


def cubic_sparsity(step, initial_sparsity, final_sparsity, begin_step, n_updates, frequency=1):
    for s in (initial_sparsity, final_sparsity):
        if not 0.0 <= s <= 1.0:
            raise ValueError("sparsity outside [0, 1]")
    if n_updates < 1 or frequency < 1:
        raise ValueError("n_updates and frequency must be >= 1")
    if step < begin_step:
        return float(initial_sparsity)
    t = min((step - begin_step + 1) // frequency, n_updates)
    return float(final_sparsity + (initial_sparsity - final_sparsity) * (1.0 - t / n_updates) ** 3)
