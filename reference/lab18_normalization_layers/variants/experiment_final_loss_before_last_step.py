"""Reports the loss before the last step as final_loss (the last entry of
losses) instead of the loss after it."""

_reference_run_norm_experiment = run_norm_experiment


def run_norm_experiment(path, steps=60, seed=0, lr=1e-2):
    table = _reference_run_norm_experiment(path, steps, seed, lr)
    for row in table:
        row["final_loss"] = row["losses"][-1]
    return table
