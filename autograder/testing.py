"""Assertions for hidden and public tests whose messages are safe to show.

A message tells the student what is wrong (type, shape, how many values,
how far off) without printing the expected values or the test's code.
Each raises ``AssertionError``, so the same checks also serve Otter-style
test functions.
"""

from __future__ import annotations

import math
from typing import Any


def check(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is truthy."""
    if not condition:
        raise AssertionError(message)


def _to_numpy(value: Any):
    import sys

    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        v = value.detach().cpu()
        if v.dtype == torch.bfloat16:
            v = v.float()
        return v.numpy()
    return np.asarray(value)


def _kind(value: Any) -> str:
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return "tensor"
    return type(value).__name__


def assert_close(actual: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-5, what: str = "the result") -> None:
    """Compare numbers, arrays or tensors elementwise: ``|a - e| <= atol + rtol * |e|``.

    Checks the kind (tensor vs other), the shape and, for tensors, the dtype
    first. The message gives the number of mismatches, the largest absolute
    error and the first bad index, never the expected values.
    """
    import sys

    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(expected, torch.Tensor):
        check(isinstance(actual, torch.Tensor), f"{what}: expected a torch tensor, got {_kind(actual)}")
        check(
            actual.dtype == expected.dtype,
            f"{what}: expected dtype {str(expected.dtype).removeprefix('torch.')}, got {str(actual.dtype).removeprefix('torch.')}",
        )
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        check(
            isinstance(actual, (int, float, np.number)) and not isinstance(actual, bool),
            f"{what}: expected a number, got {_kind(actual)}",
        )
        a, e = float(actual), float(expected)
        if math.isnan(e):
            check(math.isnan(a), f"{what}: expected NaN")
            return
        if math.isinf(e):
            check(a == e, f"{what}: expected an infinite value")
            return
        check(abs(a - e) <= atol + rtol * abs(e), f"{what}: off by {abs(a - e):.3g} (tolerance {atol + rtol * abs(e):.3g})")
        return
    a, e = _to_numpy(actual), _to_numpy(expected)
    check(a.shape == e.shape, f"{what}: expected shape {tuple(e.shape)}, got {tuple(a.shape)}")
    if a.size == 0:
        return
    if a.dtype.kind not in "biufc":
        check(False, f"{what}: expected numbers, got values of dtype {a.dtype}")
    a64, e64 = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64), e.astype(np.complex128 if e.dtype.kind == "c" else np.float64)
    nan_a, nan_e = np.isnan(a64), np.isnan(e64)
    bad_nan = nan_a != nan_e
    err = np.abs(np.where(nan_a | nan_e, 0, a64 - e64))
    bad = bad_nan | (err > atol + rtol * np.abs(np.where(nan_e, 0, e64)))
    bad |= np.isinf(a64) & ~(np.isinf(e64) & (a64 == e64))
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        finite = err[np.isfinite(err)]
        worst = float(finite.max()) if finite.size else float("nan")
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} values differ "
            f"(largest error {worst:.3g}, tolerance atol={atol:g} rtol={rtol:g}); first at index {first}"
            + (f"; {int(bad_nan.sum())} NaN where none expected or the reverse" if bad_nan.any() else "")
        )


def assert_equal(actual: Any, expected: Any, *, what: str = "the result") -> None:
    """Exact equality for plain data, with a message that describes the
    difference (type, length, first differing position or key) without the
    expected value. Arrays and tensors are compared exactly, elementwise."""
    import sys

    import numpy as np

    torch = sys.modules.get("torch")
    if isinstance(expected, np.ndarray) or (torch is not None and isinstance(expected, torch.Tensor)):
        assert_close(actual, expected, atol=0, rtol=0, what=what)
        return
    if actual == expected and type(actual) is type(expected):
        return
    if type(actual) is not type(expected) and not (
        isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and actual == expected
    ):
        raise AssertionError(f"{what}: expected a {type(expected).__name__}, got a {type(actual).__name__}")
    if isinstance(expected, (list, tuple, str)):
        if len(actual) != len(expected):
            raise AssertionError(f"{what}: expected length {len(expected)}, got {len(actual)}")
        for i, (x, y) in enumerate(zip(actual, expected)):
            if x != y:
                raise AssertionError(f"{what}: first difference at position {i}")
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            raise AssertionError(f"{what}: {len(missing)} keys missing, {len(extra)} unexpected keys")
        for k in expected:
            if actual[k] != expected[k]:
                raise AssertionError(f"{what}: wrong value for key {k!r}")
    if isinstance(expected, (set, frozenset)):
        raise AssertionError(f"{what}: {len(expected - actual)} items missing, {len(actual - expected)} unexpected")
    raise AssertionError(f"{what}: wrong value")
