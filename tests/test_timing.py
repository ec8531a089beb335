"""Kernel timing: fair against itself, slower code earns less, skipped work is caught."""

from autograder.course import Band, Kernel
from autograder.timing import KernelTimer, checksums_match, settled


def timer(toy_course, candidate, reference):
    lab = toy_course.lab("lab98_toy")
    return KernelTimer(lab, lab.kernels[0], candidate, reference, seed=1)


def test_reference_against_itself_earns_full_marks(toy_course, toy_workers):
    result = timer(toy_course, toy_workers(), toy_workers()).run()
    assert result.status == "timed" and result.points == 2, result
    assert 0.6 < result.ratio < 1.5 and 6 <= len(result.ratios) == result.repeats <= 7


def test_slow_kernel_earns_less(toy_course, toy_workers):
    slow = "import time as _t\n_fast = matmul\ndef matmul(a, b):\n    _t.sleep(0.1)\n    return _fast(a, b)\n"
    result = timer(toy_course, toy_workers(slow), toy_workers()).run()
    assert result.status == "timed" and result.ratio > 3 and result.points == 0, result


def test_skipped_work_is_caught(toy_course, toy_workers):
    cheat = "import torch as _torch\ndef matmul(a, b):\n    return _torch.zeros(a.shape[0], b.shape[1], requires_grad=True) + 0\n"
    result = timer(toy_course, toy_workers(cheat), toy_workers()).run()
    assert result.status == "failed" and result.points == 0 and "did not match" in result.message


def test_patched_timer_gains_nothing(toy_course, toy_workers):
    patch = "import time as _t, timeit as _ti\n_ti.default_timer = lambda: 0.0\n_t.perf_counter = lambda: 0.0\n"
    result = timer(toy_course, toy_workers(patch), toy_workers()).run()
    assert result.status == "timed" and 0.6 < result.ratio < 1.5


def test_work_deferred_into_the_outputs_counts_as_kernel_time(toy_course, toy_workers):
    """Fingerprints are read outside the timed request; an output that does its work only when
    read (here: a tensor subclass that sleeps when detached) gets the excess added to its time."""
    lazy = (
        "import time as _t, torch as _torch\n_fast = matmul\n"
        "class _Lazy(_torch.Tensor):\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        if func is _torch.Tensor.detach:\n"
        "            _t.sleep(0.1)\n"
        "        return super().__torch_function__(func, types, args, kwargs or {})\n"
        "def matmul(a, b):\n    return _fast(a, b).as_subclass(_Lazy)\n"
    )
    result = timer(toy_course, toy_workers(lazy), toy_workers()).run()
    assert result.status == "timed" and result.ratio > 3 and result.points == 0, result
    assert any("deferred work" in f for f in result.flags), result.flags


def test_checksum_comparison():
    a = {"$sum": [1.0, 2.0, 3.0, [2]]}
    assert checksums_match(a, {"$sum": [1.0, 2.0, 3.0, [2]]}, 1e-3)
    assert not checksums_match(a, {"$sum": [1.0, 2.0, 3.0, [3]]}, 1e-3)
    assert not checksums_match(a, {"$sum": [1.0, 2.0, 30.0, [2]]}, 1e-3)
    assert not checksums_match({"$sum": [float("nan"), 2.0, 3.0, [2]]}, a, 1e-3)


def test_a_session_stops_early_only_when_every_repeat_lies_in_one_band():
    kernel = Kernel("k", "f", "inputs", 10, (Band(1.5, 1.0), Band(3.0, 0.5)), repeats=15)
    assert not settled(kernel, [1.0] * 5)  # too few
    assert not settled(kernel, [1.0] * 7)  # odd: unequal A B and B A orders
    assert settled(kernel, [0.9, 1.1, 1.0, 1.2, 0.95, 1.05])
    assert settled(kernel, [4.0, 5.0, 3.5, 4.2, 6.0, 3.1])  # no points, clearly
    assert not settled(kernel, [0.9, 1.1, 1.0, 1.6, 0.95, 1.05])  # one repeat in the next band
