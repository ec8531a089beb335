"""Public sanity checks for lab 43 (device benchmarking).

Run with ``autograder test lab43_device_benchmark``. Passing these does not
mean the hidden tests pass: those go through every availability pattern of
``choose_device``, count the workload calls and synchronisations of the
harness for several warm-up and repeat settings, check every formula on
edge values and large sizes, the thread-count bookkeeping, and the exact
table formats. No test measures speed against a fixed number: timing
checks count calls, or compare a sleep with ``torch.utils.benchmark``.
"""

from __future__ import annotations

import statistics

import pytest
import torch
import torch.utils.benchmark as benchmark

from autograder.testing import assert_close, check


def test_device_choice(lab):
    """cuda comes before mps, mps before cpu; an unknown name is a ValueError."""
    check(lab.choose_device({"cuda": True, "mps": True, "cpu": True}) == "cuda", "cuda first")
    check(lab.choose_device({"cuda": False, "mps": True, "cpu": True}) == "mps", "then mps")
    check(lab.choose_device({"cuda": False, "mps": False, "cpu": True}) == "cpu", "then the cpu")
    with pytest.raises(ValueError):
        lab.choose_device({"cpu": True}, "quantum")


def test_select_device_here(lab):
    """select_device('cpu') works on every machine."""
    check(lab.select_device("cpu") == "cpu", "select_device('cpu') should return 'cpu'")
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    check(lab.select_device() == expected, f"on this machine select_device() should be {expected!r}")


def test_harness_protocol(lab):
    """2 warm-up calls + 4 timed ones, 5 synchronisations, 4 times, their median."""
    calls, syncs = lab.workload_calls(), lab.sync_count()
    result = lab.time_workload("matmul", 16, warmup=2, repeats=4)
    check(lab.workload_calls() - calls == 6, "the workload should run warmup + repeats = 6 times")
    check(lab.sync_count() - syncs == 5, "synchronize: once after the warm-up, once per timed call")
    check(len(result["times"]) == 4, "times holds the timed calls only")
    assert_close(result["median_s"], statistics.median(result["times"]), atol=0, rtol=1e-12, what="median_s")


def test_sleep_is_in_seconds(lab):
    """A 2 ms sleep takes at least 0.002 s, and about what torch.utils.benchmark measures."""
    result = lab.time_workload("sleep", 2000, warmup=0, repeats=3)
    check(result["min_s"] >= 0.00195, "a 2 ms sleep cannot be faster than 0.002 s")
    library = benchmark.Timer("time.sleep(0.002)", "import time").blocked_autorange(min_run_time=0.02)
    check(result["median_s"] < 5 * library.median, "times are in seconds, not milliseconds")


def test_formulas(lab):
    """A 10 x 20 @ 20 x 30 matmul; a float32 copy of 1000 elements; the roofline of a toy device."""
    check(lab.matmul_flops(10, 30, 20) == 12000, "a multiply-add is 2 FLOPs")
    check(lab.stream_bytes("copy", 1000, torch.float32) == 8000, "a copy reads and writes each element")
    check(lab.dtype_size(torch.bfloat16) == 2, "bfloat16 is 2 bytes")
    check(lab.ridge_point(200.0, 50.0) == 4.0, "the ridge is at peak_flops / bandwidth")
    check(lab.roofline(2.0, 200.0, 50.0) == 100.0, "below the ridge the bandwidth limits")
    check(lab.roofline(8.0, 200.0, 50.0) == 200.0, "above the ridge the peak limits")
    check(lab.bound_by(1.0, 200.0, 50.0) == "memory", "intensity 1 < ridge 4: memory-bound")
    check(lab.gb_per_s(3e9, 1.5) == 2.0, "GB are 10**9 bytes")


def test_thread_scaling_keeps_setting(lab):
    """thread_scaling restores torch's thread count."""
    worker_torch = lab.get("torch")
    threads_before = worker_torch.get_num_threads()
    rows = lab.thread_scaling(16, (1, 2), warmup=0, repeats=1)
    check([r["threads"] for r in rows] == [1, 2], "one row per thread count")
    check(worker_torch.get_num_threads() == threads_before, "the thread count should be restored")


def test_markdown_table(lab):
    """A one-row Markdown table."""
    got = lab.format_table([{"device": "cpu", "gflops": 12.3456}])
    check(got == "| device | gflops |\n| --- | --- |\n| cpu | 12.35 |\n", f"got {got!r}")


def test_tiled_matmul_small(lab):
    """A 5 x 7 by 7 x 3 product in tiles of 2 (partial blocks everywhere) equals a @ b."""
    a = torch.arange(35, dtype=torch.float32).reshape(5, 7) / 10
    b = torch.arange(21, dtype=torch.float32).reshape(7, 3) / 10
    got = lab.tiled_matmul(a, b, tile=2)
    check(tuple(got.shape) == (5, 3), f"expected shape (5, 3), got {tuple(got.shape)}")
    assert_close(got, a @ b, atol=1e-5, what="tiled_matmul(a, b, tile=2)")


def test_tiled_matmul_bytes_one_tile(lab):
    """With one tile covering the matrices, the traffic is matmul_bytes: each matrix moved once."""
    check(lab.tiled_matmul_bytes(4, 6, 5, tile=8) == lab.matmul_bytes(4, 6, 5),
          "a tile of 8 covers a 4 x 5 by 5 x 6 product")
