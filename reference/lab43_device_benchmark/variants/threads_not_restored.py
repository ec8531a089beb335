"""Leaves torch's thread count at the last value measured."""


def thread_scaling(n, threads=(1, 2), *, warmup=1, repeats=3):
    threads = list(threads)
    if not threads or min(threads) < 1:
        raise ValueError("threads must be a non-empty list of counts >= 1")
    rows = []
    for t in threads:
        torch.set_num_threads(t)
        used = torch.get_num_threads()
        got = measure_matmul(n, device="cpu", warmup=warmup, repeats=repeats)
        rows.append({"threads": t, "torch_threads": used, "median_s": got["median_s"], "gflops": got["gflops"]})
    for row in rows:
        row["speedup"] = rows[0]["median_s"] / row["median_s"]
    return rows
