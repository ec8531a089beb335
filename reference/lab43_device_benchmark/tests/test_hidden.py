"""Hidden tests for lab 43 (device benchmarking).

Oracles:

* device choice: the order cuda > mps > cpu over every availability
  pattern, and this machine's ``torch.cuda.is_available()`` /
  ``torch.backends.mps.is_available()``;
* the timing protocol: counted, not clocked. The student's module counts
  calls of its workloads (``workload_calls``) and of ``synchronize``
  (``sync_count``), so a harness must make exactly ``warmup + repeats``
  calls and ``repeats + 1`` synchronisations, and return ``repeats`` times
  whose median and minimum it reports; the only clock-based checks compare a
  sleep's median with ``torch.utils.benchmark`` run here on the same sleep
  (a ratio within 10x, which a slow machine cannot break) and with the
  sleep's own length (a lower bound, which it cannot break either);
* FLOPs, bytes, intensity, roofline, rates: the formulas, with exact
  integers and 1e-12 relative tolerance on floats;
* tables: the formats written out here;
* the tiled matmul: torch.matmul in float64, and the precision of a float32
  sum of half-precision partial products (a half-precision running sum is
  measurably worse); its traffic by the formula.

Tests that touch a device run on the CPU everywhere and on CUDA too where a
GPU is present; no test is skipped and no point depends on having a GPU.
"""

from __future__ import annotations

import csv
import io
import itertools
import statistics

import pytest
import torch
import torch.utils.benchmark as tbench

from autograder.testing import assert_close, check

REL = dict(atol=0.0, rtol=1e-12)
ORDER = ("cuda", "mps", "cpu")
HAS_CUDA = torch.cuda.is_available()
HAS_MPS = torch.backends.mps.is_available()
DEVICES_HERE = ["cpu"] + (["cuda"] if HAS_CUDA else [])
ALL_DTYPES = [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32,
              torch.int16, torch.int8, torch.uint8, torch.bool, torch.complex64]


def first_available(available):
    return next((d for d in ORDER if available.get(d, False)), None)


def counts(lab):
    return lab.workload_calls(), lab.sync_count()


def torch_sleep_median(seconds):
    """torch.utils.benchmark's median of time.sleep(seconds), measured here in the runner."""
    timer = tbench.Timer(stmt=f"time.sleep({seconds!r})", setup="import time")
    return timer.blocked_autorange(min_run_time=0.03).median


def csv_text(rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(rows[0]))
    writer.writerows([r[k] for k in rows[0]] for r in rows)
    return buf.getvalue()


def md(rows):
    keys = list(rows[0])

    def cell(v):
        return "" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)

    lines = [keys, ["---"] * len(keys)] + [[cell(r[k]) for k in keys] for r in rows]
    return "".join("| " + " | ".join(line) + " |\n" for line in lines)


# ---- devices ---------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_choose_device_automatic_order(lab):
    """choose_device with no preference (None or "auto") takes cuda, then mps, then cpu, over every availability pattern."""
    for cuda, mps, cpu in itertools.product([False, True], repeat=3):
        available = {"cuda": cuda, "mps": mps, "cpu": cpu}
        expected = first_available(available)
        if expected is None:
            continue
        for preferred in (None, "auto", "AUTO"):
            got = lab.choose_device(available, preferred)
            check(got == expected, f"available {available}, preferred {preferred!r}: chose {got!r}")
        check(lab.choose_device(available) == expected, "the default preference is automatic")
    check(lab.choose_device({"cpu": True}) == "cpu", "a device missing from the mapping counts as unavailable")
    check(lab.choose_device({"mps": True, "cpu": True}) == "mps", "no cuda key: mps comes next")
    check(lab.choose_device({"tpu": True, "cuda": True, "cpu": True}) == "cuda", "unknown keys are ignored")
    check(lab.choose_device({"tpu": True, "cpu": True}) == "cpu", "unknown keys are ignored")


@pytest.mark.points(2)
def test_choose_device_preferred(lab):
    """choose_device honours an available preferred device, matched case-insensitively and without spaces."""
    everything = {"cuda": True, "mps": True, "cpu": True}
    for name in ORDER:
        check(lab.choose_device(everything, name) == name, f"preferred {name!r} is available: it should be chosen")
        check(lab.choose_device(everything, preferred=name) == name, "preferred given by keyword")
    for spelled, name in [("CUDA", "cuda"), (" Mps ", "mps"), ("Cpu\n", "cpu"), ("  cuda", "cuda")]:
        got = lab.choose_device(everything, spelled)
        check(got == name, f"preferred {spelled!r}: expected the lower-case name, got {got!r}")
    check(lab.choose_device({"cuda": False, "mps": False, "cpu": True}, "cpu") == "cpu", "cpu when asked")
    check(lab.choose_device({"cuda": True, "mps": True, "cpu": True}, "cpu") == "cpu",
          "an explicit cpu wins over an available GPU")
    check(lab.choose_device({"cuda": True, "mps": True, "cpu": False}, "mps") == "mps", "mps when asked")


@pytest.mark.points(2)
def test_choose_device_errors(lab):
    """choose_device: ValueError for unknown names, RuntimeError for unavailable devices (never a silent fallback)."""
    check(lab.choose_device({"cpu": True}, "cpu") == "cpu", "choose_device({'cpu': True}, 'cpu') should be 'cpu'")
    for bad in ("tpu", "gpu", "cuda:0", "", "xla", "cpu0"):
        with pytest.raises(ValueError):
            lab.choose_device({"cuda": True, "mps": True, "cpu": True}, bad)
    cases = [({"cpu": True}, "cuda"), ({"cuda": False, "mps": False, "cpu": True}, "mps"),
             ({"cuda": True, "mps": False, "cpu": True}, "mps"), ({"cuda": True, "mps": True, "cpu": False}, "cpu"),
             ({"cuda": False, "cpu": True}, "CUDA"), ({}, None), ({"cuda": False, "mps": False, "cpu": False}, "auto"),
             ({"tpu": True}, None)]
    for available, preferred in cases:
        with pytest.raises(RuntimeError) as info:
            lab.choose_device(available, preferred)
        check(not isinstance(info.value, NotImplementedError), "an unavailable device should raise RuntimeError")


@pytest.mark.points(2)
def test_select_device_on_this_machine(lab):
    """available_devices and select_device report this machine (cuda where a GPU is present, else cpu)."""
    expected = {"cuda": HAS_CUDA, "mps": HAS_MPS, "cpu": True}
    got = lab.available_devices()
    check(dict(got) == expected, f"available_devices() gave {got}")
    check(list(got) == ["cuda", "mps", "cpu"], "available_devices() keys in the order cuda, mps, cpu")
    check(lab.select_device() == first_available(expected), "select_device() should pick the best device here")
    check(lab.select_device(None) == first_available(expected), "select_device(None) is automatic")
    check(lab.select_device("cpu") == "cpu", "select_device('cpu') should be 'cpu'")
    check(lab.select_device(preferred="CPU") == "cpu", "select_device(preferred='CPU') should be 'cpu'")
    for name, here in (("cuda", HAS_CUDA), ("mps", HAS_MPS)):
        if here:
            check(lab.select_device(name) == name, f"{name} is available here: select_device({name!r})")
        else:
            with pytest.raises(RuntimeError) as info:
                lab.select_device(name)
            check(not isinstance(info.value, NotImplementedError), f"{name} is not available here: RuntimeError")
    with pytest.raises(ValueError):
        lab.select_device("gpu")


@pytest.mark.points(2)
def test_synchronize_counts(lab):
    """synchronize adds one to sync_count per call on each device here, and refuses unknown devices."""
    for device in DEVICES_HERE:
        before = lab.sync_count()
        for i in range(3):
            check(lab.synchronize(device) is None, "synchronize returns None")
            check(lab.sync_count() == before + i + 1, f"synchronize({device!r}) should add one to sync_count")
    before = lab.sync_count()
    for bad in ("gpu", "CUDA", ""):
        with pytest.raises(ValueError):
            lab.synchronize(bad)
    check(lab.sync_count() == before, "a refused synchronize should not count")


# ---- workloads and timing --------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_make_workload_outputs(lab):
    """make_workload: each workload's output shape, dtype and range, None for sleep, one count per call."""
    n = 40
    ranges = {"copy": 1.0, "scale": 3.0, "add": 2.0, "triad": 4.0}
    for dtype in (torch.float32, torch.float64, "bfloat16"):
        want = dtype if isinstance(dtype, torch.dtype) else torch.bfloat16
        fn = lab.make_workload("".join(["mat", "mul"]), n, dtype=dtype)
        before = lab.workload_calls()
        out = fn()
        check(lab.workload_calls() == before + 1, "each call of a workload adds one to workload_calls")
        check(tuple(out.shape) == (n, n) and out.dtype == want, f"matmul({n}) output: shape {tuple(out.shape)}, {out.dtype}")
        out = out.double()
        check(bool((out >= 0).all()) and bool((out <= n).all()) and float(out.std()) > 0,
              "a product of two rand matrices has entries in [0, n] that are not all equal")
        for kernel, top in ranges.items():
            out = lab.make_workload(kernel, 1000, device="cpu", dtype=dtype)()
            check(tuple(out.shape) == (1000,) and out.dtype == want, f"{kernel}: output shape {tuple(out.shape)}, {out.dtype}")
            out = out.double()
            check(bool((out >= 0).all()) and bool((out <= top).all()), f"{kernel}: outputs out of range")
            check(float(out.max()) > 0.8 * top, f"{kernel}: outputs too small for this kernel")
    fn = lab.make_workload(workload="".join(["sl", "eep"]), n=0)
    before = lab.workload_calls()
    check(fn() is None and fn() is None, "sleep returns None")
    check(lab.workload_calls() == before + 2, "sleep calls are counted too")


@pytest.mark.points(2)
def test_make_workload_errors(lab):
    """make_workload raises ValueError for unknown workloads, empty sizes and non-floating dtypes."""
    check(lab.make_workload("add", 1, dtype="float32")() is not None, "make_workload('add', 1) should work")
    for workload, n, kwargs in [("conv", 8, {}), ("MATMUL", 8, {}), ("matmul", 0, {}), ("copy", 0, {}),
                                ("triad", -3, {}), ("sleep", -1, {}), ("matmul", 8, {"dtype": torch.int64}),
                                ("add", 8, {"dtype": "int32"}), ("copy", 8, {"dtype": "float33"})]:
        with pytest.raises(ValueError):
            lab.make_workload(workload, n, **kwargs)


@pytest.mark.parametrize("warmup,repeats", [(0, 1), (3, 5), (1, 4), (6, 2)])
@pytest.mark.points(1)
def test_harness_call_counts(lab, warmup, repeats):
    """time_workload calls the workload warmup + repeats times, synchronises repeats + 1 times, returns repeats times."""
    calls, syncs = counts(lab)
    got = lab.time_workload("matmul", 24, warmup=warmup, repeats=repeats)
    check(lab.workload_calls() - calls == warmup + repeats, "the workload should run warmup + repeats times")
    check(lab.sync_count() - syncs == repeats + 1,
          "synchronize(device) once after the warm-up and once after each timed call")
    times = got["times"]
    check(isinstance(times, list) and len(times) == repeats, "times should hold exactly `repeats` entries (no warm-up)")
    check(all(isinstance(t, float) and t > 0 for t in times), "times are positive floats (seconds)")
    check(got["workload"] == "matmul" and got["n"] == 24 and got["device"] == "cpu", "workload, n and device echoed")


@pytest.mark.parametrize("repeats", [5, 6])
@pytest.mark.points(1)
def test_harness_median_and_min(lab, repeats):
    """time_workload reports the median (mean of the two middle times for an even count) and the minimum of its times."""
    got = lab.time_workload("add", 5000, warmup=1, repeats=repeats)
    times = got["times"]
    check(len(times) == repeats, "times should hold exactly `repeats` entries")
    assert_close(got["median_s"], statistics.median(times), **REL, what="median_s (the median of times)")
    assert_close(got["min_s"], min(times), **REL, what="min_s (the smallest of times)")


@pytest.mark.points(1)
def test_harness_defaults(lab):
    """time_workload's defaults: 3 warm-up calls, 10 repeats, the cpu, float32."""
    calls, syncs = counts(lab)
    got = lab.time_workload(workload="scale", n=64)
    check(lab.workload_calls() - calls == 13 and lab.sync_count() - syncs == 11, "defaults warmup=3, repeats=10")
    check(len(got["times"]) == 10 and got["device"] == "cpu", "default repeats 10 on the cpu")


@pytest.mark.points(2)
def test_benchmark_takes_a_function(lab):
    """benchmark times a function made by make_workload, with defaults warmup=3, repeats=10 on the cpu."""
    fn = lab.make_workload("copy", 64)
    calls, syncs = counts(lab)
    got = lab.benchmark(fn=fn)
    check(lab.workload_calls() - calls == 13 and lab.sync_count() - syncs == 11, "defaults warmup=3, repeats=10")
    check(len(got["times"]) == 10, "ten times by default")
    assert_close(got["median_s"], statistics.median(got["times"]), **REL, what="median_s")
    calls, syncs = counts(lab)
    got = lab.benchmark(fn, device="cpu", warmup=4, repeats=3)
    check(lab.workload_calls() - calls == 7 and lab.sync_count() - syncs == 4, "warmup=4, repeats=3")
    check(len(got["times"]) == 3 and got["min_s"] == min(got["times"]), "three times and their minimum")
    for kwargs in ({"device": "tpu"}, {"warmup": -1}, {"repeats": 0}):
        with pytest.raises(ValueError):
            lab.benchmark(fn, **kwargs)


@pytest.mark.points(2)
def test_harness_seconds_match_torch_benchmark(lab):
    """A 3 ms sleep timed by time_workload: every time at least 3 ms, the median close to torch.utils.benchmark's."""
    got = lab.time_workload("sleep", 3000, warmup=1, repeats=5)
    check(min(got["times"]) >= 0.00295, "a 3 ms sleep cannot take less than 0.003 s")
    ratio = got["median_s"] / torch_sleep_median(0.003)
    check(0.1 < ratio < 10, "the median is far from torch.utils.benchmark's median for the same sleep (units: seconds)")


@pytest.mark.points(2)
def test_timer_measurement(lab):
    """timer_measurement uses torch.utils.benchmark: per-call seconds, its block counts, calls made accordingly."""
    calls = lab.workload_calls()
    got = lab.timer_measurement("sleep", 2000, min_run_time=0.03)
    made = lab.workload_calls() - calls
    check(isinstance(got["number_per_run"], int) and got["number_per_run"] >= 1, "number_per_run: calls per block")
    check(isinstance(got["runs"], int) and got["runs"] >= 1, "runs: the number of blocks")
    check(made >= got["number_per_run"] * got["runs"], "the Timer should call the workload number_per_run x runs times")
    check(got["median_s"] >= 0.002 and got["mean_s"] >= 0.002, "seconds per call of a 2 ms sleep are at least 0.002")
    ratio = got["median_s"] / torch_sleep_median(0.002)
    check(0.1 < ratio < 10, "median_s should be seconds per call, as Measurement.median")
    timer = lab.timer_measurement("copy", 256, min_run_time=0.02)
    harness = lab.time_workload("copy", 256, warmup=3, repeats=15)
    ratio = timer["median_s"] / harness["median_s"]
    check(0.05 < ratio < 20, "for a 256-element copy, median_s should be about the harness's (seconds per call)")
    got = lab.timer_measurement("matmul", 16, device="cpu", dtype=torch.float64, min_run_time=0.01)
    check(got["median_s"] > 0 and got["number_per_run"] >= 1, "a matmul measurement")
    got = lab.timer_measurement(workload="copy", n=8)
    check(got["median_s"] > 0 and got["runs"] >= 1, "the default min_run_time")
    for bad in (0.0, -0.01):
        with pytest.raises(ValueError):
            lab.timer_measurement("sleep", 10, min_run_time=bad)
    with pytest.raises(ValueError):
        lab.timer_measurement("conv", 10, min_run_time=0.01)


@pytest.mark.points(2)
def test_harness_errors(lab):
    """time_workload refuses warmup < 0, repeats < 1 and unknown devices before running anything."""
    check(len(lab.time_workload("copy", 8, warmup=0, repeats=1)["times"]) == 1, "warmup=0, repeats=1 is allowed")
    calls = lab.workload_calls()
    for kwargs in ({"warmup": -1}, {"repeats": 0}, {"repeats": -2}, {"device": "gpu"}, {"device": "auto"}):
        with pytest.raises(ValueError):
            lab.time_workload("sleep", 1, **kwargs)
    check(lab.workload_calls() == calls, "the workload should not run when the arguments are refused")


@pytest.mark.points(2)
def test_harness_on_each_device(lab):
    """time_workload on every device here (the GPU too where present) with its synchronisations."""
    for device in DEVICES_HERE:
        calls, syncs = counts(lab)
        got = lab.time_workload("matmul", 64, device=device, dtype="float32", warmup=2, repeats=3)
        check(lab.workload_calls() - calls == 5 and lab.sync_count() - syncs == 4, f"call counts on {device}")
        check(got["device"] == device and len(got["times"]) == 3, f"the result on {device}")


# ---- analysis --------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_dtype_size(lab):
    """dtype_size gives bytes per element for torch dtypes and their names."""
    for dtype in ALL_DTYPES:
        size = torch.empty((), dtype=dtype).element_size()
        name = str(dtype).removeprefix("torch.")
        check(lab.dtype_size(dtype) == size, f"dtype_size({name})")
        check(lab.dtype_size(name) == size, f"dtype_size({name!r})")
        check(lab.dtype_size("torch." + name) == size, f"dtype_size('torch.{name}')")
    for bad in ("float33", "", "torch.", "Tensor", 4, None, 2.0):
        with pytest.raises(ValueError):
            lab.dtype_size(bad)


@pytest.mark.points(2)
def test_matmul_flops(lab):
    """matmul_flops is 2 * batch * m * n * k (a multiply-add is two FLOPs), exactly, also for large sizes."""
    cases = [(1, 1, 1, 1), (2, 3, 5, 1), (7, 11, 13, 3), (0, 4, 4, 1), (4, 0, 4, 2), (4, 4, 0, 2), (5, 6, 7, 0),
             (4096, 4096, 4096, 1), (65536, 50257, 768, 8), (3, 1, 2, 4)]
    for m, n, k, b in cases:
        got = lab.matmul_flops(m, n, k, b)
        check(got == 2 * b * m * n * k and isinstance(got, int), f"matmul_flops({m}, {n}, {k}, batch={b})")
    check(lab.matmul_flops(3, 4, 5) == 120, "the default batch is 1")
    check(lab.matmul_flops(m=2, n=3, k=4, batch=5) == 240, "keyword arguments")
    for args in [(-1, 2, 2), (2, -1, 2), (2, 2, -1), (2, 2, 2, -1)]:
        with pytest.raises(ValueError):
            lab.matmul_flops(*args)


@pytest.mark.points(2)
def test_matmul_bytes(lab):
    """matmul_bytes is (m*k + k*n + m*n) times the element size; ValueError for negative sizes."""
    for (m, n, k), dtype in itertools.product([(1, 1, 1), (2, 3, 5), (5, 7, 3), (0, 3, 4), (128, 256, 64), (3, 0, 0)],
                                              [torch.float32, torch.float64, torch.bfloat16, "float16", "int8"]):
        size = lab.dtype_size(dtype)
        check(lab.matmul_bytes(m, n, k, dtype) == (m * k + k * n + m * n) * size, f"matmul_bytes({m}, {n}, {k}, {dtype})")
    check(lab.matmul_bytes(2, 3, 4) == 4 * (8 + 12 + 6), "the default dtype is float32")
    for args in [(-1, 2, 2), (2, -1, 2), (2, 2, -1)]:
        with pytest.raises(ValueError):
            lab.matmul_bytes(*args)


@pytest.mark.points(3)
def test_stream_bytes_and_flops(lab):
    """stream_bytes counts reads and writes (copy/scale 2 arrays, add/triad 3); stream_flops 0, 1, 1, 2 per element."""
    arrays = {"copy": 2, "scale": 2, "add": 3, "triad": 3}
    flops = {"copy": 0, "scale": 1, "add": 1, "triad": 2}
    for kernel, numel, dtype in itertools.product(arrays, [0, 1, 1000, 2**30 + 7],
                                                  [torch.float32, torch.float64, torch.bfloat16, "float16", torch.int8]):
        size = torch.empty((), dtype=getattr(torch, dtype) if isinstance(dtype, str) else dtype).element_size()
        got = lab.stream_bytes(kernel, numel, dtype)
        check(got == arrays[kernel] * numel * size, f"stream_bytes({kernel!r}, {numel}, {dtype})")
        check(lab.stream_flops(kernel, numel) == flops[kernel] * numel, f"stream_flops({kernel!r}, {numel})")
    check(lab.stream_bytes("copy", 10) == 80, "the default dtype is float32")
    for bad in [("matmul", 4), ("Copy", 4), ("copy", -1)]:
        with pytest.raises(ValueError):
            lab.stream_bytes(*bad)
        with pytest.raises(ValueError):
            lab.stream_flops(*bad)


@pytest.mark.points(2)
def test_arithmetic_intensity(lab):
    """arithmetic_intensity is FLOPs / bytes (0 for a copy, n/6 for a float32 square matmul); errors for bad counts."""
    for f, b in [(0, 8), (1, 12), (2 * 512**3, 3 * 512 * 512 * 4), (10**15, 3), (7.5, 2.5), (3, 1), (1, 0.5)]:
        got = lab.arithmetic_intensity(f, b)
        check(isinstance(got, float), "arithmetic_intensity returns a float")
        assert_close(got, f / b, **REL, what=f"arithmetic_intensity({f}, {b})")
    for args in [(1, 0), (1, -4), (-1, 4)]:
        with pytest.raises(ValueError):
            lab.arithmetic_intensity(*args)


@pytest.mark.points(2)
def test_roofline(lab):
    """roofline is min(peak_flops, intensity * bandwidth): the sloped roof below the ridge, the flat one above."""
    peak, bw = 989e12, 4.8e12                     # an H200-like GPU: dense bf16 FLOP/s, bytes/s
    for intensity in [0.0, 0.25, 1.0, 50.0, peak / bw, 300.0, 1e4]:
        assert_close(lab.roofline(intensity, peak, bw), min(peak, intensity * bw), **REL,
                     what=f"roofline at intensity {intensity}")
    assert_close(lab.roofline(3, 100.0, 10.0), 30.0, **REL, what="roofline(3, 100, 10)")
    assert_close(lab.roofline(20, 100.0, 10.0), 100.0, **REL, what="roofline(20, 100, 10)")
    assert_close(lab.roofline(10, 100.0, 10.0), 100.0, **REL, what="roofline at the ridge")
    assert_close(lab.roofline(intensity=0.5, peak_flops=8.0, peak_bandwidth=4.0), 2.0, **REL, what="keywords")
    assert_close(lab.roofline(4.0, 0.5, 0.25), 0.5, **REL, what="roofline(4, 0.5, 0.25)")
    assert_close(lab.roofline(1.0, 2.0, 1.0), 1.0, **REL, what="roofline(1, 2, 1)")
    for args in [(-0.5, 100.0, 10.0), (1.0, 0.0, 10.0), (1.0, 100.0, 0.0), (1.0, -1.0, 10.0), (1.0, 100.0, -1.0)]:
        with pytest.raises(ValueError):
            lab.roofline(*args)


@pytest.mark.points(2)
def test_ridge_point_and_bound(lab):
    """ridge_point is peak_flops / bandwidth; bound_by says memory below it and compute at or above it."""
    for peak, bw in [(100.0, 10.0), (989e12, 4.8e12), (2e12, 5e10), (1.0, 4.0), (2.0, 0.5), (0.5, 1.0)]:
        assert_close(lab.ridge_point(peak, bw), peak / bw, **REL, what=f"ridge_point({peak}, {bw})")
    for intensity, expected in [(0.0, "memory"), (9.99, "memory"), (10.0, "compute"), (10.01, "compute"), (1e6, "compute")]:
        check(lab.bound_by(intensity, 100.0, 10.0) == expected, f"bound_by({intensity}, 100, 10)")
    check(lab.bound_by(0.5, 1.0, 4.0) == "compute", "bound_by(0.5, 1, 4): the ridge is at 0.25")
    check(lab.bound_by(0.2, 1.0, 4.0) == "memory", "bound_by(0.2, 1, 4): the ridge is at 0.25")
    for args in [(0.0, 10.0), (10.0, 0.0), (-1.0, 10.0), (10.0, -1.0)]:
        with pytest.raises(ValueError):
            lab.ridge_point(*args)
    for args in [(-1.0, 100.0, 10.0), (1.0, 0.0, 10.0), (1.0, 100.0, 0.0)]:
        with pytest.raises(ValueError):
            lab.bound_by(*args)


@pytest.mark.points(2)
def test_rates(lab):
    """gflops_per_s and gb_per_s divide by the time and by 1e9 (decimal GB, not GiB)."""
    for amount, seconds in [(0, 1.0), (2**30, 1.0), (2 * 4096**3, 0.0123), (12e9, 3.0), (1, 1e-9)]:
        assert_close(lab.gflops_per_s(amount, seconds), amount / seconds / 1e9, **REL, what=f"gflops_per_s({amount}, {seconds})")
        assert_close(lab.gb_per_s(amount, seconds), amount / seconds / 1e9, **REL, what=f"gb_per_s({amount}, {seconds})")
    for fn in (lab.gflops_per_s, lab.gb_per_s):
        for args in [(1.0, 0.0), (1.0, -1.0), (-1.0, 1.0)]:
            with pytest.raises(ValueError):
                fn(*args)


# ---- tiling --------------------------------------------------------------------------------------------------

def exact_product(a, b):
    """The oracle: torch.matmul in float64, on the CPU."""
    return a.double().cpu() @ b.double().cpu()


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["multiples", "ragged", "tile-larger", "empty"])
def test_tiled_matmul_matches_torch(lab, case):
    """tiled_matmul equals torch.matmul for sizes that are multiples of the tile, sizes that are not
    (partial last blocks along every dimension), tiles larger than the matrix, and empty sizes."""
    shapes = {
        "multiples": [(64, 64, 64, 32), (96, 32, 64, 32), (16, 16, 16, 16)],
        "ragged": [(70, 45, 33, 16), (5, 300, 7, 16), (17, 19, 23, 8), (33, 1, 65, 32), (75, 31, 27, 10)],
        "tile-larger": [(3, 5, 4, 100), (9, 9, 9, 9), (1, 1, 1, 1), (2, 3, 4, 64)],
        "empty": [(0, 5, 3, 4), (4, 0, 3, 4), (4, 5, 0, 4)],
    }[case]
    g = torch.Generator().manual_seed(43)
    for device in DEVICES_HERE:
        for m, k, n, tile in shapes:
            a = torch.randn(m, k, generator=g, dtype=torch.float64)
            b = torch.randn(k, n, generator=g, dtype=torch.float64)
            for dtype, tol in [(torch.float64, 1e-12), (torch.float32, 1e-5)]:
                got = lab.tiled_matmul(a.to(device, dtype), b.to(device, dtype), tile)
                check(isinstance(got, torch.Tensor) and tuple(got.shape) == (m, n),
                      f"tiled_matmul of {(m, k)} @ {(k, n)} (tile {tile}) should be ({m}, {n})")
                check(got.dtype == dtype and got.device.type == device, f"dtype/device kept ({dtype}, {device})")
                want = exact_product(a.to(dtype), b.to(dtype))
                assert_close(got.double().cpu(), want, atol=tol * max(1, k), rtol=tol,
                             what=f"tiled_matmul {(m, k)} @ {(k, n)}, tile {tile}, {dtype} on {device}")
    check(torch.equal(lab.tiled_matmul(torch.ones(2, 3), torch.ones(3, 4)), torch.full((2, 4), 3.0)),
          "the default tile works")


@pytest.mark.points(4)
def test_tiled_matmul_accumulates_in_float32(lab):
    """Half-precision inputs: the partial products are summed in float32 and cast once (a float16
    running sum drifts by ~0.8 here); float64 inputs are summed in float64."""
    k = 4096
    for dtype in (torch.float16, torch.bfloat16):
        a = torch.ones(2, k, dtype=dtype)
        b = torch.full((k, 3), 0.01, dtype=dtype)
        b[:, 1] = 0.003
        for device in DEVICES_HERE:
            for tile in (16, 64):
                got = lab.tiled_matmul(a.to(device), b.to(device), tile)
                check(got.dtype == dtype, f"{dtype} inputs give a {dtype} result, got {got.dtype}")
                want = (a.float() @ b.float()).to(dtype)
                assert_close(got.float().cpu(), want.float(), atol=0.0, rtol=1e-2,
                             what=f"{dtype} tiled_matmul with k={k}, tile {tile} (summed in float32?)")
    g = torch.Generator().manual_seed(7)
    a = 1e8 + torch.rand(3, 512, generator=g, dtype=torch.float64)
    b = torch.rand(512, 2, generator=g, dtype=torch.float64)
    assert_close(lab.tiled_matmul(a, b, 32), a @ b, atol=0.0, rtol=1e-13,
                 what="float64 tiled_matmul of large values (summed in float64?)")


@pytest.mark.points(3)
def test_tiled_matmul_errors(lab):
    """ValueError for non-2-D inputs, inner sizes that differ, mixed or non-floating dtypes, tile < 1."""
    x = torch.ones(4, 4)
    bad = [
        (torch.ones(4), x, 2), (x, torch.ones(4), 2), (torch.ones(1, 4, 4), x, 2),
        (torch.ones(4, 3), x, 2), (torch.ones(4, 5), x, 2), (x, torch.ones(4, 4, dtype=torch.float64), 2),
        (torch.ones(4, 4, dtype=torch.int64), torch.ones(4, 4, dtype=torch.int64), 2),
        (x, x, 0), (x, x, -3),
    ]
    if HAS_CUDA:
        bad.append((x, x.cuda(), 2))
    for a, b, tile in bad:
        with pytest.raises(ValueError):
            lab.tiled_matmul(a, b, tile)


@pytest.mark.points(4)
def test_tiled_matmul_bytes(lab):
    """The schedule's traffic: a read ceil(n/t) times, b ceil(m/t) times, the output written once;
    equal to matmul_bytes once a tile covers the matrix; intensity grows with the tile."""
    for (m, n, k), tile, dtype in itertools.product([(100, 50, 30), (64, 64, 64), (7, 300, 5), (0, 4, 9), (1, 1, 1)],
                                                    [1, 16, 32, 1000], [torch.float32, "float16", torch.float64]):
        want = (m * k * -(-n // tile) + k * n * -(-m // tile) + m * n) * lab.dtype_size(dtype)
        got = lab.tiled_matmul_bytes(m, n, k, tile, dtype)
        check(got == want, f"tiled_matmul_bytes({m}, {n}, {k}, tile={tile}, {dtype}) = {got}")
    check(lab.tiled_matmul_bytes(2, 3, 4, 8) == 4 * (8 + 12 + 6), "the default dtype is float32")
    check(lab.tiled_matmul_bytes(300, 200, 100, 300) == lab.matmul_bytes(300, 200, 100),
          "a tile that covers the matrix moves the least traffic")
    flops = lab.matmul_flops(512, 512, 512)
    intensities = [flops / lab.tiled_matmul_bytes(512, 512, 512, t) for t in (1, 8, 32, 128, 512)]
    check(all(x < y for x, y in zip(intensities, intensities[1:])), "bigger tiles, higher intensity")
    for args in [(-1, 2, 2, 2), (2, -1, 2, 2), (2, 2, -1, 2), (2, 2, 2, 0), (2, 2, 2, -1)]:
        with pytest.raises(ValueError):
            lab.tiled_matmul_bytes(*args)


# ---- measurements and reports ----------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_measure_matmul(lab):
    """measure_matmul: 2n^3 FLOPs, GFLOP/s from its median, the dtype's name, default warmup 2 and repeats 5."""
    for dtype, name in [(torch.float32, "float32"), (torch.float64, "float64"), ("bfloat16", "bfloat16")]:
        calls = lab.workload_calls()
        got = lab.measure_matmul(40, dtype=dtype)
        check(lab.workload_calls() - calls == 7, "measure_matmul runs the workload warmup + repeats = 2 + 5 times")
        check(got["n"] == 40 and got["device"] == "cpu" and got["dtype"] == name, "n, device and dtype name echoed")
        check(got["flops"] == 2 * 40**3, "flops of an n x n matmul")
        assert_close(got["gflops"], 2 * 40**3 / got["median_s"] / 1e9, **REL, what="gflops")
    calls = lab.workload_calls()
    lab.measure_matmul(n=8, device="cpu", warmup=0, repeats=2)
    check(lab.workload_calls() - calls == 2, "warmup and repeats are passed on")


@pytest.mark.points(3)
def test_measure_bandwidth(lab):
    """measure_bandwidth: bytes read and written, GB/s from its median, each STREAM kernel and dtype."""
    for kernel, arrays in [("copy", 2), ("scale", 2), ("add", 3), ("triad", 3)]:
        for dtype, size in [(torch.float32, 4), ("float64", 8), (torch.bfloat16, 2)]:
            calls = lab.workload_calls()
            got = lab.measure_bandwidth(kernel, 3000, dtype=dtype, warmup=1, repeats=2)
            check(lab.workload_calls() - calls == 3, "warmup + repeats calls")
            check(got["bytes"] == arrays * 3000 * size, f"bytes moved by {kernel} in {dtype}")
            check(got["kernel"] == kernel and got["numel"] == 3000 and got["device"] == "cpu", "kernel, numel, device")
            assert_close(got["gb_per_s"], got["bytes"] / got["median_s"] / 1e9, **REL, what="gb_per_s")
    calls = lab.workload_calls()
    got = lab.measure_bandwidth(kernel="copy", numel=500)
    check(lab.workload_calls() - calls == 7 and got["bytes"] == 4000, "defaults: float32, warmup 2, repeats 5")
    for kernel in ("matmul", "sleep"):
        with pytest.raises(ValueError):
            lab.measure_bandwidth(kernel, 100)


@pytest.mark.points(2)
def test_thread_scaling_rows(lab):
    """thread_scaling: one row per thread count, the count in effect, GFLOP/s, speed-up relative to the first row."""
    calls = lab.workload_calls()
    rows = lab.thread_scaling(24)
    check(lab.workload_calls() - calls == 2 * 4, "default threads (1, 2), warmup 1, repeats 3")
    check([r["threads"] for r in rows] == [1, 2], "rows for threads 1 and 2 by default")
    for order in ([2, 1, 3], (3,)):
        rows = lab.thread_scaling(n=24, threads=order, warmup=0, repeats=2)
        check([r["threads"] for r in rows] == list(order), "one row per thread count, in the given order")
        for r in rows:
            check(r["torch_threads"] == r["threads"], "torch_threads should read the count actually set")
            assert_close(r["gflops"], 2 * 24**3 / r["median_s"] / 1e9, **REL, what="gflops")
            assert_close(r["speedup"], rows[0]["median_s"] / r["median_s"], **REL, what="speedup vs the first row")
        check(rows[0]["speedup"] == 1.0, "the first row's speed-up is 1.0")


@pytest.mark.points(3)
def test_thread_scaling_restores_threads(lab):
    """thread_scaling puts torch's thread count back as it was, and checks its arguments before changing anything."""
    torch_w = lab.get("torch")
    before = torch_w.get_num_threads()
    try:
        for setting in (3, 1):
            torch_w.set_num_threads(setting)
            lab.thread_scaling(16, (2, 4), warmup=0, repeats=1)
            check(torch_w.get_num_threads() == setting, "the thread count should be restored after thread_scaling")
            calls = lab.workload_calls()
            for bad in ([], [1, 0], [2, -1]):
                with pytest.raises(ValueError):
                    lab.thread_scaling(16, bad)
            check(torch_w.get_num_threads() == setting and lab.workload_calls() == calls,
                  "refused thread counts: nothing should run or change")
    finally:
        torch_w.set_num_threads(before)


@pytest.mark.points(4)
def test_device_table(lab):
    """device_table: GFLOP/s and speed-up against the cpu row of the same size, rows in the given order."""
    measurements = [
        {"device": "cpu", "n": 256, "median_s": 0.004, "dtype": "float32"},
        {"device": "cuda", "n": 256, "median_s": 0.0001},
        {"device": "cpu", "n": 1024, "median_s": 0.25},
        {"device": "cuda", "n": 1024, "median_s": 0.002},
        {"device": "mps", "n": 256, "median_s": 0.0005},
        {"device": "H200", "n": 1024, "median_s": 0.0008},
    ]
    rows = lab.device_table(measurements)
    check(len(rows) == 6, "one row per measurement")
    for row, m in zip(rows, measurements):
        check(set(row) == {"device", "n", "median_s", "gflops", "speedup"}, f"row keys {sorted(row)}")
        check(row["device"] == m["device"] and row["n"] == m["n"] and row["median_s"] == m["median_s"], "order kept")
        cpu = next(x["median_s"] for x in measurements if x["device"] == "cpu" and x["n"] == m["n"])
        assert_close(row["speedup"], cpu / m["median_s"], **REL, what=f"speedup of {m['device']} at n={m['n']}")
        assert_close(row["gflops"], 2 * m["n"] ** 3 / m["median_s"] / 1e9, **REL, what="gflops")
    for bad in ([{"device": "cuda", "n": 8, "median_s": 0.1}],
                [{"device": "cpu", "n": 8, "median_s": 0.1}, {"device": "cuda", "n": 16, "median_s": 0.1}],
                [{"device": "cpu", "n": 8, "median_s": 0.1}, {"device": "cpu", "n": 8, "median_s": 0.2}],
                [{"device": "cpu", "n": 8, "median_s": 0.0}]):
        with pytest.raises(ValueError):
            lab.device_table(bad)


@pytest.mark.points(3)
def test_compare_devices(lab):
    """compare_devices: cpu rows first, then each GPU here; sizes in order; errors for bad or unavailable devices."""
    calls = lab.workload_calls()
    rows = lab.compare_devices([32, 16], warmup=1, repeats=2)
    expected = [(d, n) for d in DEVICES_HERE + (["mps"] if HAS_MPS else []) for n in (32, 16)]
    check([(r["device"], r["n"]) for r in rows] == expected, "rows: cpu sizes first, then each available GPU's")
    check(lab.workload_calls() - calls == 3 * len(expected), "warmup + repeats calls per row")
    for r in rows:
        if r["device"] == "cpu":
            check(r["speedup"] == 1.0, "a cpu row's speed-up is 1.0")
        assert_close(r["gflops"], 2 * r["n"] ** 3 / r["median_s"] / 1e9, **REL, what="gflops")
    rows = lab.compare_devices((8,), [], dtype="float64", warmup=0, repeats=1)
    check([(r["device"], r["n"]) for r in rows] == [("cpu", 8)], "devices=[]: the cpu alone")
    calls = lab.workload_calls()
    rows = lab.compare_devices(sizes=[8], devices=["cpu"])
    check(len(rows) == 1 and lab.workload_calls() - calls == 7, "defaults warmup 2, repeats 5")
    if HAS_CUDA:
        rows = lab.compare_devices([64], ["cuda"], warmup=1, repeats=2)
        check([r["device"] for r in rows] == ["cpu", "cuda"], "the cpu comes first")
    calls = lab.workload_calls()
    for sizes, devices in [([8], ["gpu"]), ([8], ["cpu", "cpu"]), ([], None), ([8, 8], None), ([8], ["CPU"])]:
        with pytest.raises(ValueError):
            lab.compare_devices(sizes, devices)
    check(lab.workload_calls() == calls, "refused arguments: nothing should be measured")
    for name, here in (("cuda", HAS_CUDA), ("mps", HAS_MPS)):
        if not here:
            calls = lab.workload_calls()
            with pytest.raises(RuntimeError) as info:
                lab.compare_devices([8], ["cpu", name])
            check(not isinstance(info.value, NotImplementedError), f"{name} is not available here: RuntimeError")
            check(lab.workload_calls() == calls, "nothing is measured when a device is unavailable")


ROWS = [
    {"device": "cpu", "n": 1024, "median_s": 0.0123456, "gflops": 174.0, "speedup": 1.0, "note": None, "ok": True},
    {"n": 1024, "device": "cuda", "median_s": 2.5e-05, "gflops": 85899.34592, "speedup": 493.824, "note": "H200, bf16",
     "ok": False},
]


@pytest.mark.points(3)
def test_format_table_markdown(lab):
    """format_table Markdown: header, --- row, 4 significant digits for floats, empty None, the first row's key order."""
    got = lab.format_table(ROWS)
    check(got == md(ROWS), "the Markdown table differs from the format in the docstring")
    check(got.splitlines()[2].startswith("| cpu | 1024 | 0.01235 | 174 | 1 |  | True |"), "the first data row")
    small = [{"a": 0.5, "b": 1234567.0, "c": -3}]
    check(lab.format_table(small, fmt="markdown") == "| a | b | c |\n| --- | --- | --- |\n| 0.5 | 1.235e+06 | -3 |\n",
          "format_table of one row")


@pytest.mark.points(2)
def test_format_table_csv(lab):
    """format_table CSV: csv.writer rows, floats in full, None empty, quoting where needed, a final newline."""
    got = lab.format_table(ROWS, "csv")
    check(got == csv_text(ROWS), "the CSV text differs from csv.writer's")
    check(lab.format_table(ROWS, fmt="".join(["c", "sv"])) == got, "fmt compared by value")
    back = list(csv.reader(io.StringIO(got)))
    check(float(back[2][4]) == 493.824 and back[2][5] == "H200, bf16", "CSV values should read back exactly")
    check(lab.format_table([{"x": 1}], fmt="csv") == "x\n1\n", "one column, one row")


@pytest.mark.points(1)
def test_format_table_errors(lab):
    """format_table raises ValueError for no rows, rows with different keys or an unknown format."""
    check(lab.format_table([{"x": 1}]) == "| x |\n| --- |\n| 1 |\n", "the default format is Markdown")
    for rows, fmt in [([], "markdown"), ([{"a": 1}, {"b": 1}], "markdown"), ([{"a": 1}, {"a": 1, "b": 2}], "csv"),
                      ([{"a": 1}], "html"), ([{"a": 1}], "md")]:
        with pytest.raises(ValueError):
            lab.format_table(rows, fmt)


@pytest.mark.points(3)
def test_write_table(lab):
    """write_table writes Markdown to .md and CSV to .csv (any case), replaces files, returns the path."""
    for path, fmt in [("table.md", "markdown"), ("results.CSV", "csv"), ("out.Md", "markdown")]:
        for rows in (ROWS, ROWS[:1]):
            check(lab.write_table(rows, path) == path, "write_table returns the path")
            text = lab.get_file(path).decode("utf-8")
            expected = md(rows) if fmt == "markdown" else csv_text(rows)
            check(text == expected, f"the file {path} should hold the {fmt} table (and only it)")
    for path in ("table.txt", "table", "md"):
        with pytest.raises(ValueError):
            lab.write_table(ROWS, path)
