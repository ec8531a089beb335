"""Call helpers shared by the worker and the in-process mode.

These run next to student code (in the worker, or in the student's own
process when debugging locally), so nothing here may decide a verdict:
they only compute and return data.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence


@dataclass
class VJP:
    """The result of ``lab.vjp``: the output, the input gradients (aligned with
    ``wrt``; ``None`` where no gradient flowed) and the parameter gradients."""

    output: Any
    grads: tuple
    param_grads: dict = field(default_factory=dict)

    def __iter__(self):
        return iter((self.output, self.grads))


def run_vjp(
    fn: Callable,
    args: Sequence[Any],
    kwargs: dict,
    grad_output: Any,
    wrt: Sequence[int],
    params: bool,
) -> VJP:
    """Run ``fn(*args, **kwargs)`` with gradients on ``args[i]`` for i in ``wrt``,
    back-propagate ``grad_output`` and collect gradients."""
    import torch

    args = list(args)
    for i in wrt:
        if not (isinstance(args[i], torch.Tensor) and args[i].is_floating_point()):
            raise TypeError(f"argument {i} is not a floating-point tensor; cannot take its gradient")
        args[i] = args[i].detach().clone().requires_grad_(True)
    named = {}
    if params:
        module = getattr(fn, "__self__", fn)
        if not hasattr(module, "named_parameters"):
            raise TypeError("params=True needs a module (an object with named_parameters)")
        named = dict(module.named_parameters())
        for p in named.values():
            p.grad = None
    out = fn(*args, **kwargs)
    outputs = out if isinstance(out, (tuple, list)) else (out,)
    grads_out = grad_output if isinstance(grad_output, (tuple, list)) else (grad_output,)
    pairs = [(o, g) for o, g in zip(outputs, grads_out) if g is not None]
    for o, _ in pairs:
        if not isinstance(o, torch.Tensor) or not o.requires_grad:
            raise TypeError("the output does not depend on the inputs through autograd (was it detached?)")
    torch.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
    detached = tuple(o.detach() if isinstance(o, torch.Tensor) else o for o in outputs)
    output = detached if isinstance(out, (tuple, list)) else detached[0]
    grads = tuple(args[i].grad for i in wrt)
    param_grads = {name: p.grad for name, p in named.items()}
    return VJP(output, grads, param_grads)


PLAIN = (list, tuple, dict, str, int, float, bool, type(None))


def seed_all(seed: int) -> None:
    """Seed ``random``, and ``numpy.random`` and ``torch`` where they are imported."""
    import random

    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed % 2**32)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def checksum(value: Any) -> Any:
    """A cheap fingerprint of a kernel's output: for tensors and arrays the
    sum, the sum of absolute values and the sum of squares in float64; for
    plain data (lists of token ids, strings, dicts) a digest of its JSON form,
    computed at C speed so that it does not dilute the timing; for mixed
    containers, the fingerprints of their items."""
    torch = sys.modules.get("torch")
    np = sys.modules.get("numpy")
    if torch is not None and isinstance(value, torch.Tensor):
        v = value.detach().to(torch.float64)
        return {"$sum": [float(v.sum()), float(v.abs().sum()), float((v * v).sum()), list(value.shape)]}
    if np is not None and isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        v = value.astype(np.float64)
        return {"$sum": [float(v.sum()), float(np.abs(v).sum()), float((v * v).sum()), list(value.shape)]}
    if isinstance(value, PLAIN):
        try:
            text = json.dumps(value, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):
            pass  # holds tensors, arrays or non-string keys: fingerprint item by item
        else:
            return {"$digest": hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()}
    if isinstance(value, (tuple, list)):
        return [checksum(v) for v in value]
    if isinstance(value, dict):
        return {"$items": [[repr(k), checksum(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]}
    return value


WARMUP = 2  # what torch.utils.benchmark.Timer.timeit runs before timing, for fewer than 200 calls

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
_steady = False


def steady_allocator() -> None:
    """Before timing (never during the tests): make glibc's malloc keep and reuse
    large blocks instead of mapping fresh, zero-filled pages for every tensor.

    By default a block above the adaptive mmap threshold is mapped on each
    allocation and unmapped on free, and the threshold moves with the process's
    history; so two workers running the same code could pay different page-fault
    costs for the same call (memory-bound kernels on 16 MB tensors spread by
    +-30 %). With the largest mmap threshold glibc allows and no trimming, both
    workers serve every call after the warm-up from memory they already hold.
    """
    global _steady
    if _steady:
        return
    _steady = True
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)  # glibc's maximum on 64-bit
        libc.mallopt(_M_TRIM_THRESHOLD, 2**30)
    except (OSError, AttributeError):  # not glibc: timing works, only with more spread
        pass


def time_staged(fn: Callable, staged: list, backward: bool) -> tuple[list, float]:
    """Run ``fn`` once on each staged ``(args, kwargs)``; return what each call
    produced (its output, and with ``backward`` also the input gradients) and
    the inner time measured with ``torch.utils.benchmark`` where torch is present.

    The first ``WARMUP`` sets are the timer's warm-up (``Timer.timeit`` runs two
    untimed calls first); every set is used exactly once, so no output can be
    served from a cache of earlier inputs. Nothing but the calls (and the
    backward pass) runs while timing: the outputs are kept as they are, and
    :func:`fingerprints` reads them in a later request.

    The runner measures the same request's wall time from outside and uses
    that for scoring; the inner time only cross-checks it.
    """
    produced: list = []
    queue = list(staged)
    torch = _maybe_torch()

    def step() -> None:
        args, kwargs = queue.pop(0)
        if backward:
            args = [a.detach().requires_grad_(True) if _is_float_tensor(a) else a for a in args]
        out = fn(*args, **kwargs)
        if backward:
            first = out[0] if isinstance(out, (tuple, list)) else out
            first.backward(torch.ones_like(first))
            produced.append([out, [a.grad for a in args if _is_float_tensor(a)]])
        else:
            produced.append(out)

    if torch is not None:
        from torch.utils import benchmark

        number = len(staged) - WARMUP
        # one thread, as torch.utils.benchmark does by default: on a small shared
        # machine, multi-threaded timings of two workers disturb each other
        timer = benchmark.Timer(stmt="step()", globals={"step": step}, num_threads=1)
        measurement = timer.timeit(number)
        inner = measurement.mean * number
    else:
        for _ in range(WARMUP):
            step()
        start = time.perf_counter()
        for _ in range(len(staged) - WARMUP):
            step()
        inner = time.perf_counter() - start
    return produced, inner


def fingerprints(produced: list) -> list:
    """The checksums of what :func:`time_staged` produced, one per call, in order."""
    return [checksum(p) for p in produced]


def _maybe_torch():
    import sys

    return sys.modules.get("torch")


def _is_float_tensor(a: Any) -> bool:
    torch = _maybe_torch()
    return torch is not None and isinstance(a, torch.Tensor) and a.is_floating_point()
