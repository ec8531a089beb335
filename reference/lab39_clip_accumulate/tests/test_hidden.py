"""Hidden tests for lab 39 (gradient clipping, accumulation, non-finite steps).

Oracles: ``torch.nn.utils.clip_grad_norm_`` / ``get_total_norm`` /
``clip_grad_value_`` on parameters holding the same gradients (run here, in
the trusted process), ``F.cross_entropy`` / ``F.mse_loss`` with autograd on
the whole batch in one pass (the gradient accumulation must reproduce it for
any micro-batch size), and a big-batch training run of the documented recipe
on torch's own ``nn.Linear`` layers and optimisers, which skips the steps
whose loss or gradients are not finite. Student models and trainers live
behind handles; every result is compared as plain data.
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

INF = math.inf
F32 = dict(atol=1e-6, rtol=1e-5)
F64 = dict(atol=1e-12, rtol=1e-10)
NAMES = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def tol(dtype: torch.dtype) -> dict:
    return F64 if dtype == torch.float64 else F32


# ---- oracles --------------------------------------------------------------------------------------


def torch_clip(grads, max_norm, norm_type=2.0):
    """torch.nn.utils.clip_grad_norm_ on parameters holding copies of ``grads``: (clipped grads, total norm)."""
    params = []
    for g in grads:
        p = nn.Parameter(torch.zeros(1)) if g is None else nn.Parameter(torch.zeros_like(g))
        p.grad = None if g is None else g.clone()
        params.append(p)
    total = nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    return [p.grad for p in params], total


def torch_clip_value(grads, clip_value):
    params = []
    for g in grads:
        p = nn.Parameter(torch.zeros(1)) if g is None else nn.Parameter(torch.zeros_like(g))
        p.grad = None if g is None else g.clone()
        params.append(p)
    nn.utils.clip_grad_value_(params, clip_value)
    return [p.grad for p in params]


def check_grad_list(actual, expected, what, **tolerance) -> None:
    check(isinstance(actual, list), f"{what}: expected a list of gradients, got {type(actual).__name__}")
    check(len(actual) == len(expected), f"{what}: expected {len(expected)} entries, got {len(actual)}")
    for i, (a, e) in enumerate(zip(actual, expected)):
        if e is None:
            check(a is None, f"{what}: entry {i} was None in the input and should stay None")
        else:
            assert_close(a, e, **tolerance, what=f"{what}: gradient {i}")


def grad_lists(dtype=torch.float32):
    """A few gradient lists: several shapes, None entries, a single tensor, a 0-d tensor."""
    return [
        [randn(4, 3, seed=1, dtype=dtype), None, randn(5, seed=2, dtype=dtype), randn(2, 2, 2, seed=3, dtype=dtype)],
        [3 * randn(7, seed=4, dtype=dtype)],
        [None, randn(3, 1, seed=5, dtype=dtype), torch.tensor(-2.5, dtype=dtype), None],
    ]


class OracleMLP(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def init_state(d_in, d_hidden, d_out, seed, dtype=torch.float32, scale=1.0) -> dict:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        model = OracleMLP(d_in, d_hidden, d_out).to(dtype)
    return {k: scale * v.detach().clone() for k, v in model.state_dict().items()}


def oracle_loss(out, y, loss):
    return F.cross_entropy(out, y) if loss == "cross_entropy" else F.mse_loss(out, y)


def big_batch_grads(state, x, y, loss="cross_entropy"):
    d_in, d_hidden, d_out = state["fc1.weight"].shape[1], state["fc1.weight"].shape[0], state["fc2.weight"].shape[0]
    model = OracleMLP(d_in, d_hidden, d_out).to(state["fc1.weight"].dtype)
    model.load_state_dict(state)
    value = oracle_loss(model(x), y, loss)
    value.backward()
    return value.item(), {n: p.grad.clone() for n, p in model.named_parameters()}


def data(n, d_in, d_out, seed, loss="cross_entropy", dtype=torch.float32):
    x = randn(n, d_in, seed=seed, dtype=dtype)
    if loss == "cross_entropy":
        y = torch.randint(d_out, (n,), generator=torch.Generator().manual_seed(seed + 1))
    else:
        y = randn(n, d_out, seed=seed + 1, dtype=dtype)
    return x, y


def oracle_run(state, batches, *, d_in, d_hidden, d_out, loss="cross_entropy", optimizer="sgd", lr=0.1,
               momentum=0.0, weight_decay=0.0, max_grad_norm=None, **_):
    """Big-batch training of the documented recipe; returns (history, final state, final grads)."""
    model = OracleMLP(d_in, d_hidden, d_out).to(state["fc1.weight"].dtype)
    model.load_state_dict(state)
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    history = []
    for x, y in batches:
        opt.zero_grad()
        value = oracle_loss(model(x), y, loss)
        value.backward()
        grads = [p.grad for p in model.parameters()]
        norm = nn.utils.get_total_norm(grads).item()
        finite = math.isfinite(value.item()) and all(bool(torch.isfinite(g).all()) for g in grads)
        if not finite:
            opt.zero_grad()
            history.append({"loss": value.item(), "grad_norm": norm, "skipped": True})
            continue
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        opt.step()
        history.append({"loss": value.item(), "grad_norm": norm, "skipped": False})
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    return history, state, grads


def check_tensors(actual, expected: dict, what: str, **tolerance) -> None:
    check(isinstance(actual, dict) and set(actual) == set(expected), f"{what}: the keys should be {sorted(expected)}")
    for key, value in expected.items():
        if value is None:
            check(actual[key] is None, f"{what}: {key} should be None")
        else:
            assert_close(actual[key], value, **tolerance, what=f"{what}: {key}")


def check_history(history, expected, what, **tolerance) -> None:
    check(len(history) == len(expected), f"{what}: expected {len(expected)} results")
    for i, (row, exp) in enumerate(zip(history, expected)):
        check(isinstance(row, dict) and set(row) == {"loss", "grad_norm", "skipped"},
              f"{what}: train_step should return a dict with keys 'loss', 'grad_norm', 'skipped'")
        check(isinstance(row["loss"], float), f"{what}: 'loss' should be a Python float (step {i + 1})")
        check(isinstance(row["grad_norm"], float), f"{what}: 'grad_norm' should be a Python float (step {i + 1})")
        check(row["skipped"] is exp["skipped"], f"{what}: 'skipped' should be {exp['skipped']} at step {i + 1}")
        assert_close(row["loss"], exp["loss"], **tolerance, what=f"{what}: the loss of step {i + 1}")
        assert_close(row["grad_norm"], exp["grad_norm"], **tolerance, what=f"{what}: the gradient norm of step {i + 1}")


# ---- grad_norm ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "norm_type",
    [
        pytest.param(2.0, id="2", marks=pytest.mark.points(2)),
        pytest.param(1, id="1", marks=pytest.mark.points(2)),
        pytest.param(INF, id="inf", marks=pytest.mark.points(2)),
        pytest.param(3, id="3", marks=pytest.mark.points(1)),
        pytest.param(1.5, id="1.5", marks=pytest.mark.points(1)),
    ],
)
def test_grad_norm_matches_torch(lab, norm_type):
    """grad_norm equals torch's total norm for several gradient lists (None entries, one tensor, 0-d), float32 and float64."""
    for dtype in (torch.float32, torch.float64):
        for i, grads in enumerate(grad_lists(dtype)):
            expected = nn.utils.get_total_norm([g for g in grads if g is not None], norm_type)
            out = lab.grad_norm(grads, norm_type)
            check(torch.is_tensor(out) and out.dim() == 0, "grad_norm should return a 0-d tensor")
            assert_close(out, expected, **tol(dtype), what=f"the {norm_type}-norm of list {i} ({dtype})")
    grads = grad_lists()[0]
    assert_close(lab.grad_norm(grads, norm_type=norm_type), nn.utils.get_total_norm([g for g in grads if g is not None], norm_type),
                 **F32, what=f"grad_norm(grads, norm_type={norm_type}) called with a keyword")


@pytest.mark.points(2)
def test_grad_norm_default_and_no_gradients(lab):
    """The default is the 2-norm; an empty list or a list of None gives torch.tensor(0.0)."""
    grads = grad_lists()[0]
    assert_close(lab.grad_norm(grads), nn.utils.get_total_norm([g for g in grads if g is not None]), **F32,
                 what="grad_norm with the default norm_type")
    for what, grads in (("an empty list", []), ("[None, None]", [None, None])):
        for p in (2.0, INF):
            out = lab.grad_norm(grads, p)
            check(torch.is_tensor(out) and out.dim() == 0, f"grad_norm of {what} should be a 0-d tensor")
            check(out.dtype == torch.float32 and float(out) == 0.0, f"grad_norm of {what} should be torch.tensor(0.0)")


@pytest.mark.points(4)
def test_grad_norm_large_and_nonfinite(lab):
    """float32 gradients of 1e20 and 1e38 overflow exactly where torch's norm does; nan and inf entries as torch gives them."""
    big = [torch.full((3,), 1e20), torch.full((2, 2), -3e19)]
    huge = [torch.full((3,), 1e38), torch.full((2,), -3e38)]
    nan = [torch.tensor([1.0, float("nan"), -2.0]), torch.ones(2)]
    nan_last = [torch.ones(2), torch.tensor([-5.0, 1.0, float("nan")])]
    inf = [torch.tensor([1.0, -INF]), torch.ones(3)]
    cases = [
        ("float32 1e20", big), ("float64 1e20", [g.double() for g in big]), ("float32 1e38", huge),
        ("a nan", nan), ("a nan in the last gradient", nan_last), ("an -inf", inf),
    ]
    for what, grads in cases:
        for p in (2.0, 1.0, INF):
            expected = nn.utils.get_total_norm(grads, p)
            assert_close(lab.grad_norm(grads, p), expected, **F32, what=f"the {p}-norm of gradients with {what}")


@pytest.mark.points(2)
def test_grad_norm_errors(lab):
    """ValueError for norm_type below 1 or nan (norm_type 1 itself is valid)."""
    grads = grad_lists()[0]
    assert_close(lab.grad_norm(grads, 1.0), nn.utils.get_total_norm([g for g in grads if g is not None], 1.0), **F32,
                 what="the 1-norm")
    for bad in (0.99, 0.5, 0, -1.0, -INF, float("nan")):
        with pytest.raises(ValueError):
            lab.grad_norm(grads, bad)
            pytest.fail(f"grad_norm accepted norm_type={bad} (it should raise ValueError)")


# ---- clip_grad_norm -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "norm_type",
    [
        pytest.param(2.0, id="2", marks=pytest.mark.points(3)),
        pytest.param(1.0, id="1", marks=pytest.mark.points(2)),
        pytest.param(INF, id="inf", marks=pytest.mark.points(3)),
    ],
)
def test_clip_grad_norm_matches_torch(lab, norm_type):
    """Gradients above max_norm: clip_grad_norm's gradients and total norm (before clipping) equal clip_grad_norm_'s."""
    for dtype in (torch.float32, torch.float64):
        for i, grads in enumerate(grad_lists(dtype)):
            total = float(nn.utils.get_total_norm([g for g in grads if g is not None], norm_type))
            for max_norm in (0.5, total / 3):
                clipped, norm = lab.clip_grad_norm(grads, max_norm, norm_type)
                expected, expected_norm = torch_clip(grads, max_norm, norm_type)
                what = f"list {i} ({dtype}), max_norm={max_norm:.3g}, norm_type={norm_type}"
                check_grad_list(clipped, expected, f"the clipped gradients of {what}", **tol(dtype))
                assert_close(norm, expected_norm, **tol(dtype), what=f"the returned total norm (before clipping) of {what}")


@pytest.mark.points(3)
def test_clip_grad_norm_below_max_is_unchanged(lab):
    """A global norm at or below max_norm leaves the gradients as they are (the coefficient is clamped at 1)."""
    for i, grads in enumerate(grad_lists(torch.float64)):
        total = float(nn.utils.get_total_norm([g for g in grads if g is not None]))
        for max_norm in (total * 1.5, total + 1e-6, 1e6):
            clipped, norm = lab.clip_grad_norm(grads, max_norm)
            expected, expected_norm = torch_clip(grads, max_norm)
            check_grad_list(clipped, expected, f"list {i} with max_norm {max_norm / total:.6g} x its norm", **F64)
            assert_close(norm, expected_norm, **F64, what=f"the total norm of list {i}")
        clipped, _ = lab.clip_grad_norm(grads, total, norm_type=INF)
        expected, _ = torch_clip(grads, total, INF)
        check_grad_list(clipped, expected, f"list {i}, inf-norm below its 2-norm", **F64)


@pytest.mark.points(3)
def test_clip_grad_norm_epsilon(lab):
    """The coefficient is max_norm / (total + 1e-6), as in torch: visible for small gradients (float64 and float32)."""
    for dtype, scale in ((torch.float64, 1e-5), (torch.float64, 1e-3), (torch.float32, 1e-5)):
        grads = [scale * randn(6, seed=20, dtype=dtype), scale * randn(2, 3, seed=21, dtype=dtype)]
        total = float(nn.utils.get_total_norm(grads))
        for max_norm in (total / 2, total, 0.9 * total):
            clipped, norm = lab.clip_grad_norm(grads, max_norm)
            expected, expected_norm = torch_clip(grads, max_norm)
            check_grad_list(clipped, expected, f"gradients of norm {total:.2g} ({dtype}) clipped to {max_norm:.2g}",
                            atol=0.0, rtol=1e-10 if dtype == torch.float64 else 1e-6)
            assert_close(norm, expected_norm, atol=0.0, rtol=1e-6, what=f"the total norm {total:.2g}")


@pytest.mark.points(3)
def test_clip_grad_norm_none_single_and_empty(lab):
    """None entries stay None at their positions; a single gradient; a list of only None returns it with norm 0."""
    grads = [None, 4 * randn(3, 4, seed=30), None, randn(2, seed=31), None]
    clipped, norm = lab.clip_grad_norm(grads, 1.0)
    expected, expected_norm = torch_clip(grads, 1.0)
    check_grad_list(clipped, expected, "a list with None entries", **F32)
    assert_close(norm, expected_norm, **F32, what="the total norm of a list with None entries")
    single = [5 * randn(8, seed=32)]
    clipped, norm = lab.clip_grad_norm(single, 2.0)
    expected, expected_norm = torch_clip(single, 2.0)
    check_grad_list(clipped, expected, "a single gradient", **F32)
    assert_close(norm, expected_norm, **F32, what="the total norm of a single gradient")
    clipped, norm = lab.clip_grad_norm([None, None], 1.0)
    check(clipped == [None, None], "clip_grad_norm([None, None], ...) should return [None, None]")
    check(torch.is_tensor(norm) and norm.dtype == torch.float32 and float(norm) == 0.0, "the norm of no gradients should be torch.tensor(0.0)")
    clipped, norm = lab.clip_grad_norm([], 1.0)
    check(clipped == [] and float(norm) == 0.0, "clip_grad_norm([], ...) should return ([], tensor(0.))")


@pytest.mark.points(2)
def test_clip_grad_norm_max_norm_zero(lab):
    """max_norm=0 gives zero gradients, also when the gradients are already zero (no 0/0)."""
    for what, grads in (("random gradients", grad_lists()[0]), ("zero gradients", [torch.zeros(3), torch.zeros(2, 2)]),
                        ("zero float64 gradients", [torch.zeros(4, dtype=torch.float64)])):
        for p in (2.0, INF):
            clipped, norm = lab.clip_grad_norm(grads, 0.0, p)
            expected, expected_norm = torch_clip(grads, 0.0, p)
            check_grad_list(clipped, expected, f"{what} with max_norm=0 ({p}-norm)", atol=0.0, rtol=0.0)
            assert_close(norm, expected_norm, **F32, what=f"the total norm of {what}")


@pytest.mark.points(4)
def test_clip_grad_norm_nonfinite_and_overflow(lab):
    """Overflowing norms, nan and inf gradients clip as torch does; error_if_nonfinite raises RuntimeError only then."""
    cases = [
        ("float32 gradients of 1e20 (the 2-norm overflows)", [torch.full((3,), 1e20), randn(4, seed=40)], 2.0),
        ("float32 gradients of 1e20, inf-norm", [torch.full((3,), 1e20), randn(4, seed=40)], INF),
        ("float64 gradients of 1e20", [torch.full((3,), 1e20, dtype=torch.float64), randn(4, seed=41, dtype=torch.float64)], 2.0),
        ("a nan gradient", [torch.tensor([1.0, float("nan")]), randn(3, seed=42)], 2.0),
        ("an inf gradient", [torch.tensor([INF, 1.0]), randn(3, seed=43)], 2.0),
        ("an inf gradient, inf-norm", [torch.tensor([-INF, 1.0]), randn(3, seed=44)], INF),
    ]
    for what, grads, p in cases:
        clipped, norm = lab.clip_grad_norm(grads, 1.0, p)
        expected, expected_norm = torch_clip(grads, 1.0, p)
        check_grad_list(clipped, expected, what, **tol(grads[0].dtype))
        assert_close(norm, expected_norm, **tol(grads[0].dtype), what=f"the total norm of {what}")
    clipped, norm = lab.clip_grad_norm(grad_lists()[0], 0.5, 2.0, True)
    expected, _ = torch_clip(grad_lists()[0], 0.5)
    check_grad_list(clipped, expected, "finite gradients with error_if_nonfinite=True", **F32)
    for what, grads, p in cases:
        if what.startswith("float64") or p == INF and "1e20" in what:
            continue  # finite norms
        with pytest.raises(RuntimeError):
            lab.clip_grad_norm(grads, 1.0, p, error_if_nonfinite=True)
            pytest.fail(f"clip_grad_norm with error_if_nonfinite=True accepted {what} (it should raise RuntimeError)")


@pytest.mark.points(2)
def test_clip_grad_norm_keeps_inputs_and_dtypes(lab):
    """The input tensors are not modified; float64 stays float64; keyword arguments work; tuples are accepted."""
    grads = [randn(3, 3, seed=50, dtype=torch.float64), randn(4, seed=51, dtype=torch.float64)]
    before = [g.clone() for g in grads]
    clipped, norm = lab.clip_grad_norm(grads=grads, max_norm=0.1, norm_type=2.0, error_if_nonfinite=False)
    expected, expected_norm = torch_clip(before, 0.1)
    check_grad_list(clipped, expected, "float64 gradients (keyword call)", **F64)
    assert_close(norm, expected_norm, **F64, what="the float64 total norm")
    for g, b in zip(grads, before):
        check(torch.equal(g, b), "clip_grad_norm modified its input tensors (return new ones)")
    as_tuple = (None, randn(5, seed=52), 2 * randn(2, 2, seed=53))
    clipped, norm = lab.clip_grad_norm(as_tuple, 0.5)
    expected, expected_norm = torch_clip(list(as_tuple), 0.5)
    check_grad_list(clipped, expected, "a tuple of gradients (the result is a list)", **F32)
    assert_close(norm, expected_norm, **F32, what="the total norm of a tuple of gradients")
    assert_close(lab.grad_norm(as_tuple, INF), nn.utils.get_total_norm(list(as_tuple[1:]), INF), **F32,
                 what="grad_norm of a tuple of gradients")
    check_grad_list(lab.clip_grad_value(as_tuple, 0.2), torch_clip_value(list(as_tuple), 0.2),
                    "clip_grad_value of a tuple of gradients (the result is a list)", atol=0.0, rtol=0.0)


@pytest.mark.points(2)
def test_clip_grad_norm_errors(lab):
    """ValueError for a negative or nan max_norm and a norm_type below 1."""
    grads = grad_lists()[0]
    clipped, _ = lab.clip_grad_norm(grads, 1e-3)
    check(len(clipped) == len(grads), "a valid call should succeed")
    for args, what in (((grads, -1.0), "max_norm=-1"), ((grads, float("nan")), "max_norm=nan"),
                       ((grads, 1.0, 0.5), "norm_type=0.5"), ((grads, 1.0, 0), "norm_type=0")):
        with pytest.raises(ValueError):
            lab.clip_grad_norm(*args)
            pytest.fail(f"clip_grad_norm accepted {what} (it should raise ValueError)")


# ---- clip_grad_value ------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_clip_grad_value_matches_torch(lab):
    """clip_grad_value clamps every entry on its own, as clip_grad_value_ (None entries, float64, inf and nan entries)."""
    for dtype in (torch.float32, torch.float64):
        for i, grads in enumerate(grad_lists(dtype)):
            for value in (0.3, 1.0, 100.0):
                check_grad_list(lab.clip_grad_value(grads, value), torch_clip_value(grads, value),
                                f"list {i} ({dtype}) clipped at {value}", atol=0.0, rtol=0.0)
    grads = [torch.tensor([INF, -INF, float("nan"), 0.5, -3.0]), None, torch.full((2,), 1e30)]
    check_grad_list(lab.clip_grad_value(grads, clip_value=2.0), torch_clip_value(grads, 2.0),
                    "inf, -inf, nan and 1e30 entries clipped at 2", atol=0.0, rtol=0.0)
    before = [g.clone() for g in grad_lists()[0] if g is not None]
    lab.clip_grad_value([g for g in grad_lists()[0] if g is not None], 0.1)
    check(all(torch.equal(a, b) for a, b in zip(before, [g for g in grad_lists()[0] if g is not None])),
          "clip_grad_value should not modify its inputs")


@pytest.mark.points(2)
def test_clip_grad_value_zero_empty_and_errors(lab):
    """clip_value=0 gives zeros; [] and [None] come back as they are; ValueError for a negative or nan clip_value."""
    grads = grad_lists()[0]
    check_grad_list(lab.clip_grad_value(grads, 0), torch_clip_value(grads, 0.0), "clip_value=0", atol=0.0, rtol=0.0)
    check(lab.clip_grad_value([], 1.0) == [], "clip_grad_value([], 1.0) should return []")
    check(lab.clip_grad_value([None], 1.0) == [None], "clip_grad_value([None], 1.0) should return [None]")
    for bad in (-0.5, float("nan")):
        with pytest.raises(ValueError):
            lab.clip_grad_value(grads, bad)
            pytest.fail(f"clip_grad_value accepted clip_value={bad} (it should raise ValueError)")


# ---- micro-batches and losses ---------------------------------------------------------------------


def expected_bounds(n, m):
    out, start = [], 0
    while start < n:
        out.append((start, min(n, start + m)))
        start += m
    return out


@pytest.mark.points(3)
def test_micro_batch_bounds(lab):
    """Consecutive (start, stop) pairs with a short last one; m >= B gives one pair; m = 1; errors for sizes below 1."""
    for n, m in ((10, 4), (12, 4), (7, 1), (1, 1), (5, 5), (5, 6), (5, 100), (13, 3), (9, 8)):
        out = lab.micro_batch_bounds(n, m)
        check(isinstance(out, list) and all(isinstance(t, tuple) for t in out),
              "micro_batch_bounds should return a list of (start, stop) tuples")
        check(out == expected_bounds(n, m), f"micro_batch_bounds({n}, {m}) is wrong")
    for args in ((0, 3), (4, 0), (-2, 3), (4, -1)):
        with pytest.raises(ValueError):
            lab.micro_batch_bounds(*args)
            pytest.fail(f"micro_batch_bounds{args} should raise ValueError")


@pytest.mark.points(2)
def test_batch_loss(lab):
    """batch_loss is F.cross_entropy (the default) or F.mse_loss, in the outputs' dtype; ValueError for another name."""
    out, y = randn(6, 4, seed=60), torch.tensor([0, 3, 1, 1, 2, 0])
    assert_close(lab.batch_loss(out, y), F.cross_entropy(out, y), **F32, what="the default loss (cross-entropy)")
    out64, t64 = randn(5, 3, seed=61, dtype=torch.float64), randn(5, 3, seed=62, dtype=torch.float64)
    assert_close(lab.batch_loss(out64, t64, loss="mse"), F.mse_loss(out64, t64), **F64, what="the float64 mse loss")
    assert_close(lab.batch_loss(out64, torch.tensor([2, 0, 1, 1, 0]), "cross_entropy"),
                 F.cross_entropy(out64, torch.tensor([2, 0, 1, 1, 0])), **F64, what="the float64 cross-entropy")
    mse = "".join(["m", "s", "e"])  # names built at run time: compare strings with ==, not is
    ce = "_".join(["cross", "entropy"])
    assert_close(lab.batch_loss(out, y, ce), F.cross_entropy(out, y), **F32, what="the cross-entropy (a name built at run time)")
    assert_close(lab.batch_loss(out64, t64, mse), F.mse_loss(out64, t64), **F64, what="the mse loss (a name built at run time)")
    for bad in ("nll", "bce", "hinge", "MSE", ""):
        with pytest.raises(ValueError):
            lab.batch_loss(out, y, bad)
            pytest.fail(f"batch_loss accepted loss={bad!r} (it should raise ValueError)")


# ---- accumulate_gradients -------------------------------------------------------------------------


def student_model(lab, state, d_in, d_hidden, d_out):
    model = lab.TinyMLP(d_in, d_hidden, d_out)
    model.to(state["fc1.weight"].dtype)
    model.load_state_dict(state)
    return model


def check_accumulation(lab, state, x, y, m, loss, what, **tolerance):
    d_in, d_hidden, d_out = state["fc1.weight"].shape[1], state["fc1.weight"].shape[0], state["fc2.weight"].shape[0]
    model = student_model(lab, state, d_in, d_hidden, d_out)
    value, grads = lab.accumulate_gradients(model, x, y, m, loss)
    expected_value, expected = big_batch_grads(state, x, y, loss)
    check(isinstance(value, float), f"{what}: the loss should be a Python float")
    assert_close(value, expected_value, **tolerance, what=f"{what}: the batch loss")
    check_tensors(grads, expected, f"{what}: the gradients", **tolerance)
    return model


@pytest.mark.parametrize(
    "m",
    [
        pytest.param(4, id="10_by_4", marks=pytest.mark.points(3)),
        pytest.param(3, id="10_by_3", marks=pytest.mark.points(3)),
        pytest.param(7, id="10_by_7", marks=pytest.mark.points(2)),
    ],
)
def test_accumulation_short_last_micro_batch(lab, m):
    """10 examples in micro-batches of 4 (4+4+2), 3 (3+3+3+1), 7 (7+3): the big batch's loss and gradients (cross-entropy)."""
    state = init_state(5, 8, 3, seed=70)
    x, y = data(10, 5, 3, seed=71)
    check_accumulation(lab, state, x, y, m, "cross_entropy", f"micro-batches of {m}", **F32)


@pytest.mark.points(3)
def test_accumulation_even_single_and_one(lab):
    """Equal micro-batches (12 by 4), micro_batch_size >= B (one pass), and micro_batch_size 1 give the big batch's gradients."""
    state = init_state(4, 6, 5, seed=72)
    x, y = data(12, 4, 5, seed=73)
    for m in (4, 12, 50, 1):
        check_accumulation(lab, state, x, y, m, "cross_entropy", f"12 examples in micro-batches of {m}", **F32)
    x, y = data(300, 4, 5, seed=74)
    check_accumulation(lab, state, x, y, 128, "cross_entropy", "300 examples in micro-batches of 128", **F32)


@pytest.mark.points(3)
def test_accumulation_mse_float64(lab):
    """mse loss, float64 model and data, 11 examples by 4 and by 5: the big batch's gradients to 1e-12."""
    state = init_state(3, 7, 2, seed=74, dtype=torch.float64)
    x, y = data(11, 3, 2, seed=75, loss="mse", dtype=torch.float64)
    for m in (4, 5):
        check_accumulation(lab, state, x, y, m, "mse", f"mse, 11 examples by {m}", **F64)


@pytest.mark.points(3)
def test_accumulation_clears_old_gradients_and_takes_no_step(lab):
    """A second call on the same model gives the same gradients (old ones are cleared first); the weights do not move."""
    state = init_state(5, 8, 3, seed=76)
    x, y = data(9, 5, 3, seed=77)
    model = check_accumulation(lab, state, x, y, 2, "cross_entropy", "the first call", **F32)
    _, expected = big_batch_grads(state, x, y)
    value, grads = lab.accumulate_gradients(model, x, y, micro_batch_size=4, loss="cross_entropy")
    check_tensors(grads, expected, "a second call on the same model (its old gradients must be cleared first)", **F32)
    x2, y2 = data(6, 5, 3, seed=78)
    _, grads = lab.accumulate_gradients(model, x2, y2, 5)
    check_tensors(grads, big_batch_grads(state, x2, y2)[1], "a call with another batch and the default loss", **F32)
    check_tensors(model.state_dict(), state, "the weights after accumulate_gradients (no optimiser step)", atol=0.0, rtol=0.0)
    model.fc2.requires_grad_(False)  # fc2 now gets no gradient: its old one must not survive
    _, grads = lab.accumulate_gradients(model, x, y, 4)
    check(grads.get("fc2.weight", 0) is None and grads.get("fc2.bias", 0) is None,
          "a parameter that gets no gradient in this call should have None (clear the old gradients with set_to_none)")
    assert_close(grads["fc1.weight"], expected["fc1.weight"], **F32, what="the gradient of fc1.weight with fc2 frozen")


@pytest.mark.points(2)
def test_accumulation_errors(lab):
    """ValueError for micro_batch_size 0, an empty batch, inputs and targets of different lengths, an unknown loss."""
    state = init_state(3, 4, 2, seed=79)
    model = student_model(lab, state, 3, 4, 2)
    x, y = data(5, 3, 2, seed=80)
    value, _ = lab.accumulate_gradients(model, x, y, 5)
    check(isinstance(value, float), "a valid call should succeed")
    bad = [
        ((x, y, 0), "micro_batch_size=0"),
        ((x, y, -2), "micro_batch_size=-2"),
        ((x[:0], y[:0], 2), "an empty batch"),
        ((x, y[:4], 2), "5 inputs and 4 targets"),
        ((x[:4], y, 5), "4 inputs and 5 targets"),
        ((x, randn(4, 2, seed=81), 5, "mse"), "5 inputs and 4 mse targets"),
        ((x, y, 2, "hinge"), "loss='hinge'"),
    ]
    for args, what in bad:
        with pytest.raises(ValueError):
            lab.accumulate_gradients(model, *args)
            pytest.fail(f"accumulate_gradients accepted {what} (it should raise ValueError)")


# ---- the trainer ----------------------------------------------------------------------------------

DEFAULTS = dict(loss="cross_entropy", optimizer="sgd", lr=0.1, momentum=0.0, weight_decay=0.0,
                micro_batch_size=None, max_grad_norm=None)


def run_trainer(lab, state, batches, **cfg):
    t = lab.Trainer(state, **cfg)
    return t, [t.train_step(x, y) for x, y in batches]


@pytest.mark.points(5)
def test_trainer_sgd_equals_big_batch(lab):
    """SGD with momentum and weight decay, 10 examples in micro-batches of 4, 3 steps: losses, norms and weights of big-batch steps."""
    state = init_state(5, 8, 3, seed=90)
    batches = [data(10, 5, 3, seed=91 + 2 * i) for i in range(3)]
    cfg = dict(d_in=5, d_hidden=8, d_out=3, optimizer="".join(["s", "g", "d"]), lr=0.5, momentum=0.9, weight_decay=0.01, micro_batch_size=4)
    t, history = run_trainer(lab, state, batches, **cfg)
    expected, final, grads = oracle_run(state, batches, **cfg)
    check_history(history, expected, "SGD with micro-batches of 4", **F32)
    check_tensors(t.state_dict(), final, "the weights after 3 SGD steps", **F32)
    check_tensors(t.gradients(), grads, "the gradients left after the last step", **F32)
    check(t.step == 3 and t.skipped_steps == 0, "after 3 good steps step should be 3 and skipped_steps 0")


@pytest.mark.points(5)
def test_trainer_adamw_clipping_equals_big_batch(lab):
    """AdamW with weight decay and clipping at max_grad_norm, float64, micro-batches of 3 over 8 examples, 4 steps."""
    state = init_state(4, 6, 3, seed=100, dtype=torch.float64)
    batches = [data(8, 4, 3, seed=101 + 2 * i, dtype=torch.float64) for i in range(4)]
    cfg = dict(d_in=4, d_hidden=6, d_out=3, optimizer="adamw", lr=0.05, weight_decay=0.1, micro_batch_size=3,
               max_grad_norm=0.2, momentum=0.5)
    t, history = run_trainer(lab, state, batches, **cfg)
    expected, final, grads = oracle_run(state, batches, **cfg)
    check(all(row["grad_norm"] > 0.2 for row in expected), "test setup: every step should be clipped")
    check_history(history, expected, "AdamW with clipping", **F64)
    check_tensors(t.state_dict(), final, "the weights after 4 AdamW steps", atol=1e-10, rtol=1e-8)
    check_tensors(t.gradients(), grads, "the clipped gradients left after the last step", atol=1e-10, rtol=1e-8)


@pytest.mark.points(4)
def test_trainer_clipping_options(lab):
    """mse with clipping: only steps above max_grad_norm are scaled; max_grad_norm=0 (plain SGD) leaves the weights."""
    state = init_state(3, 5, 2, seed=110, scale=3.0)
    batches = [data(7, 3, 2, seed=111 + 2 * i, loss="mse") for i in range(3)]
    cfg = dict(d_in=3, d_hidden=5, d_out=2, loss="mse", lr=0.05, micro_batch_size=2, max_grad_norm=2.0)
    t, history = run_trainer(lab, state, batches, **cfg)
    expected, final, grads = oracle_run(state, batches, **cfg)
    check(any(r["grad_norm"] > 2.0 for r in expected) and any(r["grad_norm"] < 2.0 for r in expected),
          "test setup: some steps above and some below max_grad_norm")
    check_history(history, expected, "mse with max_grad_norm=2", **F32)
    check_tensors(t.state_dict(), final, "the weights after 3 clipped mse steps", **F32)
    check_tensors(t.gradients(), grads, "the gradients after the last step", **F32)
    t, history = run_trainer(lab, state, batches[:2], **{**cfg, "max_grad_norm": 0.0})
    check_tensors(t.state_dict(), state, "the weights after SGD steps with max_grad_norm=0", atol=0.0, rtol=0.0)
    check(t.step == 2, "steps clipped to zero still count as steps")


def poisoned(x, row=2, col=1):
    """One input entry set to inf: tanh saturates, so the loss stays finite but fc1.weight's gradient is nan."""
    x = x.clone()
    x[row, col] = INF
    return x


@pytest.mark.points(6)
def test_trainer_skips_nonfinite_gradients(lab):
    """A batch with a finite loss but nan gradients is skipped: weights and AdamW state unchanged, grads cleared, counted."""
    state = init_state(4, 6, 3, seed=120)
    good = [data(9, 4, 3, seed=121 + 2 * i) for i in range(3)]
    bad = (poisoned(good[1][0]), good[1][1])
    batches = [good[0], bad, good[2]]
    cfg = dict(d_in=4, d_hidden=6, d_out=3, optimizer="adamw", lr=0.01, weight_decay=0.1, micro_batch_size=4, max_grad_norm=1.0)
    expected, final, _ = oracle_run(state, batches, **cfg)
    check(math.isfinite(expected[1]["loss"]) and expected[1]["skipped"], "test setup: a finite loss with nan gradients")
    t = lab.Trainer(state, **cfg)
    first = t.train_step(*good[0])
    weights, opt_state = t.state_dict(), t.optimizer.state_dict()
    second = t.train_step(*bad)
    check(second["skipped"] is True, "a step whose gradients hold nan (finite loss) should be skipped")
    check_tensors(t.state_dict(), weights, "the weights after a skipped step", atol=0.0, rtol=0.0)
    after = t.optimizer.state_dict()
    for i, s in opt_state["state"].items():
        check_tensors(after["state"][i], s, f"AdamW's state of parameter {i} after a skipped step", atol=0.0, rtol=0.0)
    check(all(g is None for g in t.gradients().values()), "after a skipped step every gradient should be cleared (None)")
    check(t.skipped_steps == 1 and t.step == 1, "after one good and one skipped step: step 1, skipped_steps 1")
    third = t.train_step(*good[2])
    check_history([first, second, third], expected, "good, non-finite, good", **F32)
    check_tensors(t.state_dict(), final, "the weights after the third step", **F32)
    check(t.skipped_steps == 1 and t.step == 2, "after good, skipped, good: step 2, skipped_steps 1")


@pytest.mark.points(4)
def test_trainer_skips_nonfinite_loss_and_counts_across_calls(lab):
    """nan and inf targets (mse) make non-finite losses: each such step is skipped; the count runs across calls."""
    state = init_state(3, 4, 2, seed=130)
    good = [data(6, 3, 2, seed=131 + 2 * i, loss="mse") for i in range(4)]
    nan_y = good[1][1].clone()
    nan_y[0, 0] = float("nan")
    inf_y = good[3][1].clone()
    inf_y[5, 1] = INF
    batches = [(good[0][0], nan_y), good[1], (good[2][0], inf_y), good[2], (good[3][0], nan_y)]
    cfg = dict(d_in=3, d_hidden=4, d_out=2, loss="mse", lr=0.1, momentum=0.9, micro_batch_size=5)
    expected, final, _ = oracle_run(state, batches, **cfg)
    t = lab.Trainer(state, **cfg)
    history = []
    for i, (x, y) in enumerate(batches):
        history.append(t.train_step(x, y))
        skipped = sum(r["skipped"] for r in expected[: i + 1])
        check(t.skipped_steps == skipped, f"skipped_steps should count every skipped step so far ({skipped} after call {i + 1})")
        check(t.step == i + 1 - skipped, f"step should count the optimiser steps taken ({i + 1 - skipped} after call {i + 1})")
    check_history(history, expected, "steps with nan and inf losses", **F32)
    check_tensors(t.state_dict(), final, "the weights after the run", **F32)
    check(all(g is None for g in t.gradients().values()), "the gradients should be cleared after the final skipped step")


@pytest.mark.points(3)
def test_trainer_construction_defaults_and_errors(lab):
    """The state dict is loaded (float64 kept); the documented defaults; ValueError for bad names and sizes."""
    state = init_state(3, 4, 2, seed=140, dtype=torch.float64)
    t = lab.Trainer(state, d_in=3, d_hidden=4, d_out=2)
    check_tensors(t.state_dict(), state, "a new trainer's weights", atol=0.0, rtol=0.0)
    check(t.step == 0 and t.skipped_steps == 0, "a new trainer should have step 0 and skipped_steps 0")
    defaults = lab.get("Trainer.__init__.__kwdefaults__")
    check({k: defaults.get(k) for k in DEFAULTS} == DEFAULTS, "the Trainer's keyword defaults should be the documented ones")
    batches = [data(5, 3, 2, seed=141, dtype=torch.float64)]
    _, history = run_trainer(lab, state, batches, d_in=3, d_hidden=4, d_out=2)
    expected, _, _ = oracle_run(state, batches, d_in=3, d_hidden=4, d_out=2)
    check_history(history, expected, "a trainer with the default settings", **F64)
    edge = lab.Trainer(state, d_in=3, d_hidden=4, d_out=2, micro_batch_size=1, max_grad_norm=0.0)
    check(edge.step == 0, "micro_batch_size=1 and max_grad_norm=0 are valid")
    bad = [
        (dict(loss="hinge"), "loss='hinge'"),
        (dict(optimizer="adam"), "optimizer='adam'"),
        (dict(micro_batch_size=0), "micro_batch_size=0"),
        (dict(max_grad_norm=-1.0), "max_grad_norm=-1"),
    ]
    for kwargs, what in bad:
        with pytest.raises(ValueError):
            lab.Trainer(state, d_in=3, d_hidden=4, d_out=2, **kwargs)
            pytest.fail(f"Trainer accepted {what} (it should raise ValueError)")
