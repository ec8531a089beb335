"""Takes sorted(times)[len // 2] as the median: for an even count that is the upper middle value."""

_benchmark_ref = benchmark


def benchmark(fn, *, device="cpu", warmup=3, repeats=10):
    out = _benchmark_ref(fn, device=device, warmup=warmup, repeats=repeats)
    out["median_s"] = sorted(out["times"])[len(out["times"]) // 2]
    return out
