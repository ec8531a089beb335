"""Hidden tests for lab 23 (a language-model training loop).

Oracles: ``torch.nn.functional.cross_entropy`` (with autograd through it for
the gradients), the docstrings' prescribed draws (``torch.randint`` on a
generator) and formulas written here, and a training run of the prescribed
recipe on torch's own modules, optimiser, scheduler and cross-entropy,
computed in this process under ``torch.random.fork_rng``. The resume tests
compare the student's interrupted run with the student's own uninterrupted
run, bit for bit (``torch.equal`` and ``==`` on the losses). Student objects
(trainers, generators) live behind handles; checkpoints are written with
relative paths in a fresh working folder and read back in the student's
worker.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
RUN = dict(atol=1e-4, rtol=1e-4)  # losses of a short training run: another summation order may drift a little


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def randint(high: int, shape: tuple, seed: int) -> torch.Tensor:
    return torch.randint(high, shape, generator=torch.Generator().manual_seed(seed))


def corpus(n: int, vocab: int, seed: int, dtype=np.uint16) -> np.ndarray:
    """A token array with some structure (a noisy cycle), so that training lowers the loss."""
    rng = np.random.default_rng(seed)
    ids = (np.arange(n) * 7 + rng.integers(0, 3, n)) % vocab
    return ids.astype(dtype)


def expected_windows(tokens: np.ndarray, context_length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The docstring's windows, built start by start."""
    n = len(tokens)
    starts = []
    s = 0
    while s + context_length + 1 <= n:
        starts.append(s)
        s += stride
    if starts[-1] + context_length + 1 != n:
        starts.append(n - context_length - 1)
    ids = np.asarray(tokens, dtype=np.int64)
    x = torch.tensor(np.stack([ids[s : s + context_length] for s in starts]))
    y = torch.tensor(np.stack([ids[s + 1 : s + context_length + 1] for s in starts]))
    return x, y


def expected_batch(tokens, batch_size: int, context_length: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """The docstring's draw on generator ``g`` (advances ``g``)."""
    ids = torch.as_tensor(np.asarray(tokens, dtype=np.int64))
    starts = torch.randint(len(ids) - context_length, (batch_size,), generator=g)
    x = torch.stack([ids[s : s + context_length] for s in starts.tolist()])
    y = torch.stack([ids[s + 1 : s + context_length + 1] for s in starts.tolist()])
    return x, y


def check_long(t, shape: tuple, what: str) -> None:
    check(torch.is_tensor(t), f"{what}: expected a torch tensor")
    check(t.dtype == torch.long, f"{what}: expected dtype int64, got {t.dtype}")
    check(tuple(t.shape) == shape, f"{what}: expected shape {shape}, got {tuple(t.shape)}")


def check_equal(actual, expected: torch.Tensor, what: str) -> None:
    check_long(actual, tuple(expected.shape), what)
    wrong = int((actual != expected).sum())
    check(wrong == 0, f"{what}: {wrong} of {expected.numel()} token ids are wrong")


# ---- sliding_windows ------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_sliding_windows_docstring_example(lab):
    """n=10, L=4, stride=3 gives the windows starting at 0, 3 and the tail window at 5; targets are shifted by one."""
    tokens = list(range(100, 110))
    x, y = lab.sliding_windows(tokens, 4, 3)
    ex, ey = expected_windows(np.array(tokens), 4, 3)
    check_equal(x, ex, "the inputs for n=10, L=4, stride=3")
    check_equal(y, ey, "the targets for n=10, L=4, stride=3")


SLIDING_CASES = [
    (9, 4, 2),  # the starts reach n - L - 1 exactly: no tail window
    (23, 5, 4),  # a tail window
    (12, 3, 1),  # every start
    (17, 4, 4),  # stride == L
    (21, 3, 7),  # stride > L: gaps, then the tail window
    (30, 5, 40),  # stride beyond the sequence: the first and the tail window
    (6, 5, 2),  # n == L + 1: one window
    (8, 1, 3),  # L = 1
    (16, 4, 3),  # (n - L - 1) % stride == 2
    (305, 4, 100),  # the starts reach n - L - 1 = 300 exactly (a large int)
]


@pytest.mark.points(4)
def test_sliding_windows_strides_and_tails(lab):
    """Windows for strides below, equal to and above L, with and without a tail window, a single window, L=1."""
    for i, (n, context_length, stride) in enumerate(SLIDING_CASES):
        tokens = corpus(n, 50, seed=i, dtype=np.int64)
        x, y = lab.sliding_windows(tokens, context_length, stride)
        ex, ey = expected_windows(tokens, context_length, stride)
        what = f"n={n}, context_length={context_length}, stride={stride}"
        check_equal(x, ex, f"the inputs for {what}")
        check_equal(y, ey, f"the targets for {what}")


@pytest.mark.points(2)
def test_sliding_windows_input_types(lab):
    """uint16 arrays with ids up to 65535, int32 arrays, int64 and int32 tensors and lists all give int64 windows."""
    big = (60000 + corpus(29, 5000, seed=3, dtype=np.int64)).astype(np.uint16)
    cases = [
        ("a uint16 array with ids above 32767", big),
        ("an int32 array", corpus(29, 50, seed=4, dtype=np.int32)),
        ("an int64 tensor", torch.as_tensor(corpus(29, 50, seed=5, dtype=np.int64))),
        ("an int32 tensor", torch.as_tensor(corpus(29, 50, seed=6, dtype=np.int32))),
        ("a list", corpus(29, 50, seed=7, dtype=np.int64).tolist()),
    ]
    for what, tokens in cases:
        x, y = lab.sliding_windows(tokens, 6, 5)
        ex, ey = expected_windows(np.asarray(tokens), 6, 5)
        check_equal(x, ex, f"the inputs for {what}")
        check_equal(y, ey, f"the targets for {what}")


@pytest.mark.points(2)
def test_sliding_windows_errors(lab):
    """ValueError for context_length < 1, stride < 1, too few tokens, 2-D or float tokens (after a valid call succeeds)."""
    tokens = np.arange(10)
    x, _ = lab.sliding_windows(tokens, 9, 1)
    check_long(x, (1, 9), "the inputs for n == L + 1")
    bad = [
        ((tokens, 0, 1), "context_length=0"),
        ((tokens, 4, 0), "stride=0"),
        ((tokens, 3, -2), "stride=-2"),
        ((tokens, 10, 1), "len(tokens) == context_length"),
        ((tokens, 12, 1), "len(tokens) < context_length"),
        ((tokens.reshape(2, 5), 2, 1), "2-D tokens"),
        ((np.arange(60).reshape(20, 3), 2, 1), "2-D tokens of 20 rows"),
        ((torch.arange(60).reshape(20, 3), 2, 1), "a 2-D tensor of 20 rows"),
        ((torch.tensor(5), 2, 1), "a 0-d tensor"),
        ((tokens.astype(np.float32), 2, 1), "float tokens"),
        ((torch.arange(10.0), 2, 1), "a float tensor"),
    ]
    for args, what in bad:
        with pytest.raises(ValueError):
            lab.sliding_windows(*args)
            pytest.fail(f"sliding_windows accepted {what} (it should raise ValueError)")


# ---- get_batch ------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_get_batch_matches_prescribed_draw(lab):
    """get_batch with a seeded generator gives the windows at torch.randint(n - L, (B,), generator) and targets shifted by one."""
    torch_ = lab.get("torch")
    for i, (n, batch_size, context_length) in enumerate([(50, 4, 8), (13, 7, 12), (200, 1, 1), (64, 16, 5)]):
        tokens = corpus(n, 40, seed=10 + i)
        g = torch_.Generator().manual_seed(100 + i)
        x, y = lab.get_batch(tokens, batch_size, context_length, "cpu", g)
        ex, ey = expected_batch(tokens, batch_size, context_length, torch.Generator().manual_seed(100 + i))
        what = f"n={n}, batch_size={batch_size}, context_length={context_length}"
        check_equal(x, ex, f"x for {what}")
        check_equal(y, ey, f"y for {what}")


@pytest.mark.points(3)
def test_get_batch_generator_advances_and_global_rng(lab):
    """Successive calls advance the generator (the 2nd and 3rd batches are the next draws); generator=None uses torch's global RNG."""
    tokens = corpus(80, 30, seed=20)
    g = lab.get("torch").Generator().manual_seed(5)
    oracle = torch.Generator().manual_seed(5)
    for call in range(3):
        x, y = lab.get_batch(tokens, 6, 7, "cpu", g)
        ex, ey = expected_batch(tokens, 6, 7, oracle)
        check_equal(x, ex, f"x of call {call + 1} with one generator")
        check_equal(y, ey, f"y of call {call + 1} with one generator")

    lab.manual_seed(11)
    first = lab.get_batch(tokens, 6, 7)
    second = lab.get_batch(tokens, 6, 7, "cpu", None)
    with torch.random.fork_rng():
        torch.manual_seed(11)
        g_global = torch.default_generator
        e1 = expected_batch(tokens, 6, 7, g_global)
        e2 = expected_batch(tokens, 6, 7, g_global)
    check_equal(first[0], e1[0], "x with generator=None after torch.manual_seed(11)")
    check_equal(second[1], e2[1], "y of a second call with generator=None")


@pytest.mark.points(2)
def test_get_batch_every_start_reachable(lab):
    """Over many draws every start 0 .. n-L-1 occurs (and no other), each y row is its x row shifted by one."""
    n, context_length = 12, 8  # starts 0 .. 3
    tokens = np.arange(1000, 1000 + n, dtype=np.int64)
    lab.manual_seed(3)
    x, y = lab.get_batch(tokens, 400, context_length)
    check_long(x, (400, context_length), "x")
    check_long(y, (400, context_length), "y")
    starts = set((x[:, 0] - 1000).tolist())
    check(starts == set(range(n - context_length)), "the windows' starts should cover exactly 0 .. len(tokens) - context_length - 1")
    check(bool((x[:, 1:] == x[:, :1] + torch.arange(1, context_length)).all()), "each row of x should be a contiguous window of tokens")
    check(bool((y == x + 1).all()), "each row of y should be its row of x shifted by one token")


@pytest.mark.points(3)
def test_get_batch_token_types_and_devices(lab):
    """uint16 ids above 32767, int32 arrays, int64 and int32 tensors; device as a string or a torch.device."""
    torch_ = lab.get("torch")
    cpu = torch_.device("cpu")  # a torch.device made where the student's code runs
    big = (60000 + corpus(40, 5000, seed=30, dtype=np.int64)).astype(np.uint16)
    cases = [
        ("a uint16 array with ids above 32767", big, "cpu"),
        ("an int32 array", corpus(40, 50, seed=31, dtype=np.int32), cpu),
        ("an int64 tensor", torch.as_tensor(corpus(40, 50, seed=32, dtype=np.int64)), "cpu"),
        ("an int32 tensor", torch.as_tensor(corpus(40, 50, seed=33, dtype=np.int32)), cpu),
    ]
    for i, (what, tokens, device) in enumerate(cases):
        x, y = lab.get_batch(tokens, 5, 9, device, torch_.Generator().manual_seed(i))
        ex, ey = expected_batch(np.asarray(tokens), 5, 9, torch.Generator().manual_seed(i))
        check_equal(x, ex, f"x for {what}")
        check_equal(y, ey, f"y for {what}")


@pytest.mark.points(2)
def test_get_batch_memmap_reads_only_the_windows(lab, tmp_path):
    """On a 20M-token uint16 np.memmap (a real token file), get_batch gives the right windows without converting the file."""
    n = 20_000_000
    path = tmp_path / "tokens.bin"
    (np.arange(n, dtype=np.int64) % 65521).astype(np.uint16).tofile(path)
    tokens = lab.get("np").memmap(lab.put_file(path), dtype="uint16", mode="r")
    lab.reset_memory_peak()
    x, y = lab.get_batch(tokens, 8, 32, "cpu", lab.get("torch").Generator().manual_seed(3))
    peak = lab.memory_peak_mb()
    starts = torch.randint(n - 32, (8,), generator=torch.Generator().manual_seed(3))
    expected = (starts[:, None] + torch.arange(33)) % 65521
    check_equal(x, expected[:, :-1], "x from the memmap")
    check_equal(y, expected[:, 1:], "y from the memmap")
    check(peak < 30, f"get_batch on a 40 MB token file used {peak:.0f} MB: index the windows, do not convert the whole array")


@pytest.mark.points(2)
def test_get_batch_errors(lab):
    """ValueError for batch_size < 1, context_length < 1, len(tokens) <= context_length, 2-D or float tokens."""
    tokens = np.arange(10)
    x, _ = lab.get_batch(tokens, 2, 9)
    check_long(x, (2, 9), "x for len(tokens) == context_length + 1")
    bad = [
        ((tokens, 0, 3), "batch_size=0"),
        ((tokens, 2, 0), "context_length=0"),
        ((tokens, 2, 10), "len(tokens) == context_length"),
        ((tokens, 2, 11), "len(tokens) < context_length"),
        ((tokens.reshape(2, 5), 1, 2), "2-D tokens"),
        ((np.arange(60).reshape(20, 3), 1, 2), "2-D tokens of 20 rows"),
        ((torch.arange(60).reshape(20, 3), 1, 2), "a 2-D tensor of 20 rows"),
        ((torch.tensor(5), 1, 2), "a 0-d tensor"),
        ((tokens.astype(np.float64), 1, 2), "float tokens"),
        ((torch.ones(10, dtype=torch.bool), 1, 2), "a bool tensor"),
        ((torch.ones(10, dtype=torch.complex64), 1, 2), "a complex tensor"),
        ((torch.arange(10.0), 1, 2), "a float tensor"),
    ]
    for args, what in bad:
        with pytest.raises(ValueError):
            lab.get_batch(*args)
            pytest.fail(f"get_batch accepted {what} (it should raise ValueError)")


# ---- cross_entropy --------------------------------------------------------------------------------


def torch_ce(logits, targets, ignore_index=-100, reduction="mean"):
    v = logits.shape[-1]
    out = F.cross_entropy(logits.reshape(-1, v), targets.reshape(-1).long(), ignore_index=ignore_index, reduction=reduction)
    return out.reshape(targets.shape) if reduction == "none" else out


def with_ignored(targets: torch.Tensor, every: int, value: int = -100) -> torch.Tensor:
    t = targets.clone()
    t.view(-1)[::every] = value
    return t


@pytest.mark.parametrize(
    "dtype",
    [
        pytest.param(torch.float32, id="float32", marks=pytest.mark.points(3)),
        pytest.param(torch.float64, id="float64", marks=pytest.mark.points(2)),
    ],
)
def test_cross_entropy_matches_torch(lab, dtype):
    """cross_entropy of (N, V), (B, T, V) and (V,) logits, some targets -100, equals F.cross_entropy (mean)."""
    tol = F32 if dtype == torch.float32 else F64
    logits = 3 * randn(10, 17, seed=40, dtype=dtype)
    targets = with_ignored(randint(17, (10,), seed=41), 4)
    assert_close(lab.cross_entropy(logits, targets), torch_ce(logits, targets), **tol, what="the loss of (N, V) logits")
    logits = 2 * randn(3, 5, 11, seed=42, dtype=dtype)
    targets = with_ignored(randint(11, (3, 5), seed=43), 3)
    assert_close(lab.cross_entropy(logits, targets), torch_ce(logits, targets), **tol, what="the loss of (B, T, V) logits")
    logits, target = 2 * randn(9, seed=44, dtype=dtype), torch.tensor(4)
    assert_close(lab.cross_entropy(logits, target), torch_ce(logits, target), **tol, what="the loss of 1-D logits and a 0-d target")


@pytest.mark.points(4)
def test_cross_entropy_large_float32_logits(lab):
    """float32 logits of size 1e4 (spread, offset by +1e4 and by -1e4, targets 1e4 below the max) give torch's finite losses."""
    targets = randint(23, (6, 9), seed=50)
    cases = [
        ("logits 1e4 * noise", 1e4 * randn(6, 9, 23, seed=51)),
        ("logits 1e4 + noise", 1e4 + randn(6, 9, 23, seed=52)),
        ("logits -1e4 + noise", -1e4 + randn(6, 9, 23, seed=53)),
    ]
    far = randn(6, 9, 23, seed=54)
    far.scatter_(-1, targets.unsqueeze(-1), -1e4)  # the target's logit lies 1e4 below the others
    cases.append(("targets whose logit is 1e4 below the rest", far))
    for what, logits in cases:
        for reduction in ("mean", "none"):
            out = lab.cross_entropy(logits, targets, reduction=reduction)
            check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), f"{what}: the loss ({reduction}) has inf or NaN")
            exact = torch_ce(logits.double(), targets, reduction=reduction).float()
            assert_close(out, exact, atol=1e-2, rtol=1e-5, what=f"the loss ({reduction}) for {what}")


@pytest.mark.points(4)
def test_cross_entropy_ignore_index(lab):
    """Skipped targets are not counted in the mean; ignore_index 0 (a class id), 5 and -1; V = 1; an empty batch; every target skipped: mean NaN, sum 0."""
    logits = randn(4, 6, 9, seed=60, dtype=torch.float64)
    targets = randint(9, (4, 6), seed=61)
    mostly = with_ignored(targets, 1)
    mostly.view(-1)[::5] = targets.view(-1)[::5]  # 5 of 24 positions counted
    assert_close(lab.cross_entropy(logits, mostly), torch_ce(logits, mostly), **F64, what="the mean with 19 of 24 targets -100")
    for ignore in (0, 5, -1):
        t = targets if ignore != -1 else with_ignored(targets, 3, -1)
        for reduction in ("mean", "sum"):
            out = lab.cross_entropy(logits, t, ignore_index=ignore, reduction=reduction)
            assert_close(out, torch_ce(logits, t, ignore, reduction), **F64, what=f"the {reduction} with ignore_index={ignore}")
    one_class = randn(3, 1, seed=62, dtype=torch.float64)
    t = torch.tensor([0, -100, 0])
    for reduction in ("mean", "none"):
        out = lab.cross_entropy(one_class, t, reduction=reduction)
        assert_close(out, torch_ce(one_class, t, reduction=reduction), **F64, what=f"the loss ({reduction}) with V = 1 and a skipped target")
    empty = randn(0, 5, seed=63, dtype=torch.float64)
    out = lab.cross_entropy(empty, torch.zeros(0, dtype=torch.long), reduction="sum")
    assert_close(out, torch.tensor(0.0, dtype=torch.float64), atol=0, rtol=0, what="the summed loss of an empty batch")
    out = lab.cross_entropy(empty, torch.zeros(0, dtype=torch.long), reduction="none")
    check(torch.is_tensor(out) and tuple(out.shape) == (0,), "the per-position losses of an empty batch should have shape (0,)")
    all_skipped = torch.full((4, 6), -100)
    out = lab.cross_entropy(logits, all_skipped)
    check(torch.is_tensor(out) and out.dim() == 0 and bool(torch.isnan(out)), "the mean loss with every target skipped should be NaN (0 / 0), as torch gives")
    out = lab.cross_entropy(logits, all_skipped, reduction="sum")
    assert_close(out, torch.tensor(0.0, dtype=torch.float64), atol=0, rtol=0, what="the summed loss with every target skipped")


@pytest.mark.points(3)
def test_cross_entropy_reductions(lab):
    """reduction 'sum' and 'none' (shape of targets, 0 at skipped positions) equal torch's; the defaults are -100 and 'mean'."""
    logits = randn(3, 4, 7, seed=70, dtype=torch.float64)
    targets = with_ignored(randint(7, (3, 4), seed=71), 5)
    out = lab.cross_entropy(logits, targets, -100, "".join(["su", "m"]))  # a fresh string: compare with ==, not is
    assert_close(out, torch_ce(logits, targets, reduction="sum"), **F64, what="the summed loss")
    check(out.dim() == 0, "the summed loss should be a 0-d tensor")
    out = lab.cross_entropy(logits, targets, reduction="".join(["no", "ne"]))
    assert_close(out, torch_ce(logits, targets, reduction="none"), **F64, what="the per-position losses ('none')")
    out = lab.cross_entropy(logits, targets)
    assert_close(out, torch_ce(logits, targets), **F64, what="the loss with the default arguments")
    check(out.dim() == 0, "the mean loss should be a 0-d tensor")
    check(lab.get("cross_entropy.__defaults__") == (-100, "mean"), "the defaults should be ignore_index=-100, reduction='mean'")


def autograd_grad(logits, targets, g, **kwargs):
    leaf = logits.clone().requires_grad_(True)
    torch_ce(leaf, targets, **kwargs).backward(g)
    return leaf.grad


@pytest.mark.points(4)
def test_cross_entropy_gradients(lab):
    """Gradients through cross_entropy equal autograd through F.cross_entropy: mean, sum, 'none', ignored rows, size-1e4 float32 logits."""
    logits = randn(5, 6, 8, seed=80, dtype=torch.float64)
    targets = with_ignored(randint(8, (5, 6), seed=81), 4)
    for reduction, g in (("mean", torch.tensor(1.7, dtype=torch.float64)), ("sum", torch.tensor(-0.5, dtype=torch.float64))):
        res = lab.vjp(lab.cross_entropy, logits, targets, grad_output=g, ignore_index=-100, reduction=reduction)
        assert_close(res.grads[0], autograd_grad(logits, targets, g, reduction=reduction), **F64, what=f"the gradient ({reduction})")
    g = randn(5, 6, seed=82, dtype=torch.float64)
    res = lab.vjp(lab.cross_entropy, logits, targets, grad_output=g, reduction="none")
    expected = autograd_grad(logits, targets, g, reduction="none")
    assert_close(res.grads[0], expected, **F64, what="the gradient ('none', a random upstream gradient)")
    check(bool((res.grads[0][targets == -100] == 0).all()), "skipped positions should get a zero gradient")

    logits = 1e4 * randn(4, 9, 13, seed=83)
    targets = with_ignored(randint(13, (4, 9), seed=84), 5)
    g = torch.tensor(1.0)
    res = lab.vjp(lab.cross_entropy, logits, targets, grad_output=g)
    grad = res.grads[0]
    check(torch.is_tensor(grad) and bool(torch.isfinite(grad).all()), "the gradient for logits of size 1e4 has inf or NaN")
    assert_close(grad, autograd_grad(logits.double(), targets, g.double()).float(), atol=1e-6, rtol=1e-4, what="the gradient for logits of size 1e4")


@pytest.mark.points(1)
def test_cross_entropy_integer_target_dtypes(lab):
    """int32 targets give the same loss as int64 targets."""
    logits = randn(8, 5, seed=90, dtype=torch.float64)
    targets = with_ignored(randint(5, (8,), seed=91), 3)
    assert_close(lab.cross_entropy(logits, targets.int()), torch_ce(logits, targets), **F64, what="the loss with int32 targets")


@pytest.mark.points(2)
def test_cross_entropy_errors(lab):
    """ValueError for an unknown reduction, mismatched shapes, V = 0 and targets outside [0, V) that are not ignore_index."""
    logits = randn(4, 5, seed=95)
    targets = torch.tensor([0, 4, -100, 2])
    out = lab.cross_entropy(logits, targets)
    check(torch.is_tensor(out) and bool(torch.isfinite(out)), "a valid call should return a finite loss")
    bad = [
        ((logits, targets), dict(reduction="average"), "reduction='average'"),
        ((logits, targets[:3]), {}, "3 targets for 4 rows"),
        ((logits.reshape(2, 2, 5), targets), {}, "targets of shape (4,) for logits (2, 2, 5)"),
        ((logits[:, :0], torch.full((4,), -100)), {}, "V = 0 (every target skipped)"),
        ((torch.zeros(0, 0), torch.zeros(0, dtype=torch.long)), {}, "V = 0 with no positions"),
        ((logits, torch.tensor([0, 7, 1, 2])), {}, "the target 7 with V = 5"),
        ((logits[0], torch.tensor(5)), {}, "1-D logits (V = 5) and the 0-d target 5"),
        ((torch.tensor(1.5), torch.tensor(0)), {}, "0-d logits"),
        ((logits, torch.tensor([0, 5, 1, 2])), {}, "the target 5 with V = 5"),
        ((logits, torch.tensor([0, -1, 1, 2])), {}, "the target -1 (ignore_index -100)"),
        ((logits, targets), dict(ignore_index=0), "the target -100 with ignore_index=0"),
    ]
    for args, kwargs, what in bad:
        with pytest.raises(ValueError):
            lab.cross_entropy(*args, **kwargs)
            pytest.fail(f"cross_entropy accepted {what} (it should raise ValueError)")


# ---- lr_factor ------------------------------------------------------------------------------------


def expected_factor(step: int, warmup: int, max_steps: int, min_factor: float) -> float:
    if step < warmup:
        return (step + 1) / warmup
    p = min(step, max_steps) - warmup
    return min_factor + (1 - min_factor) * (1 + math.cos(math.pi * p / (max_steps - warmup))) / 2


@pytest.mark.points(3)
def test_lr_factor_matches_formula(lab):
    """lr_factor over whole schedules (warmup, cosine, after max_steps) equals the docstring's formula."""
    for warmup, max_steps, min_factor in ((3, 10, 0.1), (0, 5, 0.0), (1, 2, 0.5), (4, 7, 1.0)):
        args = [(s, warmup, max_steps, min_factor) for s in range(max_steps + 4)]
        got = lab.map(lab.lr_factor, args)
        for (s, *_), value in zip(args, got):
            check(isinstance(value, float), "lr_factor should return a Python float")
            assert_close(value, expected_factor(s, warmup, max_steps, min_factor), atol=1e-12, rtol=1e-12,
                         what=f"lr_factor at step {s} (warmup {warmup}, max_steps {max_steps}, min_factor {min_factor})")


@pytest.mark.points(3)
def test_lr_factor_named_values(lab):
    """Step 0 is 1/warmup (not 0); the warmup ends at exactly 1; max_steps and beyond give min_factor; warmup 0; default min_factor 0.1."""
    named = [
        ((0, 4, 10), 0.25, "step 0 of a 4-step warmup"),
        ((3, 4, 10), 1.0, "the last warmup step"),
        ((4, 4, 10), 1.0, "step == warmup_steps"),
        ((10, 4, 10), 0.1, "step == max_steps"),
        ((25, 4, 10), 0.1, "step > max_steps"),
        ((0, 0, 6), 1.0, "step 0 without warmup"),
        ((3, 0, 6), 0.55, "the middle of the cosine without warmup"),
        ((0, 1, 2, 0.0), 1.0, "step 0 of a 1-step warmup"),
        ((2, 1, 2, 0.0), 0.0, "the end with min_factor 0"),
        ((5, 1, 3, 0.3), 0.3, "after the end with min_factor 0.3"),
    ]
    for args, value, what in named:
        assert_close(lab.lr_factor(*args), value, atol=1e-12, rtol=1e-12, what=f"lr_factor at {what}")


@pytest.mark.points(2)
def test_lr_factor_errors(lab):
    """ValueError for step < 0, warmup_steps < 0, max_steps <= warmup_steps, min_factor outside [0, 1]."""
    assert_close(lab.lr_factor(2, 2, 3, 0.0), 1.0, atol=1e-12, rtol=0, what="lr_factor(2, 2, 3, 0.0)")
    for args, what in (
        ((-1, 2, 10), "step=-1"),
        ((0, -1, 10), "warmup_steps=-1"),
        ((0, 5, 5), "max_steps == warmup_steps"),
        ((0, 5, 4), "max_steps < warmup_steps"),
        ((0, 2, 10, -0.1), "min_factor=-0.1"),
        ((0, 2, 10, 1.5), "min_factor=1.5"),
    ):
        with pytest.raises(ValueError):
            lab.lr_factor(*args)
            pytest.fail(f"lr_factor accepted {what} (it should raise ValueError)")


# ---- TinyLM ---------------------------------------------------------------------------------------


class OracleLM(nn.Module):
    def __init__(self, vocab_size: int, d_model: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        return self.head(self.dropout(self.embedding(idx)))


def oracle_model(seed: int, vocab_size: int, d_model: int, dropout: float = 0.0) -> OracleLM:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return OracleLM(vocab_size, d_model, dropout)


def check_state(actual: dict, expected: dict, what: str, exact: bool = False) -> None:
    check(isinstance(actual, dict) and set(actual) == set(expected), f"{what}: the state_dict keys should be {sorted(expected)}")
    for key, value in expected.items():
        if exact:
            check(torch.is_tensor(actual[key]) and torch.equal(actual[key], value), f"{what}: {key} is not bit for bit the same")
        else:
            assert_close(actual[key], value, **RUN, what=f"{what}: {key}")


@pytest.mark.points(3)
def test_tiny_lm_init_and_forward(lab):
    """TinyLM's parameters (names, torch's default init in the prescribed order) and its logits for 2-D and 1-D ids."""
    lab.manual_seed(7)
    model = lab.TinyLM(19, 6)
    oracle = oracle_model(7, 19, 6)
    check_state(model.state_dict(), oracle.state_dict(), "TinyLM(19, 6) after torch.manual_seed(7)", exact=True)
    for idx in (randint(19, (3, 5), seed=100), randint(19, (4,), seed=101)):
        with torch.no_grad():
            expected = oracle(idx)
        assert_close(model(idx), expected, **F32, what=f"the logits for ids of shape {tuple(idx.shape)}")


@pytest.mark.points(3)
def test_tiny_lm_dropout(lab):
    """Dropout uses torch's global RNG in training mode (same masks as nn.Dropout) and is off in eval mode; the default is 0."""
    idx = randint(11, (4, 6), seed=110)
    lab.manual_seed(8)
    model = lab.TinyLM(11, 10, 0.5)
    oracle = oracle_model(8, 11, 10, 0.5)
    check(model.training, "a new TinyLM should be in training mode")
    lab.manual_seed(9)
    out = model(idx)
    with torch.random.fork_rng(), torch.no_grad():
        torch.manual_seed(9)
        expected = oracle(idx)
    assert_close(out, expected, **F32, what="the logits in training mode with dropout 0.5 after torch.manual_seed(9)")
    model.eval()
    oracle.eval()
    with torch.no_grad():
        expected = oracle(idx)
    assert_close(model(idx), expected, **F32, what="the logits in eval mode (no dropout)")
    lab.manual_seed(8)
    plain = lab.TinyLM(11, 10)
    assert_close(plain(idx), expected, **F32, what="the logits of TinyLM(11, 10) (default dropout 0) in training mode")


# ---- the trainer ----------------------------------------------------------------------------------

VOCAB = 24


def data(seed: int = 0, dtype=np.uint16) -> tuple[np.ndarray, np.ndarray]:
    return corpus(600, VOCAB, seed=seed, dtype=dtype), corpus(200, VOCAB, seed=seed + 1, dtype=dtype)


DEFAULTS = dict(
    d_model=16, dropout=0.1, context_length=8, batch_size=4, lr=1e-2, weight_decay=0.0, grad_clip=1.0,
    warmup_steps=2, max_steps=20, min_factor=0.1, eval_every=5, eval_batches=2, seed=0, device="cpu",
)


def oracle_run(train, val, steps: int, **kwargs) -> tuple[list[dict], dict]:
    """The docstring's recipe on torch's modules and F.cross_entropy: the history and the final state_dict."""
    c = {**DEFAULTS, **kwargs}
    L, B = c["context_length"], c["batch_size"]
    with torch.random.fork_rng():
        torch.manual_seed(c["seed"])
        model = OracleLM(c["vocab_size"], c["d_model"], c["dropout"])
        opt = torch.optim.AdamW(model.parameters(), lr=c["lr"], weight_decay=c["weight_decay"])
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: expected_factor(s, c["warmup_steps"], c["max_steps"], c["min_factor"])
        )
        g = torch.Generator().manual_seed(c["seed"])

        def evaluate() -> float:
            model.eval()
            ge = torch.Generator().manual_seed(c["seed"] + 1)
            with torch.no_grad():
                losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
                          for x, y in (expected_batch(val, B, L, ge) for _ in range(c["eval_batches"]))]
            return sum(losses) / len(losses)

        history = []
        for step in range(1, steps + 1):
            model.train()
            lr = opt.param_groups[0]["lr"]
            x, y = expected_batch(train, B, L, g)
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
            opt.zero_grad()
            loss.backward()
            if c["grad_clip"] is not None:
                nn.utils.clip_grad_norm_(model.parameters(), c["grad_clip"])
            opt.step()
            sched.step()
            due = c["eval_every"] is not None and step % c["eval_every"] == 0
            history.append({"step": step, "loss": loss.item(), "lr": lr, "val_loss": evaluate() if due else None})
        return history, {k: v.detach().clone() for k, v in model.state_dict().items()}


HISTORY_KEYS = {"step", "loss", "lr", "val_loss"}


def check_history(history, expected: list[dict], what: str) -> None:
    check(isinstance(history, list) and len(history) == len(expected), f"{what}: fit should return one dict per step ({len(expected)})")
    for row, exp in zip(history, expected):
        check(isinstance(row, dict) and set(row) == HISTORY_KEYS, f"{what}: each row should have exactly the keys {sorted(HISTORY_KEYS)}")
        n = exp["step"]
        check(isinstance(row["step"], int) and row["step"] == n, f"{what}: the rows' 'step' should count the steps taken (row for step {n})")
        check(isinstance(row["loss"], float), f"{what}: 'loss' should be a Python float (step {n})")
        assert_close(row["loss"], exp["loss"], **RUN, what=f"{what}: the training loss of step {n}")
        check(isinstance(row["lr"], float), f"{what}: 'lr' should be a Python float (step {n})")
        assert_close(row["lr"], exp["lr"], atol=1e-12, rtol=1e-9, what=f"{what}: the learning rate of step {n}")
        if exp["val_loss"] is None:
            check(row["val_loss"] is None, f"{what}: 'val_loss' should be None at step {n} (no evaluation due)")
        else:
            check(isinstance(row["val_loss"], float), f"{what}: 'val_loss' should be a float at step {n} (an evaluation is due)")
            assert_close(row["val_loss"], exp["val_loss"], **RUN, what=f"{what}: the validation loss at step {n}")


@pytest.mark.points(2)
def test_trainer_construction(lab):
    """A new Trainer: the model's initial weights, the first learning rate, step 0, the generator's state, the defaults."""
    train, val = data()
    lab.manual_seed(1234)  # the trainer seeds itself
    t = lab.Trainer(train, val, vocab_size=VOCAB, d_model=12, seed=5, lr=0.03, warmup_steps=4)
    check_state(t.model.state_dict(), oracle_model(5, VOCAB, 12, 0.1).state_dict(), "the initial model (seed 5)", exact=True)
    check(t.step == 0, "a new trainer's step should be 0")
    assert_close(t.optimizer.param_groups[0]["lr"], 0.03 / 4, atol=1e-12, rtol=1e-9, what="the learning rate before the first step")
    state = t.generator.get_state()
    check(torch.is_tensor(state) and torch.equal(state, torch.Generator().manual_seed(5).get_state()),
          "the trainer's generator should be torch.Generator().manual_seed(seed)")
    defaults = lab.get("Trainer.__init__.__kwdefaults__")
    check(defaults == DEFAULTS, "the Trainer's keyword defaults should be the documented ones")


@pytest.mark.points(6)
def test_fit_matches_oracle_run(lab):
    """fit's history (loss, lr, val_loss every 3rd step) and final weights equal the prescribed recipe on torch's modules."""
    train, val = data(seed=1)
    cfg = dict(vocab_size=VOCAB, dropout=0.2, grad_clip=0.05, weight_decay=0.1, warmup_steps=2, max_steps=8,
               eval_every=3, eval_batches=2, seed=3, lr=0.02)
    lab.manual_seed(99)
    t = lab.Trainer(train, val, **cfg)
    history = t.fit(10)
    expected, state = oracle_run(train, val, 10, **cfg)
    check_history(history, expected, "fit(10)")
    check(t.step == 10, "step should be 10 after fit(10)")
    check_state(t.model.state_dict(), state, "the weights after fit(10)")
    check(history[-1]["loss"] < history[0]["loss"], "the training loss did not fall")


@pytest.mark.points(4)
def test_fit_options(lab):
    """grad_clip=None, eval_every=None, no dropout, warmup 0, int32 tensors and int64 arrays as tokens: fit equals the recipe."""
    train, val = data(seed=2, dtype=np.int32)
    cfg = dict(vocab_size=VOCAB, dropout=0.0, grad_clip=None, eval_every=None, warmup_steps=0, max_steps=6, seed=4,
               batch_size=3, context_length=5, lr=0.05)
    t = lab.Trainer(torch.as_tensor(train), torch.as_tensor(val), **cfg)
    check_history(t.fit(6), oracle_run(train, val, 6, **cfg)[0], "grad_clip=None, eval_every=None")
    train, val = data(seed=3, dtype=np.int64)
    cfg = dict(vocab_size=VOCAB, dropout=0.5, eval_every=1, eval_batches=3, warmup_steps=3, max_steps=5, seed=6,
               grad_clip=2.0)
    t = lab.Trainer(train, val, **cfg)
    check_history(t.fit(5), oracle_run(train, val, 5, **cfg)[0], "eval_every=1, eval_batches=3, dropout 0.5")


@pytest.mark.points(2)
def test_fit_across_calls(lab):
    """fit(3) then fit(4) equals fit(7) (steps and evaluations counted across calls); fit(0) changes nothing; fit(-1) raises."""
    train, val = data(seed=4)
    cfg = dict(vocab_size=VOCAB, eval_every=2, max_steps=10, seed=7)
    t = lab.Trainer(train, val, **cfg)
    check(t.fit(0) == [], "fit(0) should return []")
    check(t.step == 0, "fit(0) should not change step")
    history = t.fit(3) + t.fit(0) + t.fit(4)
    check_history(history, oracle_run(train, val, 7, **cfg)[0], "fit(3), fit(0), fit(4)")
    with pytest.raises(ValueError):
        t.fit(-1)
        pytest.fail("fit(-1) should raise ValueError")


@pytest.mark.points(5)
def test_train_step_and_evaluate(lab):
    """train_step's loss; evaluate: the eval-mode mean over fixed batches, repeatable, mode restored, no RNG advanced."""
    train, val = data(seed=5)
    cfg = dict(vocab_size=VOCAB, dropout=0.5, eval_every=None, seed=8, eval_batches=3, batch_size=5)
    expected, _ = oracle_run(train, val, 2, **{**cfg, "eval_every": 1})
    torch_ = lab.get("torch")
    t = lab.Trainer(train, val, **cfg)
    gen_state, rng_state = t.generator.get_state(), torch_.get_rng_state()
    first = t.evaluate()
    check(isinstance(first, float), "evaluate should return a Python float")
    check(t.model.training, "after evaluate the model should be back in training mode")
    check(torch.equal(t.generator.get_state(), gen_state), "evaluate should not draw from the training generator")
    check(torch.equal(torch_.get_rng_state(), rng_state), "evaluate should not draw from torch's global RNG (no dropout in eval mode)")
    t.model.eval()
    check(t.evaluate() == first, "evaluate should give the same value at every call (fixed batches, no dropout)")
    check(not t.model.training, "evaluate should leave a model that was in eval mode in eval mode")
    t.model.train()
    loss = t.train_step()
    check(isinstance(loss, float), "train_step should return a Python float")
    assert_close(loss, expected[0]["loss"], **RUN, what="train_step's loss")
    check(t.step == 1, "step should be 1 after one train_step")
    t.train_step()
    assert_close(t.evaluate(), expected[1]["val_loss"], **RUN, what="evaluate's loss after two steps")


@pytest.mark.points(2)
def test_trainer_errors(lab):
    """ValueError at construction for eval_every 0, eval_batches 0, grad_clip 0, short token arrays, batch_size 0, a bad schedule."""
    train, val = data(seed=6)
    t = lab.Trainer(train, val, vocab_size=VOCAB, eval_every=None, grad_clip=None, context_length=199)
    check(t.step == 0, "a valid trainer (context_length 199 with 200 validation tokens) should build")
    t = lab.Trainer(train, val, vocab_size=VOCAB, eval_every=1, eval_batches=1, batch_size=1, context_length=1)
    check(t.step == 0, "a valid trainer (eval_every, eval_batches, batch_size and context_length 1) should build")
    bad = [
        (dict(eval_every=0), "eval_every=0"),
        (dict(eval_batches=0), "eval_batches=0"),
        (dict(grad_clip=0.0), "grad_clip=0"),
        (dict(grad_clip=-1.0), "grad_clip=-1"),
        (dict(context_length=200), "context_length == len(val_tokens)"),
        (dict(context_length=0), "context_length=0"),
        (dict(batch_size=0), "batch_size=0"),
        (dict(warmup_steps=5, max_steps=5), "max_steps == warmup_steps"),
        (dict(min_factor=2.0), "min_factor=2"),
    ]
    for kwargs, what in bad:
        with pytest.raises(ValueError):
            lab.Trainer(train, val, vocab_size=VOCAB, **kwargs)
            pytest.fail(f"Trainer accepted {what} (it should raise ValueError)")
    for short in (8, 5):
        with pytest.raises(ValueError):
            lab.Trainer(train[:short], val, vocab_size=VOCAB)
            pytest.fail(f"Trainer accepted {short} training tokens with context_length 8 (it should raise ValueError)")


# ---- checkpoints ----------------------------------------------------------------------------------


@contextlib.contextmanager
def in_folder(tmp_path):
    """Run the student's code with a fresh working folder (checkpoint paths are relative)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        yield


def global_states(lab) -> tuple:
    return lab.get("random").getstate(), lab.get("np").random.get_state(), lab.get("torch").get_rng_state()


def same_states(actual: tuple, expected: tuple) -> dict:
    py, npy, tch = actual
    epy, enp, etch = expected
    return {
        "python": py == epy,
        "numpy": npy[0] == enp[0] and np.array_equal(npy[1], enp[1]) and tuple(npy[2:]) == tuple(enp[2:]),
        "torch": torch.equal(tch, etch),
    }


RESUME_CASES = [
    pytest.param(
        dict(dropout=0.3, eval_every=2, grad_clip=0.5, warmup_steps=3, max_steps=8, seed=11), 10, 5,
        id="after_warmup", marks=pytest.mark.points(5),
    ),
    pytest.param(
        dict(dropout=0.5, eval_every=3, grad_clip=None, warmup_steps=4, max_steps=9, seed=12, weight_decay=0.1), 7, 2,
        id="during_warmup", marks=pytest.mark.points(5),
    ),
]


@pytest.mark.parametrize(("cfg", "total", "stop"), RESUME_CASES)
def test_resume_equals_uninterrupted_run(lab, tmp_path, cfg, total, stop):
    """A run stopped at a checkpoint and resumed in a fresh trainer (global RNGs scrambled) equals the uninterrupted run bit for bit."""
    train, val = data(seed=7)
    cfg = dict(vocab_size=VOCAB, **cfg)
    with in_folder(tmp_path):
        whole = lab.Trainer(train, val, **cfg)
        expected = whole.fit(total)
        first = lab.Trainer(train, val, **cfg)
        history = first.fit(stop)
        first.save_checkpoint("run.pt")
        lab.manual_seed(2024)  # another process: other global random states
        resumed = lab.Trainer(train, val, **cfg)
        resumed.load_checkpoint("run.pt")
        check(resumed.step == stop, f"after load_checkpoint step should be {stop}, the step saved")
        history += resumed.fit(total - stop)
    check(len(history) == len(expected), "the resumed run should return one row per step")
    for row, exp in zip(history, expected):
        check(row == exp, f"step {exp.get('step')} of the resumed run differs from the uninterrupted run (loss, lr, val_loss or step)")
    check_state(resumed.model.state_dict(), whole.model.state_dict(), "the weights of the resumed run", exact=True)
    opt, exp_opt = resumed.optimizer.state_dict(), whole.optimizer.state_dict()
    for i, exp_state in exp_opt["state"].items():
        for key, value in exp_state.items():
            check(torch.equal(opt["state"][i][key], value), f"the optimizer's {key} of parameter {i} differs after resuming")
    check(resumed.scheduler.state_dict()["last_epoch"] == total, "the scheduler's last_epoch should count every step")
    check(torch.equal(resumed.generator.get_state(), whole.generator.get_state()), "the training generator's state differs after resuming")


@pytest.mark.points(4)
def test_load_restores_global_random_states(lab, tmp_path):
    """load_checkpoint sets Python's, numpy's and torch's global random states (and the generator) to those at save time."""
    train, val = data(seed=8)
    cfg = dict(vocab_size=VOCAB, eval_every=None, seed=13)
    with in_folder(tmp_path):
        t = lab.Trainer(train, val, **cfg)
        t.fit(3)
        lab.manual_seed(77)
        saved, gen = global_states(lab), t.generator.get_state()
        t.save_checkpoint("states.pt")
        check(all(same_states(global_states(lab), saved).values()), "save_checkpoint should not change the global random states")
        lab.manual_seed(78)
        other = lab.Trainer(train, val, **cfg)
        other.load_checkpoint("states.pt")
        restored = same_states(global_states(lab), saved)
    for name, ok in restored.items():
        check(ok, f"after load_checkpoint {name}'s global random state should be the one saved")
    check(torch.equal(other.generator.get_state(), gen), "after load_checkpoint the training generator should be in the saved state")


@pytest.mark.points(3)
def test_checkpoint_file_contents(lab, tmp_path):
    """The file is a torch.save dict with the documented keys and values; saving midway changes nothing in the run."""
    train, val = data(seed=9)
    cfg = dict(vocab_size=VOCAB, eval_every=2, seed=14, dropout=0.3)
    torch_ = lab.get("torch")
    with in_folder(tmp_path):
        t = lab.Trainer(train, val, **cfg)
        history = t.fit(3)
        py_state = lab.get("random").getstate()
        t.save_checkpoint("contents.pt")
        saved = torch_.load("contents.pt", weights_only=False)
        history += t.fit(3)
    check(isinstance(saved, dict) and set(saved) == {"model", "optimizer", "scheduler", "step", "rng"},
          "the checkpoint should be a dict with exactly the keys model, optimizer, scheduler, step, rng")
    check(saved["step"] == 3 and isinstance(saved["step"], int), "the checkpoint's step should be the int 3 after fit(3)")
    check(isinstance(saved["rng"], dict) and set(saved["rng"]) == {"generator", "torch", "numpy", "python"},
          "the checkpoint's rng should be a dict with exactly the keys generator, torch, numpy, python")
    check(saved["rng"]["python"] == py_state, "the checkpoint's rng['python'] should be random.getstate() at the time of saving")
    check(isinstance(saved["scheduler"], dict) and saved["scheduler"].get("last_epoch") == 3,
          "the checkpoint's scheduler should be the scheduler's state_dict (last_epoch 3)")
    check(isinstance(saved["optimizer"], dict) and len(saved["optimizer"].get("state", {})) == 3,
          "the checkpoint's optimizer should be the optimizer's state_dict (state for 3 parameters)")
    expected, state = oracle_run(train, val, 6, **cfg)
    check_state(saved["model"], oracle_run(train, val, 3, **cfg)[1], "the checkpoint's model after 3 steps")
    check_history(history, expected, "fit(3), save_checkpoint, fit(3)")
    check_state(t.model.state_dict(), state, "the weights after saving midway")
