"""Reports the Timer's time per block (number_per_run calls) instead of per call."""

_timer_ref = timer_measurement


def timer_measurement(workload, n, *, device="cpu", dtype=torch.float32, min_run_time=0.05):
    out = _timer_ref(workload, n, device=device, dtype=dtype, min_run_time=min_run_time)
    out["median_s"] *= out["number_per_run"]
    out["mean_s"] *= out["number_per_run"]
    return out
