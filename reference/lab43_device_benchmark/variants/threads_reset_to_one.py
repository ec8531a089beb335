"""Resets torch's thread count to 1 afterwards instead of to what it was before."""

_scaling_ref = thread_scaling


def thread_scaling(n, threads=(1, 2), *, warmup=1, repeats=3):
    try:
        return _scaling_ref(n, threads, warmup=warmup, repeats=repeats)
    finally:
        torch.set_num_threads(1)
