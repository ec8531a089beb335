"""Times the warm-up calls too: cold first calls end up in the times and the median."""


def benchmark(fn, *, device="cpu", warmup=3, repeats=10):
    if warmup < 0 or repeats < 1:
        raise ValueError("need warmup >= 0 and repeats >= 1")
    if device not in DEVICES:
        raise ValueError(f"unknown device {device!r}")
    synchronize(device)
    times = []
    for _ in range(warmup + repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "times": times}
