"""Hidden tests for lab 47 (pruning).

Oracles:

* unstructured, global, iterative and structured (L_n over a dim) masks:
  ``torch.nn.utils.prune`` itself (``l1_unstructured`` applied once or
  repeatedly, ``global_unstructured`` with ``L1Unstructured``,
  ``ln_structured``), on tie-free random weights; the tie rule of the
  docstrings (lower index pruned first) on weights written here;
* head norms and head masks: the stated row layout ``h*d:(h+1)*d`` written out;
* cubic schedule: the Zhu & Gupta formula evaluated here at every step;
* movement scores / mask: ``-sum_t W_t * G_t`` on scripted weights and
  gradients, and lowest-signed-score pruning;
* 2:4: a brute force over the 6 pairs of every group of 4;
* training with masks: the same MLP trained here with
  ``prune.custom_from_mask`` (``weight = weight_orig * mask``) and the same
  optimiser; momentum and weight decay would revive pruned weights otherwise.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils import prune

from autograder.testing import assert_close, check

torch.set_num_threads(1)


def randw(shape, seed, scale=1.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype)


def as_bool(mask, shape, what):
    check(isinstance(mask, torch.Tensor), f"{what}: should return a torch tensor")
    check(mask.dtype == torch.bool, f"{what}: the mask should have dtype torch.bool, got {mask.dtype}")
    check(tuple(mask.shape) == tuple(shape), f"{what}: mask shape {tuple(mask.shape)}, expected {tuple(shape)}")
    return mask


def same_mask(got, expected, what):
    as_bool(got, expected.shape, what)
    wrong = int((got != expected.bool()).sum())
    check(wrong == 0, f"{what}: {wrong} mask entries differ from torch.nn.utils.prune / the rule")


def holder(weight):
    """A module whose parameter ``weight`` torch.nn.utils.prune can act on."""
    m = nn.Module()
    m.weight = nn.Parameter(weight.clone())
    return m


def torch_l1(weight, *amounts):
    m = holder(weight)
    for a in amounts:
        prune.l1_unstructured(m, "weight", amount=a)
    return m.weight_mask.bool()


# ---- unstructured L1 -----------------------------------------------------------------------------------------

L1_CASES = {
    "2d-frac": ((5, 7), 0.35, torch.float32),
    "2d-int": ((4, 6), 5, torch.float32),
    "3d-frac": ((3, 4, 5), 0.7, torch.float32),
    "1d-half": ((9,), 0.5, torch.float32),
    "float64": ((6, 6), 0.45, torch.float64),
    "zero": ((3, 5), 0.0, torch.float32),
    "int-zero": ((3, 5), 0, torch.float32),
    "all": ((3, 5), 1.0, torch.float32),
    "int-all": ((2, 5), 10, torch.float32),
}


@pytest.mark.parametrize("case", list(L1_CASES))
@pytest.mark.points(1)
def test_l1_matches_torch(lab, case):
    """l1_unstructured_mask equals torch.nn.utils.prune.l1_unstructured (shapes, float/int amounts, 0 and all)."""
    shape, amount, dtype = L1_CASES[case]
    w = randw(shape, 11 + len(case), scale=50.0, dtype=dtype)
    same_mask(lab.l1_unstructured_mask(w, amount), torch_l1(w, amount), f"l1_unstructured_mask({case})")


@pytest.mark.points(4)
def test_l1_amount_rounding(lab):
    """A float amount is rounded like torch: round(amount * n), halves to even."""
    w = randw((10,), 3)
    for amount in (0.37, 0.32, 0.25, 0.35, 0.15, 0.04, 0.96, 0.66):
        expected = torch_l1(w, amount)
        check(int((~expected).sum()) == round(amount * 10), "oracle sanity")
        same_mask(lab.l1_unstructured_mask(w, amount), expected, f"amount={amount} of 10 entries")


@pytest.mark.points(2)
def test_l1_magnitude_not_sign(lab):
    """Large negative weights are kept: pruning is by magnitude."""
    w = torch.tensor([[-90.0, 1.0, -0.5, 7.0], [0.25, -60.0, 3.0, -2.0]])
    got = as_bool(lab.l1_unstructured_mask(w, 3), w.shape, "l1_unstructured_mask")
    expected = torch.tensor([[True, False, False, True], [False, True, True, True]])
    same_mask(got, expected, "pruning 3 of [[-90, 1, -0.5, 7], [0.25, -60, 3, -2]]")


@pytest.mark.points(3)
def test_l1_tie_rule(lab):
    """Among equal magnitudes the lower flat index is pruned first."""
    w = torch.tensor([[2.0, -1.0, 1.0, 3.0], [-1.0, 5.0, 1.0, -3.0]])
    cases = {2: [1, 2], 3: [1, 2, 4], 4: [1, 2, 4, 6], 5: [1, 2, 4, 6, 0], 7: [1, 2, 4, 6, 0, 3, 7]}
    for k, pruned in cases.items():
        expected = torch.ones(8, dtype=torch.bool)
        expected[pruned] = False
        same_mask(lab.l1_unstructured_mask(w, k), expected.reshape(2, 4), f"pruning {k} with ties")
    many = torch.tensor([1.0, -2.0, -1.0, 2.0, 3.0] * 12)
    order = sorted(range(60), key=lambda i: (abs(many[i].item()), i))
    for k in (7, 30, 41):
        expected = torch.ones(60, dtype=torch.bool)
        expected[order[:k]] = False
        same_mask(lab.l1_unstructured_mask(many, k), expected, f"pruning {k} of 60 with many ties")


ITER_CASES = {
    "frac-frac": (0.3, 0.5),
    "frac-int": (0.25, 6),
    "int-frac-frac": (4, 0.4, 0.35),
    "int-int": (5, 5),
}


@pytest.mark.parametrize("case", list(ITER_CASES))
@pytest.mark.points(1)
def test_l1_iterative_matches_container(lab, case):
    """Pruning again with mask=: amount applies to the remaining entries, as torch's PruningContainer."""
    amounts = ITER_CASES[case]
    w = randw((6, 5), 40 + len(case), scale=3.0)
    mask = None
    for i, a in enumerate(amounts):
        mask = lab.l1_unstructured_mask(w, a, mask=mask)
        same_mask(mask, torch_l1(w, *amounts[: i + 1]), f"round {i + 1} of {amounts}")


@pytest.mark.points(2)
def test_l1_iterative_keeps_pruned(lab):
    """With an arbitrary previous mask, pruned entries stay pruned even when large."""
    w = randw((4, 8), 5)
    prev = torch.ones(4, 8, dtype=torch.bool)
    prev[w.abs() > 1.0] = False            # the largest are already pruned
    remaining = int(prev.sum())
    got = as_bool(lab.l1_unstructured_mask(w, 0.5, mask=prev), w.shape, "iterative mask")
    check(not bool((got & ~prev).any()), "an entry pruned before is kept again")
    scores = torch.where(prev, w.abs(), torch.inf).reshape(-1)
    expected = torch.ones(32, dtype=torch.bool)
    expected[torch.argsort(scores, stable=True)[: round(0.5 * remaining)]] = False
    expected &= prev.reshape(-1)
    same_mask(got, expected.reshape(4, 8), "iterative pruning with a hand-made mask")
    # keyword call
    same_mask(lab.l1_unstructured_mask(weight=w, amount=0.5, mask=prev), expected.reshape(4, 8), "keyword call")


@pytest.mark.points(3)
def test_l1_errors(lab):
    """Bad amounts raise ValueError / TypeError; a mask of another shape raises ValueError."""
    w = randw((3, 4), 1)
    lab.l1_unstructured_mask(w, 12)
    lab.l1_unstructured_mask(w, 1.0)
    for bad in (1.5, -0.1, -1, 13):
        with pytest.raises(ValueError):
            lab.l1_unstructured_mask(w, bad)
    for bad in ("0.5", None, True):
        with pytest.raises(TypeError):
            lab.l1_unstructured_mask(w, bad)
    with pytest.raises(ValueError):
        lab.l1_unstructured_mask(w, 0.5, mask=torch.ones(4, 3, dtype=torch.bool))
    with pytest.raises(ValueError):
        lab.l1_unstructured_mask(w, 0.5, mask=torch.ones(3, dtype=torch.bool))
    prev = torch.ones(3, 4, dtype=torch.bool)
    prev[0] = False                        # 8 remaining
    lab.l1_unstructured_mask(w, 8, mask=prev)
    with pytest.raises(ValueError):
        lab.l1_unstructured_mask(w, 9, mask=prev)


# ---- global --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0.6, 0.2, 17, 0.5])
@pytest.mark.points(1)
def test_global_matches_torch(lab, amount):
    """global_l1_masks equals prune.global_unstructured(L1Unstructured) across layers of different scale."""
    ws = [randw((6, 4), 1, scale=0.2), randw((5, 6), 2, scale=2.0), randw((3, 2, 2), 3, scale=1.0)]
    mods = [holder(w) for w in ws]
    prune.global_unstructured([(m, "weight") for m in mods], pruning_method=prune.L1Unstructured, amount=amount)
    got = lab.global_l1_masks(ws, amount)
    check(isinstance(got, (list, tuple)) and len(got) == 3, "global_l1_masks should return one mask per weight")
    for i, (g, m) in enumerate(zip(got, mods)):
        same_mask(g, m.weight_mask.bool(), f"global mask of layer {i} (amount={amount})")


@pytest.mark.points(2)
def test_global_single_and_errors(lab):
    """One weight: global equals layer-wise; an empty list or too large an amount raise ValueError."""
    w = randw((5, 5), 9)
    got = lab.global_l1_masks([w], 0.44)
    same_mask(got[0], torch_l1(w, 0.44), "global_l1_masks of one weight")
    with pytest.raises(ValueError):
        lab.global_l1_masks([], 0.5)
    with pytest.raises(ValueError):
        lab.global_l1_masks([w, w], 51)
    with pytest.raises(ValueError):
        lab.global_l1_masks([w], 1.01)


# ---- structured ----------------------------------------------------------------------------------------------

LN_CASES = {
    "rows-l2": ((8, 6), 0.5, 2, 0),
    "cols-l1": ((5, 7), 0.3, 1, 1),
    "rows-inf-int": ((6, 9), 2, float("inf"), 0),
    "neg-dim": ((4, 6), 1, 2, -1),
    "conv-dim0": ((6, 3, 2, 2), 0.5, 2, 0),
    "conv-dim1-l1": ((4, 5, 3, 3), 0.4, 1, 1),
    "rows-all": ((4, 3), 1.0, 2, 0),
}


@pytest.mark.parametrize("case", list(LN_CASES))
@pytest.mark.points(1)
def test_ln_structured_matches_torch(lab, case):
    """ln_structured_mask equals torch.nn.utils.prune.ln_structured (norms, dims, amounts)."""
    shape, amount, n, dim = LN_CASES[case]
    w = randw(shape, 70 + len(case))
    m = holder(w)
    prune.ln_structured(m, "weight", amount=amount, n=n, dim=dim)
    same_mask(lab.ln_structured_mask(w, amount, n, dim), m.weight_mask.bool(), f"ln_structured_mask({case})")


@pytest.mark.points(3)
def test_ln_structured_defaults_and_neurons(lab):
    """Defaults n=2, dim=0 prune whole output neurons (rows) of a Linear weight."""
    w = randw((6, 4), 21)
    w[2] *= 0.01                           # a small row: L2 and L1 disagree on the other rows below
    w[4] = torch.tensor([3.0, 0.0, 0.0, 0.0])
    w[5] = torch.tensor([1.2, 1.2, 1.2, 1.2])
    m = holder(w)
    prune.ln_structured(m, "weight", amount=0.5, n=2, dim=0)
    got = as_bool(lab.ln_structured_mask(w, 0.5), w.shape, "ln_structured_mask(w, 0.5)")
    same_mask(got, m.weight_mask.bool(), "ln_structured_mask with its defaults")
    check(bool((got.all(dim=1) | (~got).all(dim=1)).all()), "each row should be kept or pruned as a whole")
    same_mask(lab.ln_structured_mask(weight=w, amount=3, dim=0, n=2), m.weight_mask.bool(), "keyword call")
    w1 = torch.tensor([[3.0, 0.0, 0.0, 0.0], [1.6, 1.6, 1.6, 1.6], [2.2, 2.2, 0.0, 0.0]])
    w2 = torch.tensor([[2.5, 0.0, 0.0, 0.0], [0.7, 0.7, 0.7, 0.7]])
    for weight in (w1, w2):
        m = holder(weight)
        prune.ln_structured(m, "weight", amount=1, n=2, dim=0)
        same_mask(lab.ln_structured_mask(weight, 1), m.weight_mask.bool(), "default norm (L2)")


@pytest.mark.points(2)
def test_ln_structured_errors(lab):
    """Negative dims count from the end; dim out of range raises IndexError; too large an amount ValueError."""
    w = randw((4, 3), 2)
    lab.ln_structured_mask(w, 3, 2, 1)
    for weight, dim in ((w, -2), (randw((3, 4, 2, 5), 6), -1)):
        m = holder(weight)
        prune.ln_structured(m, "weight", amount=2, n=1, dim=dim)
        same_mask(lab.ln_structured_mask(weight, 2, 1, dim), m.weight_mask.bool(), f"dim={dim}")
    with pytest.raises(IndexError):
        lab.ln_structured_mask(w, 0.5, 2, 2)
    with pytest.raises(IndexError):
        lab.ln_structured_mask(w, 0.5, 2, 3)
    with pytest.raises(IndexError):
        lab.ln_structured_mask(w, 0.5, 2, -3)
    with pytest.raises(ValueError):
        lab.ln_structured_mask(w, 4, 2, 1)
    with pytest.raises(ValueError):
        lab.ln_structured_mask(w, -0.5)


# ---- heads ---------------------------------------------------------------------------------------------------


def oracle_head_norms(w, n_heads):
    d = w.shape[0] // n_heads
    return torch.stack([w[h * d:(h + 1) * d].double().pow(2).sum().sqrt() for h in range(n_heads)])


@pytest.mark.parametrize("n_heads,d_head,d_in", [(4, 3, 8), (3, 5, 6), (1, 4, 4), (6, 1, 5)])
@pytest.mark.points(1)
def test_head_norms_formula(lab, n_heads, d_head, d_in):
    """head_norms is the Frobenius norm of the rows h*d_head:(h+1)*d_head."""
    w = randw((n_heads * d_head, d_in), 100 + n_heads)
    w *= torch.arange(1, n_heads * d_head + 1, dtype=torch.float32)[:, None] ** 2 / 10
    got = lab.head_norms(w, n_heads)
    assert_close(got, oracle_head_norms(w, n_heads).float(), atol=1e-5, rtol=1e-5, what="head norms")


@pytest.mark.points(4)
def test_head_mask(lab):
    """head_mask prunes whole heads of smallest norm (fractions, counts, ties)."""
    n_heads, d = 5, 3
    w = randw((n_heads * d, 4), 8)
    for h, s in enumerate([3.0, 0.5, 2.0, 0.1, 1.0]):
        w[h * d:(h + 1) * d] *= s
    norms = oracle_head_norms(w, n_heads)
    for amount in (0.4, 0.5, 1, 4, 0, 1.0):
        k = amount if isinstance(amount, int) else round(amount * n_heads)
        keep = torch.ones(n_heads, dtype=torch.bool)
        keep[torch.argsort(norms, stable=True)[:k]] = False
        expected = keep.repeat_interleave(d)[:, None].expand(w.shape)
        same_mask(lab.head_mask(w, n_heads, amount), expected, f"head_mask(amount={amount})")
    tied = torch.ones(8, 2)                # 4 heads of 2 rows, all of one norm
    expected = torch.tensor([False, False, True, True]).repeat_interleave(2)[:, None].expand(8, 2)
    same_mask(lab.head_mask(tied, 4, 2), expected, "head_mask with equal norms (lower head index pruned first)")


@pytest.mark.points(2)
def test_head_errors(lab):
    """Rows not divisible by n_heads, n_heads < 1 or a non-2-D weight raise ValueError."""
    w = randw((6, 4), 1)
    lab.head_norms(w, 3)
    lab.head_mask(w, 2, 1)
    for args in ((w, 4), (w, 0), (randw((6,), 1), 2), (randw((2, 6, 4), 1), 2)):
        with pytest.raises(ValueError):
            lab.head_norms(*args)
    with pytest.raises(ValueError):
        lab.head_mask(w, 4, 0.5)
    with pytest.raises(ValueError):
        lab.head_mask(w, 3, 4)


# ---- cubic schedule ------------------------------------------------------------------------------------------


def oracle_cubic(t, si, sf, t0, n, dt):
    if t < t0:
        return si
    k = min((t - t0) // dt, n)
    return sf + (si - sf) * (1 - k * dt / (n * dt)) ** 3


CUBIC_CASES = {
    "dt1": (0.0, 0.9, 0, 10, 1),
    "dt3": (0.0, 0.8, 5, 4, 3),
    "si-nonzero": (0.2, 0.95, 3, 7, 2),
    "one-update": (0.1, 0.5, 2, 1, 4),
}


@pytest.mark.parametrize("case", list(CUBIC_CASES))
@pytest.mark.points(2)
def test_cubic_every_step(lab, case):
    """cubic_sparsity equals s_f + (s_i - s_f)(1 - (t - t0)/(n dt))^3 at every step, constant outside."""
    si, sf, t0, n, dt = CUBIC_CASES[case]
    steps = list(range(t0 - 3, t0 + n * dt + 6))
    got = lab.map(lab.cubic_sparsity, [(t, si, sf, t0, n, dt) for t in steps])
    for t, g in zip(steps, got):
        check(isinstance(g, float), "cubic_sparsity should return a Python float")
        assert_close(g, oracle_cubic(t, si, sf, t0, n, dt), atol=1e-12, rtol=0, what=f"sparsity at step {t} ({case})")


@pytest.mark.points(2)
def test_cubic_default_and_keywords(lab):
    """frequency defaults to 1; keyword calls work; the schedule is monotone and ends at s_f."""
    vals = [lab.cubic_sparsity(t, 0.0, 0.7, 2, 6) for t in range(12)]
    for t, v in enumerate(vals):
        assert_close(v, oracle_cubic(t, 0.0, 0.7, 2, 6, 1), atol=1e-12, rtol=0, what=f"sparsity at step {t}")
    v = lab.cubic_sparsity(step=9, initial_sparsity=0.1, final_sparsity=0.6, begin_step=4, n_updates=3, frequency=2)
    assert_close(v, oracle_cubic(9, 0.1, 0.6, 4, 3, 2), atol=1e-12, rtol=0, what="keyword call")


@pytest.mark.points(2)
def test_cubic_errors(lab):
    """Sparsities outside [0, 1], n_updates < 1 or frequency < 1 raise ValueError."""
    lab.cubic_sparsity(3, 0.0, 1.0, 0, 1, 1)
    for args in ((3, -0.1, 0.5, 0, 5, 1), (3, 0.0, 1.1, 0, 5, 1), (3, 0.0, 0.5, 0, 0, 1), (3, 0.0, 0.5, 0, 5, 0)):
        with pytest.raises(ValueError):
            lab.cubic_sparsity(*args)


# ---- movement pruning ----------------------------------------------------------------------------------------


def scripted_path(seed, shape=(4, 5), steps=4, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(shape, generator=g, dtype=torch.float64)
    weights, grads = [], []
    for _ in range(steps):
        grad = torch.randn(shape, generator=g, dtype=torch.float64)
        weights.append(w.to(dtype))
        grads.append(grad.to(dtype))
        w = w - 0.3 * grad
    return weights, grads


@pytest.mark.parametrize("steps,dtype", [(1, torch.float32), (4, torch.float32), (6, torch.float64)])
@pytest.mark.points(1)
def test_movement_scores_formula(lab, steps, dtype):
    """movement_scores is -sum_t W_t * G_t."""
    weights, grads = scripted_path(steps, steps=steps, dtype=dtype)
    expected = -sum(w.double() * g.double() for w, g in zip(weights, grads))
    got = lab.movement_scores(weights, grads)
    check(isinstance(got, torch.Tensor) and got.dtype == dtype, f"scores should be a tensor of dtype {dtype}")
    assert_close(got.double(), expected, atol=1e-5, rtol=1e-5, what="movement scores")


@pytest.mark.points(4)
def test_movement_mask_lowest_signed(lab):
    """movement_mask prunes the lowest signed scores (not the smallest magnitudes)."""
    s = torch.tensor([[-5.0, 0.1, 4.0], [-0.2, 2.0, -3.0]])
    cases = {2: [0, 5], 3: [0, 5, 3], 0.5: [0, 5, 3], 1: [0], 0.0: []}
    for amount, pruned in cases.items():
        expected = torch.ones(6, dtype=torch.bool)
        expected[pruned] = False
        same_mask(lab.movement_mask(s, amount), expected.reshape(2, 3), f"movement_mask(amount={amount})")
    weights, grads = scripted_path(7, shape=(5, 6))
    scores = -sum(w * g for w, g in zip(weights, grads))
    expected = torch.ones(30, dtype=torch.bool)
    expected[torch.argsort(scores.reshape(-1), stable=True)[:12]] = False
    same_mask(lab.movement_mask(lab.movement_scores(weights, grads), 0.4), expected.reshape(5, 6), "scores -> mask")
    tied = torch.tensor([1.0, -1.0, 1.0, -1.0])
    same_mask(lab.movement_mask(tied, 1), torch.tensor([True, False, True, True]), "ties: lower index pruned first")


@pytest.mark.points(2)
def test_movement_errors(lab):
    """Empty or unequal lists and shapes that differ raise ValueError."""
    weights, grads = scripted_path(1)
    lab.movement_scores(weights, grads)
    long_w, long_g = [torch.full((2,), float(t)) for t in range(300)], [torch.ones(2)] * 300
    assert_close(lab.movement_scores(long_w, long_g), torch.full((2,), -44850.0), atol=1e-3, rtol=0,
                 what="scores over 300 steps")
    with pytest.raises(ValueError):
        lab.movement_scores([], [])
    with pytest.raises(ValueError):
        lab.movement_scores(weights, grads[:-1])
    with pytest.raises(ValueError):
        lab.movement_scores(weights[:-1], grads)
    with pytest.raises(ValueError):
        lab.movement_scores([weights[0], torch.ones(5)], grads[:2])
    with pytest.raises(ValueError):
        lab.movement_scores(weights[:2], [grads[0], torch.ones(4, 1)])
    with pytest.raises(ValueError):
        lab.movement_scores(weights[:1], [torch.zeros(5, 4)])
    with pytest.raises(ValueError):
        lab.movement_scores(weights[:2], [grads[0], torch.zeros(5, 4)])
    with pytest.raises(ValueError):
        lab.movement_scores([weights[0], torch.zeros(2, 2)], grads[:2])
    with pytest.raises(ValueError):
        lab.movement_mask(torch.zeros(3), 4)


# ---- 2:4 -----------------------------------------------------------------------------------------------------


def brute_two_four(w):
    keep = torch.zeros(w.shape, dtype=torch.bool)
    for r in range(w.shape[0]):
        for g in range(w.shape[1] // 4):
            block = w[r, 4 * g:4 * g + 4].abs().tolist()
            best = max(itertools.combinations(range(4), 2), key=lambda p: block[p[0]] + block[p[1]])
            for j in best:
                keep[r, 4 * g + j] = True
    return keep


@pytest.mark.parametrize("shape,dtype", [((8, 16), torch.float32), ((3, 8), torch.float64), ((1, 4), torch.float32)])
@pytest.mark.points(2)
def test_two_four_matches_brute_force(lab, shape, dtype):
    """two_four_mask keeps the 2 largest magnitudes of every 4 consecutive inputs."""
    w = randw(shape, shape[1], scale=10.0, dtype=dtype)
    got = as_bool(lab.two_four_mask(w), shape, "two_four_mask")
    check(bool((got.reshape(shape[0], -1, 4).sum(-1) == 2).all()), "every group of 4 should keep exactly 2")
    same_mask(got, brute_two_four(w), f"two_four_mask{shape}")
    check(lab.is_two_four(w * got) is True, "is_two_four should accept a 2:4-masked weight")


@pytest.mark.points(2)
def test_two_four_ties(lab):
    """Equal magnitudes in a group: the lower column index is kept."""
    w = torch.tensor([[1.0, -1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0],
                      [1.0, -2.0, 2.0, 0.0, 3.0, 1.0, -1.0, 0.0]])
    expected = torch.tensor([[True, True, False, False, True, True, False, False],
                             [False, True, True, False, True, True, False, False]])
    same_mask(lab.two_four_mask(w), expected, "two_four_mask with ties")


@pytest.mark.points(3)
def test_is_two_four(lab):
    """is_two_four checks at most 2 non-zeros per aligned group of 4 along the input dimension."""
    cases = [
        ([[1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]], True),
        ([[0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]], False),
        ([[0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]], True),
        ([[0.0] * 8, [0.0, 0.0, 0.0, 0.0, 2.0, -1.0, 3.0, 0.0]], False),
        ([[0.0] * 4], True),
        ([[5.0, 0.0, 0.0, 0.0]] * 4, True),
    ]
    for w, expected in cases:
        got = lab.is_two_four(torch.tensor(w))
        check(got is expected, f"is_two_four should be {expected} for a {len(w)} x {len(w[0])} case (bool)")
    for bad in (torch.zeros(2, 6), torch.zeros(8), torch.zeros(2, 2, 4), torch.zeros(2, 4, 4)):
        with pytest.raises(ValueError):
            lab.is_two_four(bad)
        with pytest.raises(ValueError):
            lab.two_four_mask(bad)


# ---- training with masks -------------------------------------------------------------------------------------


def make_problem(seed, sizes=(5, 8, 6, 3), n=16):
    g = torch.Generator().manual_seed(seed)
    layers = [(torch.randn(o, i, generator=g) * 0.6, torch.randn(o, generator=g) * 0.1)
              for i, o in zip(sizes[:-1], sizes[1:])]
    x = torch.randn(n, sizes[0], generator=g)
    y = torch.randn(n, sizes[-1], generator=g)
    return layers, x, y


def oracle_train(layers, masks, x, y, optimizer="sgd", lr=0.1, steps=10, momentum=0.0, weight_decay=0.0):
    lins = []
    for (w, b), m in zip(layers, masks):
        lin = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(b)
        if m is not None:
            prune.custom_from_mask(lin, "weight", m)
        lins.append(lin)
    mlp = nn.Sequential(*[mod for lin in lins for mod in (lin, nn.ReLU())][:-1])
    if optimizer == "sgd":
        opt = torch.optim.SGD(mlp.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    else:
        opt = torch.optim.AdamW(mlp.parameters(), lr=lr, weight_decay=weight_decay)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(mlp(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    def effective(lin):                    # lin.weight is only refreshed by the next forward
        return (lin.weight_orig * lin.weight_mask if hasattr(lin, "weight_mask") else lin.weight).detach().clone()

    return [(effective(lin), lin.bias.detach().clone()) for lin in lins], losses


def check_training(got, expected, masks, what):
    check(isinstance(got, (tuple, list)) and len(got) == 2, f"{what}: should return (layers, losses)")
    trained, losses = got
    exp_layers, exp_losses = expected
    check(len(trained) == len(exp_layers), f"{what}: one (weight, bias) pair per layer")
    for i, ((w, b), (ew, eb), m) in enumerate(zip(trained, exp_layers, masks)):
        if m is not None:
            revived = int((w[~m] != 0).sum())
            check(revived == 0, f"{what}: {revived} pruned weights of layer {i} are no longer exactly zero")
        assert_close(w, ew, atol=2e-5, rtol=1e-4, what=f"{what}: weight of layer {i}")
        assert_close(b, eb, atol=2e-5, rtol=1e-4, what=f"{what}: bias of layer {i}")
    check(isinstance(losses, list) and len(losses) == len(exp_losses), f"{what}: one loss per step")
    assert_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(exp_losses, dtype=torch.float64),
                 atol=1e-5, rtol=1e-4, what=f"{what}: losses")


TRAIN_CASES = {
    "sgd-momentum-wd": dict(optimizer="sgd", lr=0.05, steps=8, momentum=0.9, weight_decay=0.1),
    "sgd-momentum": dict(optimizer="sgd", lr=0.1, steps=6, momentum=0.8),
    "adamw-wd": dict(optimizer="adamw", lr=0.02, steps=8, weight_decay=0.5),
    "adamw": dict(optimizer="adamw", lr=0.05, steps=5),
}


@pytest.mark.parametrize("case", list(TRAIN_CASES))
@pytest.mark.points(2)
def test_train_masks_survive(lab, case):
    """Pruned weights stay exactly zero through SGD-momentum / AdamW steps; the rest matches torch's prune."""
    layers, x, y = make_problem(len(case))
    masks = [torch_l1(layers[0][0], 0.5), None, torch_l1(layers[2][0], 0.3)]
    kw = TRAIN_CASES[case]
    got = lab.train_masked(layers, masks, x, y, **kw)
    check_training(got, oracle_train(layers, masks, x, y, **kw), masks, case)


@pytest.mark.points(3)
def test_train_defaults_and_unmasked_input(lab):
    """Defaults (sgd, lr 0.1, 10 steps, no momentum); masks apply to weights given unmasked; steps=0."""
    layers, x, y = make_problem(3, sizes=(4, 6, 2))
    masks = [lab.two_four_mask(layers[0][0]), torch_l1(layers[1][0], 4)]
    check_training(lab.train_masked(layers, masks, x, y), oracle_train(layers, masks, x, y), masks, "defaults")
    got = lab.train_masked(layers, masks, x, y, "sgd", 0.1, 0)
    check_training(got, oracle_train(layers, masks, x, y, steps=0), masks, "steps=0")
    one = [(layers[0][0][:2].clone(), layers[0][1][:2].clone())]
    check_training(lab.train_masked(one, [None], x, y[:, :2], "adamw", 0.1, 3),
                   oracle_train(one, [None], x, y[:, :2], "adamw", 0.1, 3), [None], "one unpruned layer")


@pytest.mark.points(2)
def test_train_errors(lab):
    """Unknown optimizer, masks of the wrong length or shape raise ValueError."""
    layers, x, y = make_problem(4, sizes=(3, 4, 2))
    lab.train_masked(layers, [None, None], x, y, steps=1)
    deep = [(torch.eye(3), torch.zeros(3))] * 260
    trained, _ = lab.train_masked(deep, [None] * 260, x, x, steps=0)
    check(len(trained) == 260, "a network of 260 layers should come back with 260 layers")
    with pytest.raises(ValueError):
        lab.train_masked(layers, [None, None], x, y, optimizer="adam")
    with pytest.raises(ValueError):
        lab.train_masked(layers, [None], x, y)
    with pytest.raises(ValueError):
        lab.train_masked(layers, [None, None, None], x, y)
    with pytest.raises(ValueError):
        lab.train_masked(layers, [None, torch.ones(4, dtype=torch.bool)], x, y)
    with pytest.raises(ValueError):
        lab.train_masked(layers, [torch.ones(3, 4, dtype=torch.bool), None], x, y)

