"""Lab 43: benchmarking devices (CPU, CUDA, MPS) honestly.

Four parts, each small:

* **devices**: which accelerators this machine has and which one to use
  (``cuda`` before ``mps`` before ``cpu``), with a pure decision function
  :func:`choose_device` that can be tested on any machine;
* **timing**: a harness that warms up, synchronises the device before it
  reads the clock, repeats and reports the median, built on
  ``time.perf_counter``, and the same measurement with
  ``torch.utils.benchmark``;
* **analysis**: FLOPs and bytes moved by a matmul and by STREAM-like
  kernels, arithmetic intensity, the roofline and its ridge point, and
  rates (GFLOP/s, GB/s) from measured times;
* **tiling**: a matmul computed tile by tile, as a GPU kernel stages tiles
  in fast memory, and the memory traffic of that schedule (bigger tiles,
  higher intensity); the tiled matmul is the lab's timed kernel;
* **reports**: CPU thread scaling, a CPU vs GPU table, and a writer for that
  table as Markdown or CSV.

Conventions
-----------
* A *device* is one of the strings ``"cuda"``, ``"mps"``, ``"cpu"``.
* Times are in **seconds**. A GB is ``10**9`` bytes and a GFLOP ``10**9``
  floating-point operations (decimal units, as vendors quote peaks; a GiB,
  ``2**30`` bytes, is about 7 % larger).
* A multiply-add counts as **two** FLOPs.
* A *dtype* is a floating ``torch.dtype`` (``torch.float16``,
  ``torch.bfloat16``, ``torch.float32``, ``torch.float64``) or its name as a
  string (``"float32"``); :func:`dtype_size` also accepts any other torch
  dtype.
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import torch
import torch.utils.benchmark as tbench

DEVICES = ("cuda", "mps", "cpu")
WORKLOADS = ("matmul", "copy", "scale", "add", "triad", "sleep")
STREAM_KERNELS = ("copy", "scale", "add", "triad")

# arrays read + arrays written, and FLOPs, per element of each STREAM kernel
_STREAM = {"copy": (2, 0), "scale": (2, 1), "add": (3, 1), "triad": (3, 2)}
_FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_SYNC = {"cuda": lambda: torch.cuda.synchronize(), "mps": lambda: torch.mps.synchronize(), "cpu": lambda: None}
_COUNTS: Counter[str] = Counter()  # "sync" and "workload" calls


# ---- devices ---------------------------------------------------------------------------------------------------


def available_devices() -> dict[str, bool]:
    """Which devices this process can use: ``{"cuda": ..., "mps": ..., "cpu": True}``.

    ``"cuda"`` is ``torch.cuda.is_available()``, ``"mps"`` is
    ``torch.backends.mps.is_available()`` (Apple GPUs), ``"cpu"`` is always
    True. The keys come in this order.
    """
    return {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}


def choose_device(available: Mapping[str, bool], preferred: str | None = None) -> str:
    """The device to use, given which devices are available (a pure function).

    Args:
        available: device name -> whether it is available. A device missing
            from the mapping counts as unavailable; other keys are ignored.
        preferred: None or ``"auto"``: the first available device in the
            order ``"cuda"``, ``"mps"``, ``"cpu"``. Otherwise one of those
            three names, matched case-insensitively and ignoring surrounding
            spaces (``" CUDA"`` is ``"cuda"``): that device.

    Returns:
        The device name, lower-case.

    Raises:
        ValueError: ``preferred`` is not None, ``"auto"`` or a known device
            name (``"tpu"``, ``"gpu"``, ``"cuda:0"``, ``""``).
        RuntimeError: the preferred device is not available, or (automatic
            choice) no device is available; the message names the device.
    """
    if preferred is not None:
        preferred = preferred.strip().lower()
    if preferred is None or preferred == "auto":
        for device in DEVICES:
            if available.get(device, False):
                return device
        raise RuntimeError("no device is available (not even the cpu)")
    if preferred not in DEVICES:
        raise ValueError(f"unknown device {preferred!r}: expected one of {DEVICES} or 'auto'")
    if not available.get(preferred, False):
        raise RuntimeError(f"device {preferred!r} was requested but is not available")
    return preferred


def select_device(preferred: str | None = None) -> str:
    """:func:`choose_device` applied to this machine's :func:`available_devices`.

    ``select_device()`` is ``"cuda"`` on a machine with an NVIDIA GPU and
    ``"cpu"`` on one without a GPU; ``select_device("cpu")`` is always
    ``"cpu"``. Same errors as :func:`choose_device` (a RuntimeError for
    ``select_device("cuda")`` on a machine without CUDA).
    """
    return choose_device(available_devices(), preferred)


def synchronize(device: str) -> None:
    """Wait until every operation queued on ``device`` has finished.

    GPU kernels run asynchronously: a call returns as soon as the work is
    queued, so a clock read right after it measures the launch, not the
    work. ``"cuda"`` calls ``torch.cuda.synchronize()``, ``"mps"``
    ``torch.mps.synchronize()``, and ``"cpu"`` does nothing (CPU operations
    have finished when they return).

    Every call, on every device, adds one to :func:`sync_count`.

    Raises:
        ValueError: ``device`` is not ``"cuda"``, ``"mps"`` or ``"cpu"``
            (the count is then unchanged).
    """
    if device not in _SYNC:
        raise ValueError(f"unknown device {device!r}")
    _COUNTS["sync"] += 1
    _SYNC[device]()


def sync_count() -> int:
    """How many times :func:`synchronize` has been called in this process (it never resets)."""
    return _COUNTS["sync"]


# ---- workloads -------------------------------------------------------------------------------------------------


def _float_dtype(dtype: torch.dtype | str) -> torch.dtype:
    dtype = _as_dtype(dtype)
    if dtype not in _FLOATS:
        raise ValueError(f"workloads need a floating dtype, got {dtype}")
    return dtype


def _as_dtype(dtype: torch.dtype | str) -> torch.dtype:
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype.removeprefix("torch."), None)
    if not isinstance(dtype, torch.dtype):
        raise ValueError(f"not a torch dtype: {dtype!r}")
    return dtype


def make_workload(
    workload: str, n: int, *, device: str = "cpu", dtype: torch.dtype | str = torch.float32
) -> Callable[[], torch.Tensor | None]:
    """A function of no arguments that runs one piece of work, for the timers.

    The inputs are made once, here, on ``device`` with ``dtype`` (values from
    ``torch.rand``, in ``[0, 1)``; the output buffer preallocated), so that
    each call does only the work itself:

    ============  ===========================================  ===============
    workload      one call computes                            returns
    ============  ===========================================  ===============
    ``"matmul"``  ``a @ b`` with ``a``, ``b`` of shape (n, n)  the (n, n) product
    ``"copy"``    ``out = x`` (``out.copy_(x)``), n elements   ``out``
    ``"scale"``   ``out = 3 * x``                              ``out``
    ``"add"``     ``out = x + y``                              ``out``
    ``"triad"``   ``out = x + 3 * y``                          ``out``
    ``"sleep"``   ``time.sleep(n / 1e6)``: n microseconds      None
    ============  ===========================================  ===============

    (``"sleep"`` makes no tensors; it is a workload whose duration is known.)
    Every call of a returned function adds one to :func:`workload_calls`.

    Raises:
        ValueError: an unknown ``workload``; ``n < 1`` (``n < 0`` for
            ``"sleep"``); a dtype that is not one of the four floating ones.
    """
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r}: expected one of {WORKLOADS}")
    if workload == "sleep":
        if n < 0:
            raise ValueError("a sleep needs n >= 0 microseconds")

        def run() -> None:
            _COUNTS["workload"] += 1
            time.sleep(n * 1e-6)

        return run
    if n < 1:
        raise ValueError(f"a {workload} workload needs n >= 1")
    dtype = _float_dtype(dtype)
    shape = (n, n) if workload == "matmul" else (n,)
    x = torch.rand(shape, device=device, dtype=dtype)
    y = torch.rand(shape, device=device, dtype=dtype)
    out = torch.empty(shape, device=device, dtype=dtype)
    ops = {
        "matmul": lambda: torch.matmul(x, y, out=out),
        "copy": lambda: out.copy_(x),
        "scale": lambda: torch.mul(x, 3.0, out=out),
        "add": lambda: torch.add(x, y, out=out),
        "triad": lambda: torch.add(x, y, alpha=3.0, out=out),
    }
    op = ops[workload]

    def run() -> torch.Tensor:
        _COUNTS["workload"] += 1
        return op()

    return run


def workload_calls() -> int:
    """How many times functions made by :func:`make_workload` have been called in this process (never resets)."""
    return _COUNTS["workload"]


# ---- timing ----------------------------------------------------------------------------------------------------


def benchmark(fn: Callable[[], object], *, device: str = "cpu", warmup: int = 3, repeats: int = 10) -> dict:
    """Time ``fn()`` with ``time.perf_counter``: warm up, synchronise, repeat, take the median.

    The protocol, exactly:

    1. call ``fn()`` ``warmup`` times, untimed (first calls pay for memory
       allocation, kernel selection, caches, lazy initialisation);
    2. ``synchronize(device)`` once, so that the warm-up work has finished
       before the first clock read (also when ``warmup == 0``);
    3. ``repeats`` times: read the clock, call ``fn()``,
       ``synchronize(device)``, read the clock; the difference is one time.

    So ``fn`` is called exactly ``warmup + repeats`` times and
    :func:`synchronize` exactly ``repeats + 1`` times.

    Returns:
        ``{"median_s": float, "min_s": float, "times": list[float]}``: the
        ``repeats`` times in seconds, in the order measured (warm-up calls
        are not in it), their median (for an even count, the mean of the
        two middle values, as ``statistics.median``) and their minimum.

    Raises:
        ValueError: ``warmup < 0``, ``repeats < 1`` or an unknown ``device``
            (before ``fn`` is called).
    """
    if warmup < 0 or repeats < 1:
        raise ValueError("need warmup >= 0 and repeats >= 1")
    if device not in DEVICES:
        raise ValueError(f"unknown device {device!r}")
    for _ in range(warmup):
        fn()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return {"median_s": statistics.median(times), "min_s": min(times), "times": times}


def time_workload(
    workload: str,
    n: int,
    *,
    device: str = "cpu",
    dtype: torch.dtype | str = torch.float32,
    warmup: int = 3,
    repeats: int = 10,
) -> dict:
    """:func:`benchmark` of ``make_workload(workload, n, device=device, dtype=dtype)``.

    Returns:
        :func:`benchmark`'s dict plus ``"workload"``, ``"n"`` and
        ``"device"`` (the arguments).

    Raises:
        ValueError: as :func:`make_workload` and :func:`benchmark`.
    """
    fn = make_workload(workload, n, device=device, dtype=dtype)
    return {**benchmark(fn, device=device, warmup=warmup, repeats=repeats),
            "workload": workload, "n": n, "device": device}


def timer_measurement(
    workload: str,
    n: int,
    *,
    device: str = "cpu",
    dtype: torch.dtype | str = torch.float32,
    min_run_time: float = 0.05,
) -> dict:
    """The same workload timed by ``torch.utils.benchmark.Timer`` (the library's harness).

    Build ``fn = make_workload(...)`` and
    ``Timer(stmt="fn()", globals={"fn": fn})``, then call
    ``blocked_autorange(min_run_time=min_run_time)``: it picks how many calls
    to run per block so that the clock's overhead does not matter,
    synchronises CUDA itself, and returns a ``Measurement``.

    Returns:
        ``{"median_s": m.median, "mean_s": m.mean, "number_per_run":
        m.number_per_run, "runs": len(m.times)}``: seconds per call of
        ``fn``, the calls per block and the number of blocks.

    Raises:
        ValueError: as :func:`make_workload`; ``min_run_time <= 0``.
    """
    if min_run_time <= 0:
        raise ValueError("min_run_time must be positive")
    fn = make_workload(workload, n, device=device, dtype=dtype)
    m = tbench.Timer(stmt="fn()", globals={"fn": fn}).blocked_autorange(min_run_time=min_run_time)
    return {"median_s": m.median, "mean_s": m.mean, "number_per_run": m.number_per_run, "runs": len(m.times)}


# ---- analysis --------------------------------------------------------------------------------------------------


def dtype_size(dtype: torch.dtype | str) -> int:
    """Bytes per element of a torch dtype (or of its name: ``"bfloat16"`` or ``"torch.bfloat16"``).

    ``float64`` 8, ``float32`` 4, ``float16`` and ``bfloat16`` 2, ``int8`` 1,
    ``bool`` 1, and so on for every torch dtype.

    Raises:
        ValueError: a string that names no torch dtype, or anything else
            that is not a dtype.
    """
    dtype = _as_dtype(dtype)
    return torch.empty((), dtype=dtype).element_size()


def _check_counts(*counts: int) -> None:
    if any(c < 0 for c in counts):
        raise ValueError("sizes must be >= 0")


def matmul_flops(m: int, n: int, k: int, batch: int = 1) -> int:
    """FLOPs of ``batch`` products of an (m, k) by a (k, n) matrix: ``2 * batch * m * n * k``.

    Each of the ``m * n`` outputs is a dot product of length ``k``: ``k``
    multiplications and ``k`` additions (a multiply-add is two FLOPs).

    Raises:
        ValueError: a negative argument (0 is allowed and gives 0).
    """
    _check_counts(m, n, k, batch)
    return 2 * batch * m * n * k


def matmul_bytes(m: int, n: int, k: int, dtype: torch.dtype | str = torch.float32) -> int:
    """The least memory traffic of an (m, k) @ (k, n) product: read both inputs, write the output once.

    ``(m * k + k * n + m * n) * dtype_size(dtype)`` bytes.

    Raises:
        ValueError: a negative size, or a bad dtype (as :func:`dtype_size`).
    """
    _check_counts(m, n, k)
    return (m * k + k * n + m * n) * dtype_size(dtype)


def stream_bytes(kernel: str, numel: int, dtype: torch.dtype | str = torch.float32) -> int:
    """Bytes a STREAM-like kernel over ``numel`` elements moves: reads **and** writes.

    ==========  =================  ============================
    kernel      computes           arrays moved (read + write)
    ==========  =================  ============================
    ``copy``    ``out = x``        2 (x read, out written)
    ``scale``   ``out = s * x``    2
    ``add``     ``out = x + y``    3 (x and y read, out written)
    ``triad``   ``out = x + s*y``  3
    ==========  =================  ============================

    Returns ``arrays * numel * dtype_size(dtype)``.

    Raises:
        ValueError: an unknown kernel, ``numel < 0``, or a bad dtype.
    """
    if kernel not in _STREAM:
        raise ValueError(f"unknown kernel {kernel!r}: expected one of {STREAM_KERNELS}")
    _check_counts(numel)
    return _STREAM[kernel][0] * numel * dtype_size(dtype)


def stream_flops(kernel: str, numel: int) -> int:
    """FLOPs of a STREAM-like kernel: ``copy`` 0, ``scale`` and ``add`` 1, ``triad`` 2 per element.

    Raises:
        ValueError: an unknown kernel or ``numel < 0``.
    """
    if kernel not in _STREAM:
        raise ValueError(f"unknown kernel {kernel!r}: expected one of {STREAM_KERNELS}")
    _check_counts(numel)
    return _STREAM[kernel][1] * numel


def arithmetic_intensity(flops: float, bytes_moved: float) -> float:
    """FLOPs per byte moved: ``flops / bytes_moved`` (a float; 0.0 for a copy).

    Raises:
        ValueError: ``flops < 0`` or ``bytes_moved <= 0``.
    """
    if flops < 0 or bytes_moved <= 0:
        raise ValueError("need flops >= 0 and bytes_moved > 0")
    return flops / bytes_moved


def roofline(intensity: float, peak_flops: float, peak_bandwidth: float) -> float:
    """Attainable FLOP/s of a kernel with this arithmetic intensity: ``min(peak_flops, intensity * peak_bandwidth)``.

    Args:
        intensity: FLOPs per byte (>= 0).
        peak_flops: the device's peak, FLOP/s (> 0).
        peak_bandwidth: the device's memory bandwidth, bytes/s (> 0).

    Below the ridge point the memory system limits the kernel (the sloped
    roof); above it the arithmetic units do (the flat roof).

    Raises:
        ValueError: ``intensity < 0``, ``peak_flops <= 0`` or ``peak_bandwidth <= 0``.
    """
    if intensity < 0 or peak_flops <= 0 or peak_bandwidth <= 0:
        raise ValueError("need intensity >= 0 and positive peaks")
    return min(peak_flops, intensity * peak_bandwidth)


def ridge_point(peak_flops: float, peak_bandwidth: float) -> float:
    """The intensity (FLOPs/byte) where the two roofs meet: ``peak_flops / peak_bandwidth``.

    Raises:
        ValueError: ``peak_flops <= 0`` or ``peak_bandwidth <= 0``.
    """
    if peak_flops <= 0 or peak_bandwidth <= 0:
        raise ValueError("peaks must be positive")
    return peak_flops / peak_bandwidth


def bound_by(intensity: float, peak_flops: float, peak_bandwidth: float) -> str:
    """``"memory"`` when ``intensity`` is below the ridge point, ``"compute"`` at or above it.

    Raises:
        ValueError: as :func:`roofline`.
    """
    if intensity < 0:
        raise ValueError("intensity must be >= 0")
    return "memory" if intensity < ridge_point(peak_flops, peak_bandwidth) else "compute"


def _check_seconds(seconds: float) -> None:
    if seconds <= 0:
        raise ValueError("seconds must be positive")


def gflops_per_s(flops: float, seconds: float) -> float:
    """Throughput in GFLOP/s: ``flops / seconds / 1e9``.

    Raises:
        ValueError: ``seconds <= 0`` or ``flops < 0``.
    """
    _check_seconds(seconds)
    _check_counts(flops)
    return flops / seconds / 1e9


def gb_per_s(bytes_moved: float, seconds: float) -> float:
    """Bandwidth in GB/s with decimal GB: ``bytes_moved / seconds / 1e9`` (not GiB, ``2**30``).

    Raises:
        ValueError: ``seconds <= 0`` or ``bytes_moved < 0``.
    """
    _check_seconds(seconds)
    _check_counts(bytes_moved)
    return bytes_moved / seconds / 1e9


# ---- tiling ----------------------------------------------------------------------------------------------------


def _accumulator(dtype: torch.dtype) -> torch.dtype:
    return torch.float64 if dtype == torch.float64 else torch.float32


def tiled_matmul(a: torch.Tensor, b: torch.Tensor, tile: int = 64) -> torch.Tensor:
    """``a @ b`` computed tile by tile, as a GPU kernel stages tiles in fast memory.

    ``a`` is (m, k) and ``b`` is (k, n), of the same floating dtype on the
    same device. The (m, n) result
    is cut into ``tile x tile`` blocks; block ``(i, j)`` is the sum over
    ``p`` of ``a[i-block, p-block] @ b[p-block, j-block]``, where the last
    block along each dimension is smaller when the size is not a multiple of
    ``tile``. The sum is **accumulated in float32** (float64 for float64
    inputs), each partial product included, and cast to the input dtype once
    per block at the end, so float16/bfloat16 inputs lose no precision across
    the ``ceil(k / tile)`` partial sums. ``k == 0`` gives zeros; ``m`` or
    ``n == 0`` an empty result.

    Returns:
        A new (m, n) tensor of ``a``'s dtype on ``a``'s device.

    Raises:
        ValueError: ``a`` or ``b`` not 2-D; ``a.shape[1] != b.shape[0]``;
            different dtypes or devices; a dtype that is not floating;
            ``tile < 1``.
    """
    if a.dim() != 2 or b.dim() != 2:
        raise ValueError(f"tiled_matmul needs 2-D matrices, got {a.dim()}-D and {b.dim()}-D")
    (m, k), (k2, n) = a.shape, b.shape
    if k != k2:
        raise ValueError(f"inner sizes differ: a is {tuple(a.shape)}, b is {tuple(b.shape)}")
    if a.dtype != b.dtype or a.device != b.device:
        raise ValueError(f"a and b differ: {a.dtype} on {a.device} vs {b.dtype} on {b.device}")
    if a.dtype not in _FLOATS:
        raise ValueError(f"tiled_matmul needs a floating dtype, got {a.dtype}")
    if tile < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    acc = _accumulator(a.dtype)
    out = torch.empty((m, n), dtype=a.dtype, device=a.device)
    block = torch.empty((min(tile, m), min(tile, n)), dtype=acc, device=a.device)
    for i in range(0, m, tile):
        for j in range(0, n, tile):
            c = block[: min(tile, m - i), : min(tile, n - j)]
            c.zero_()
            for p in range(0, k, tile):
                c.addmm_(a[i : i + tile, p : p + tile].to(acc), b[p : p + tile, j : j + tile].to(acc))
            out[i : i + tile, j : j + tile] = c
    return out


def tiled_matmul_bytes(m: int, n: int, k: int, tile: int, dtype: torch.dtype | str = torch.float32) -> int:
    """Memory traffic of :func:`tiled_matmul`'s schedule, in bytes.

    Fast memory holds one output block at a time: for each of the
    ``ceil(m / tile) * ceil(n / tile)`` output blocks, every a-block of its
    block row and every b-block of its block column is read once, and the
    block is written once. So ``a`` is read ``ceil(n / tile)`` times, ``b``
    ``ceil(m / tile)`` times and the output written once::

        (m * k * ceil(n / tile) + k * n * ceil(m / tile) + m * n) * dtype_size(dtype)

    With ``tile >= max(m, n)`` this is :func:`matmul_bytes`; the intensity
    ``matmul_flops / tiled_matmul_bytes`` grows with the tile.

    Raises:
        ValueError: a negative size, ``tile < 1``, or a bad dtype (as :func:`dtype_size`).
    """
    _check_counts(m, n, k)
    if tile < 1:
        raise ValueError(f"tile must be >= 1, got {tile}")
    row_blocks, col_blocks = -(-m // tile), -(-n // tile)
    return (m * k * col_blocks + k * n * row_blocks + m * n) * dtype_size(dtype)


# ---- measurements and reports ----------------------------------------------------------------------------------


def measure_matmul(
    n: int,
    *,
    device: str = "cpu",
    dtype: torch.dtype | str = torch.float32,
    warmup: int = 2,
    repeats: int = 5,
) -> dict:
    """Time an (n, n) @ (n, n) matmul with :func:`time_workload` and report its throughput.

    Returns:
        ``{"device": device, "dtype": name, "n": n, "flops":
        matmul_flops(n, n, n), "median_s": ..., "gflops":
        gflops_per_s(flops, median_s)}``, where ``name`` is the dtype's name
        without ``"torch."`` (``"float32"``).

    Raises:
        ValueError: as :func:`time_workload`.
    """
    timing = time_workload("matmul", n, device=device, dtype=dtype, warmup=warmup, repeats=repeats)
    flops = matmul_flops(n, n, n)
    return {"device": device, "dtype": str(_as_dtype(dtype)).removeprefix("torch."), "n": n, "flops": flops,
            "median_s": timing["median_s"], "gflops": gflops_per_s(flops, timing["median_s"])}


def measure_bandwidth(
    kernel: str,
    numel: int,
    *,
    device: str = "cpu",
    dtype: torch.dtype | str = torch.float32,
    warmup: int = 2,
    repeats: int = 5,
) -> dict:
    """Time a STREAM-like kernel with :func:`time_workload` and report its bandwidth.

    Returns:
        ``{"kernel": kernel, "device": device, "numel": numel, "bytes":
        stream_bytes(kernel, numel, dtype), "median_s": ..., "gb_per_s":
        gb_per_s(bytes, median_s)}``.

    Raises:
        ValueError: ``kernel`` is not a STREAM kernel, or as :func:`time_workload`.
    """
    moved = stream_bytes(kernel, numel, dtype)
    timing = time_workload(kernel, numel, device=device, dtype=dtype, warmup=warmup, repeats=repeats)
    return {"kernel": kernel, "device": device, "numel": numel, "bytes": moved,
            "median_s": timing["median_s"], "gb_per_s": gb_per_s(moved, timing["median_s"])}


def thread_scaling(n: int, threads: Sequence[int] = (1, 2), *, warmup: int = 1, repeats: int = 3) -> list[dict]:
    """Matmul throughput on the CPU at several ``torch.set_num_threads`` settings.

    For each ``t`` in ``threads``, in order: ``torch.set_num_threads(t)``,
    then :func:`measure_matmul` ``(n, device="cpu", warmup=warmup,
    repeats=repeats)``. Afterwards, also when a measurement raises, the
    thread count is put back to what ``torch.get_num_threads()`` was
    before the call.

    Returns:
        One row per entry of ``threads``: ``{"threads": t, "torch_threads":
        torch.get_num_threads() read just after setting it, "median_s": ...,
        "gflops": ..., "speedup": rows[0]["median_s"] / median_s}`` (the
        first row's speedup is 1.0; more than 1 means faster than with
        ``threads[0]``).

    Raises:
        ValueError: ``threads`` is empty or holds a count below 1 (checked
            before anything runs or changes), or as :func:`measure_matmul`.
    """
    threads = list(threads)
    if not threads or min(threads) < 1:
        raise ValueError("threads must be a non-empty list of counts >= 1")
    before = torch.get_num_threads()
    rows = []
    try:
        for t in threads:
            torch.set_num_threads(t)
            used = torch.get_num_threads()
            got = measure_matmul(n, device="cpu", warmup=warmup, repeats=repeats)
            rows.append({"threads": t, "torch_threads": used, "median_s": got["median_s"], "gflops": got["gflops"]})
    finally:
        torch.set_num_threads(before)
    for row in rows:
        row["speedup"] = rows[0]["median_s"] / row["median_s"]
    return rows


def device_table(measurements: Sequence[Mapping]) -> list[dict]:
    """Turn matmul timings on several devices into a CPU vs accelerator table (a pure function).

    Args:
        measurements: dicts with at least ``"device"``, ``"n"`` and
            ``"median_s"`` (seconds, > 0), for instance from
            :func:`measure_matmul`; other keys are ignored. A device is any
            label (``"cuda"``, ``"cuda:1"``, ``"H200"``, ``"mps"``);
            ``"cpu"`` marks the baseline.

    Returns:
        One row per measurement, in the given order: ``{"device", "n",
        "median_s", "gflops": gflops_per_s(matmul_flops(n, n, n), median_s),
        "speedup": cpu_median_s / median_s}``, where ``cpu_median_s`` is
        the median of the ``"cpu"`` measurement with the same ``n`` (so CPU
        rows have speedup 1.0 and a GPU twice as fast as the CPU 2.0).

    Raises:
        ValueError: an ``n`` with no ``"cpu"`` measurement, or two ``"cpu"``
            measurements for the same ``n``, or a ``median_s <= 0``.
    """
    cpu: dict[int, float] = {}
    for m in measurements:
        if m["device"] == "cpu":
            if m["n"] in cpu:
                raise ValueError(f"two cpu measurements for n={m['n']}")
            cpu[m["n"]] = m["median_s"]
    rows = []
    for m in measurements:
        if m["n"] not in cpu:
            raise ValueError(f"no cpu measurement for n={m['n']}")
        seconds = m["median_s"]
        rows.append({"device": m["device"], "n": m["n"], "median_s": seconds,
                     "gflops": gflops_per_s(matmul_flops(m["n"], m["n"], m["n"]), seconds),
                     "speedup": cpu[m["n"]] / seconds})
    return rows


def compare_devices(
    sizes: Sequence[int],
    devices: Sequence[str] | None = None,
    *,
    dtype: torch.dtype | str = torch.float32,
    warmup: int = 2,
    repeats: int = 5,
) -> list[dict]:
    """Measure matmuls of each size on each device and build :func:`device_table`'s table.

    Args:
        sizes: matrix sizes ``n`` (each measured with :func:`measure_matmul`).
        devices: the devices to compare, exact lower-case names; None
            means ``"cpu"`` followed by every available accelerator in the
            order ``"cuda"``, ``"mps"`` (so on a machine without a GPU, CPU
            rows only). ``"cpu"`` is always measured (added first when
            missing).

    Returns:
        :func:`device_table` of the measurements, ordered by device (in the
        order above, or the given order after a prepended ``"cpu"``), then
        by size in the given order.

    Raises:
        ValueError: an unknown device name, a repeated device or size, or
            an empty ``sizes``.
        RuntimeError: a requested device that is not available.

        Both are raised before anything is measured.
    """
    sizes = list(sizes)
    if not sizes or len(set(sizes)) != len(sizes):
        raise ValueError("sizes must be non-empty and without repeats")
    available = available_devices()
    if devices is None:
        devices = [d for d in ("cuda", "mps") if available[d]]
    devices = list(devices)
    if any(d not in DEVICES for d in devices):
        raise ValueError(f"unknown device in {devices}: expected names from {DEVICES}")
    devices = [choose_device(available, d) for d in devices]
    if len(set(devices)) != len(devices):
        raise ValueError("repeated device")
    if "cpu" not in devices:
        devices = ["cpu", *devices]
    measured = [measure_matmul(n, device=d, dtype=dtype, warmup=warmup, repeats=repeats)
                for d in devices for n in sizes]
    return device_table(measured)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_table(rows: Sequence[Mapping], fmt: str = "markdown") -> str:
    """Render rows (dicts with the same keys) as a Markdown or CSV table.

    The columns are the first row's keys, in its order (a later row's key
    order does not matter).

    ``fmt="markdown"``: a header line ``| key1 | key2 |``, then
    ``| --- | --- |`` (one ``---`` per column), then one line per row
    ``| cell1 | cell2 |``. A cell is ``f"{v:.4g}"`` for a float, ``""`` for
    None, ``str(v)`` for anything else (ints, strings, bools). Cells are
    separated by ``" | "``, lines start with ``"| "`` and end with ``" |"``.

    ``fmt="csv"``: the header and the rows written by ``csv.writer`` with
    ``lineterminator="\\n"``: floats in full (``str(v)``, so they read back
    exactly), None as an empty field, text quoted only where it must be.

    Both end with a newline after the last row.

    Raises:
        ValueError: no rows, rows whose key sets differ, or a ``fmt`` other
            than ``"markdown"`` and ``"csv"``.
    """
    if fmt not in ("markdown", "csv"):
        raise ValueError(f"unknown format {fmt!r}")
    if not rows:
        raise ValueError("no rows")
    keys = list(rows[0])
    if any(set(row) != set(keys) for row in rows):
        raise ValueError("every row needs the same keys")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(keys)
        writer.writerows([row[k] for k in keys] for row in rows)
        return buf.getvalue()
    lines = [keys, ["---"] * len(keys)] + [[_cell(row[k]) for k in keys] for row in rows]
    return "".join("| " + " | ".join(map(str, line)) + " |\n" for line in lines)


def write_table(rows: Sequence[Mapping], path: str) -> str:
    """Write :func:`format_table` to ``path``: Markdown for a ``.md`` file, CSV for a ``.csv`` file.

    The suffix is matched case-insensitively. The file is written as UTF-8
    (replaced if it exists).

    Returns:
        ``path``, unchanged.

    Raises:
        ValueError: any other suffix (nothing is written), or as :func:`format_table`.
    """
    suffix = os.path.splitext(path)[1].lower()
    fmts = {".md": "markdown", ".csv": "csv"}
    if suffix not in fmts:
        raise ValueError(f"cannot tell the format of {path!r}: use .md or .csv")
    text = format_table(rows, fmts[suffix])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return path
