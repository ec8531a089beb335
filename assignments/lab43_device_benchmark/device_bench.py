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

import csv  # noqa: F401
import io  # noqa: F401
import os  # noqa: F401
import statistics  # noqa: F401
import time  # noqa: F401
from collections.abc import Callable, Mapping, Sequence

import torch
import torch.utils.benchmark as tbench  # noqa: F401

DEVICES = ("cuda", "mps", "cpu")
WORKLOADS = ("matmul", "copy", "scale", "add", "triad", "sleep")
STREAM_KERNELS = ("copy", "scale", "add", "triad")

# Keep two counters at module level (a dict, or globals): how many times
# synchronize() ran and how many times a function made by make_workload()
# ran. sync_count() and workload_calls() read them.


# ---- devices ---------------------------------------------------------------------------------------------------


def available_devices() -> dict[str, bool]:
    """Which devices this process can use: ``{"cuda": ..., "mps": ..., "cpu": True}``.

    ``"cuda"`` is ``torch.cuda.is_available()``, ``"mps"`` is
    ``torch.backends.mps.is_available()`` (Apple GPUs), ``"cpu"`` is always
    True. The keys come in this order.
    """
    raise NotImplementedError("TODO: available_devices")


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
    raise NotImplementedError("TODO: choose_device")


def select_device(preferred: str | None = None) -> str:
    """:func:`choose_device` applied to this machine's :func:`available_devices`.

    ``select_device()`` is ``"cuda"`` on a machine with an NVIDIA GPU and
    ``"cpu"`` on one without a GPU; ``select_device("cpu")`` is always
    ``"cpu"``. Same errors as :func:`choose_device` (a RuntimeError for
    ``select_device("cuda")`` on a machine without CUDA).
    """
    raise NotImplementedError("TODO: select_device")


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
    raise NotImplementedError("TODO: synchronize")


def sync_count() -> int:
    """How many times :func:`synchronize` has been called in this process (it never resets)."""
    raise NotImplementedError("TODO: sync_count")


# ---- workloads -------------------------------------------------------------------------------------------------


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
    raise NotImplementedError("TODO: make_workload")


def workload_calls() -> int:
    """How many times functions made by :func:`make_workload` have been called in this process (never resets)."""
    raise NotImplementedError("TODO: workload_calls")


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
    raise NotImplementedError("TODO: benchmark")


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
    raise NotImplementedError("TODO: time_workload")


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
    raise NotImplementedError("TODO: timer_measurement")


# ---- analysis --------------------------------------------------------------------------------------------------


def dtype_size(dtype: torch.dtype | str) -> int:
    """Bytes per element of a torch dtype (or of its name: ``"bfloat16"`` or ``"torch.bfloat16"``).

    ``float64`` 8, ``float32`` 4, ``float16`` and ``bfloat16`` 2, ``int8`` 1,
    ``bool`` 1, and so on for every torch dtype.

    Raises:
        ValueError: a string that names no torch dtype, or anything else
            that is not a dtype.
    """
    raise NotImplementedError("TODO: dtype_size")


def matmul_flops(m: int, n: int, k: int, batch: int = 1) -> int:
    """FLOPs of ``batch`` products of an (m, k) by a (k, n) matrix: ``2 * batch * m * n * k``.

    Each of the ``m * n`` outputs is a dot product of length ``k``: ``k``
    multiplications and ``k`` additions (a multiply-add is two FLOPs).

    Raises:
        ValueError: a negative argument (0 is allowed and gives 0).
    """
    raise NotImplementedError("TODO: matmul_flops")


def matmul_bytes(m: int, n: int, k: int, dtype: torch.dtype | str = torch.float32) -> int:
    """The least memory traffic of an (m, k) @ (k, n) product: read both inputs, write the output once.

    ``(m * k + k * n + m * n) * dtype_size(dtype)`` bytes.

    Raises:
        ValueError: a negative size, or a bad dtype (as :func:`dtype_size`).
    """
    raise NotImplementedError("TODO: matmul_bytes")


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
    raise NotImplementedError("TODO: stream_bytes")


def stream_flops(kernel: str, numel: int) -> int:
    """FLOPs of a STREAM-like kernel: ``copy`` 0, ``scale`` and ``add`` 1, ``triad`` 2 per element.

    Raises:
        ValueError: an unknown kernel or ``numel < 0``.
    """
    raise NotImplementedError("TODO: stream_flops")


def arithmetic_intensity(flops: float, bytes_moved: float) -> float:
    """FLOPs per byte moved: ``flops / bytes_moved`` (a float; 0.0 for a copy).

    Raises:
        ValueError: ``flops < 0`` or ``bytes_moved <= 0``.
    """
    raise NotImplementedError("TODO: arithmetic_intensity")


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
    raise NotImplementedError("TODO: roofline")


def ridge_point(peak_flops: float, peak_bandwidth: float) -> float:
    """The intensity (FLOPs/byte) where the two roofs meet: ``peak_flops / peak_bandwidth``.

    Raises:
        ValueError: ``peak_flops <= 0`` or ``peak_bandwidth <= 0``.
    """
    raise NotImplementedError("TODO: ridge_point")


def bound_by(intensity: float, peak_flops: float, peak_bandwidth: float) -> str:
    """``"memory"`` when ``intensity`` is below the ridge point, ``"compute"`` at or above it.

    Raises:
        ValueError: as :func:`roofline`.
    """
    raise NotImplementedError("TODO: bound_by")


def gflops_per_s(flops: float, seconds: float) -> float:
    """Throughput in GFLOP/s: ``flops / seconds / 1e9``.

    Raises:
        ValueError: ``seconds <= 0`` or ``flops < 0``.
    """
    raise NotImplementedError("TODO: gflops_per_s")


def gb_per_s(bytes_moved: float, seconds: float) -> float:
    """Bandwidth in GB/s with decimal GB: ``bytes_moved / seconds / 1e9`` (not GiB, ``2**30``).

    Raises:
        ValueError: ``seconds <= 0`` or ``bytes_moved < 0``.
    """
    raise NotImplementedError("TODO: gb_per_s")


# ---- tiling ----------------------------------------------------------------------------------------------------


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
    raise NotImplementedError("TODO: tiled_matmul")


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
    raise NotImplementedError("TODO: tiled_matmul_bytes")


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
    raise NotImplementedError("TODO: measure_matmul")


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
    raise NotImplementedError("TODO: measure_bandwidth")


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
    raise NotImplementedError("TODO: thread_scaling")


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
    raise NotImplementedError("TODO: device_table")


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
    raise NotImplementedError("TODO: compare_devices")


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
    raise NotImplementedError("TODO: format_table")


def write_table(rows: Sequence[Mapping], path: str) -> str:
    """Write :func:`format_table` to ``path``: Markdown for a ``.md`` file, CSV for a ``.csv`` file.

    The suffix is matched case-insensitively. The file is written as UTF-8
    (replaced if it exists).

    Returns:
        ``path``, unchanged.

    Raises:
        ValueError: any other suffix (nothing is written), or as :func:`format_table`.
    """
    raise NotImplementedError("TODO: write_table")
