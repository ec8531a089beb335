"""Reports the mean of the times as median_s (one slow outlier drags it)."""

_benchmark_ref = benchmark


def benchmark(fn, *, device="cpu", warmup=3, repeats=10):
    out = _benchmark_ref(fn, device=device, warmup=warmup, repeats=repeats)
    out["median_s"] = statistics.mean(out["times"])
    return out
