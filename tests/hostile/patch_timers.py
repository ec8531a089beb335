"""Patch every timer the kernel timing could use.
base: reference
expect: timed|flag|wrong
"""
import time
import timeit

import torch

print("ATTACK-RAN", "patch_timers", sep=":", flush=True)  # the proof that it ran, before anything can silence it

time.perf_counter = lambda: 0.0
time.time = lambda: 0.0
time.monotonic = lambda: 0.0
timeit.default_timer = lambda: 0.0
try:
    import torch.utils.benchmark as _b

    _b.Timer.timeit = lambda self, number=1: type("M", (), {"mean": 1e-9, "median": 1e-9})()
except Exception:
    pass
if hasattr(torch.cuda, "Event"):
    torch.cuda.Event.elapsed_time = lambda self, other: 0.0
