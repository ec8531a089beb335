"""Hidden tests for lab 46 (knowledge distillation).

Oracles:

* ``kd_loss``: the formula of Hinton et al. (2015) written here with
  ``F.kl_div(log_softmax(s / T), softmax(t / T), reduction="batchmean",
  log_target=False)`` times ``T**2`` and ``F.cross_entropy`` on the
  positions that are not ignored, computed in float64; its gradient against
  the analytic ``alpha * T * (p_s - p_t) / M + (1 - alpha) * (softmax(s) - onehot) / M``;
* ``agreement``: a loop over positions;
* ``make_mlp`` / ``make_data``: the stated recipe re-run here;
* ``distill``: the stated procedure re-run here on copies of the same
  teacher and student with the oracle loss (tolerances), plus the outcome:
  the student's agreement with the teacher rises and beats hard-label-only
  training (margins checked over several seeds when the suite was written).
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

torch.set_num_threads(1)

IN_DIM, T_HIDDEN, S_HIDDEN, CLASSES = 8, 64, 16, 8


# ---- oracles -------------------------------------------------------------------------------------------------


def oracle_kd(s, t, labels=None, T=2.0, alpha=0.5, ignore_index=-100):
    s64, t64 = s.double().reshape(-1, s.shape[-1]), t.double().reshape(-1, t.shape[-1])
    if labels is None:
        return T * T * F.kl_div(F.log_softmax(s64 / T, -1), F.softmax(t64 / T, -1), reduction="batchmean", log_target=False)
    y = labels.reshape(-1)
    keep = y != ignore_index
    if int(keep.sum()) == 0:
        return torch.zeros((), dtype=torch.float64)
    s64, t64, y = s64[keep], t64[keep], y[keep]
    soft = T * T * F.kl_div(F.log_softmax(s64 / T, -1), F.softmax(t64 / T, -1), reduction="batchmean", log_target=False)
    hard = F.cross_entropy(s64, y)
    return alpha * soft + (1 - alpha) * hard


def oracle_per_position(s, t, labels, T, alpha, ignore_index=-100):
    s64, t64 = s.double(), t.double()
    soft = T * T * F.kl_div(F.log_softmax(s64 / T, -1), F.softmax(t64 / T, -1), reduction="none", log_target=False).sum(-1)
    keep = labels != ignore_index
    hard = F.cross_entropy(s64.movedim(-1, 1) if s.dim() > 2 else s64, torch.where(keep, labels, 0), reduction="none")
    return torch.where(keep, alpha * soft + (1 - alpha) * hard, 0.0)


def logits(shape, seed, scale=3.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=g, dtype=torch.float64) * scale).to(dtype)


def labels_for(shape, V, seed, ignore_frac=0.3, ignore_index=-100):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(V, shape, generator=g)
    drop = torch.rand(shape, generator=g) < ignore_frac
    return torch.where(drop, torch.tensor(ignore_index), y)


def kd_tensor(lab, *args, **kwargs):
    out = lab.kd_loss(*args, **kwargs)
    check(isinstance(out, torch.Tensor), "kd_loss must return a torch tensor")
    return out


# ---- kd_loss: value --------------------------------------------------------------------------------------------


CASES = [
    pytest.param((6, 10), 2.0, 0.5, id="2d-T2-a0.5"),
    pytest.param((6, 10), 1.0, 0.3, id="2d-T1-a0.3"),
    pytest.param((3, 5, 12), 4.0, 0.9, id="3d-T4-a0.9"),
    pytest.param((3, 5, 12), 0.5, 0.25, id="3d-T0.5-a0.25"),
    pytest.param((2, 4, 7), 3.0, 0.0, id="3d-alpha0"),
    pytest.param((2, 4, 7), 3.0, 1.0, id="3d-alpha1"),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("shape,T,alpha", CASES)
def test_kd_loss_matches_formula(lab, shape, T, alpha):
    """kd_loss equals alpha * T^2 * KL(teacher || student) + (1 - alpha) * CE over the non-ignored positions."""
    s, t = logits(shape, 1), logits(shape, 2)
    y = labels_for(shape[:-1], shape[-1], 3)
    out = kd_tensor(lab, s, t, y, temperature=T, alpha=alpha)
    check(out.dim() == 0, "the default reduction must give a 0-d tensor")
    assert_close(out.double(), oracle_kd(s, t, y, T, alpha), atol=1e-5, rtol=1e-5, what="kd_loss")


@pytest.mark.points(3)
def test_kd_loss_defaults_positional(lab):
    """kd_loss(s, t, labels) uses temperature 2, alpha 0.5 and ignore_index -100 by default."""
    s, t = logits((4, 6, 9), 11), logits((4, 6, 9), 12)
    y = labels_for((4, 6), 9, 13, ignore_frac=0.4)
    assert_close(kd_tensor(lab, s, t, y).double(), oracle_kd(s, t, y, 2.0, 0.5), atol=1e-5, rtol=1e-5, what="kd_loss with defaults")


@pytest.mark.points(5)
def test_kd_loss_custom_ignore_index(lab):
    """ignore_index other than -100 (here -1, and a class number 2) excludes those positions from both terms."""
    s, t = logits((3, 7, 6), 21), logits((3, 7, 6), 22)
    y = labels_for((3, 7), 6, 23, ignore_frac=0.35, ignore_index=-1)
    out = kd_tensor(lab, s, t, y, temperature=2.5, alpha=0.6, ignore_index=-1)
    assert_close(out.double(), oracle_kd(s, t, y, 2.5, 0.6, ignore_index=-1), atol=1e-5, rtol=1e-5, what="kd_loss, ignore_index=-1")
    y2 = torch.randint(6, (3, 7), generator=torch.Generator().manual_seed(24))
    out2 = kd_tensor(lab, s, t, y2, temperature=1.5, alpha=0.4, ignore_index=2)
    assert_close(out2.double(), oracle_kd(s, t, y2, 1.5, 0.4, ignore_index=2), atol=1e-5, rtol=1e-5, what="kd_loss, ignore_index=2")


@pytest.mark.points(5)
def test_kd_loss_without_labels(lab):
    """Without labels the loss is T^2 * KL(teacher || student) averaged over every position, whatever alpha."""
    s, t = logits((5, 3, 11), 31), logits((5, 3, 11), 32)
    for T, alpha in [(2.0, 0.5), (3.0, 0.2), (1.0, 0.0)]:
        out = kd_tensor(lab, s, t, None, temperature=T, alpha=alpha)
        assert_close(out.double(), oracle_kd(s, t, None, T), atol=1e-5, rtol=1e-5, what=f"kd_loss without labels (T={T}, alpha={alpha})")
    out = kd_tensor(lab, s[0], t[0], temperature=4.0)
    assert_close(out.double(), oracle_kd(s[0], t[0], None, 4.0), atol=1e-5, rtol=1e-5, what="kd_loss without labels, 2-d input")


@pytest.mark.points(6)
def test_kd_loss_reductions(lab):
    """reduction='sum' adds the counted positions; 'none' gives the per-position loss, 0 where ignored."""
    s, t = logits((3, 6, 8), 41), logits((3, 6, 8), 42)
    y = labels_for((3, 6), 8, 43, ignore_frac=0.4)
    per = oracle_per_position(s, t, y, 3.0, 0.7)
    none = kd_tensor(lab, s, t, y, temperature=3.0, alpha=0.7, reduction="".join(["no", "ne"]))
    assert_close(none.double(), per, atol=1e-5, rtol=1e-5, what="kd_loss(reduction='none')")
    total = kd_tensor(lab, s, t, y, temperature=3.0, alpha=0.7, reduction="".join(["su", "m"]))
    check(total.dim() == 0, "reduction='sum' must give a 0-d tensor")
    assert_close(total.double(), per.sum(), atol=1e-4, rtol=1e-5, what="kd_loss(reduction='sum')")
    mean = kd_tensor(lab, s, t, y, temperature=3.0, alpha=0.7, reduction="".join(["batch", "mean"]))
    assert_close(mean.double(), per.sum() / (y != -100).sum(), atol=1e-5, rtol=1e-5, what="kd_loss(reduction='batchmean')")
    # without labels: every position counts
    per_soft = oracle_per_position(s, t, torch.zeros((3, 6), dtype=torch.long), 2.0, 1.0)
    none = kd_tensor(lab, s, t, reduction="none")
    assert_close(none.double(), per_soft, atol=1e-5, rtol=1e-5, what="kd_loss(labels=None, reduction='none')")
    assert_close(kd_tensor(lab, s, t, reduction="sum").double(), per_soft.sum(), atol=1e-4, rtol=1e-5, what="kd_loss(labels=None, reduction='sum')")


@pytest.mark.points(4)
def test_kd_loss_few_counted_positions(lab):
    """One counted position gives exactly its own loss; none gives 0 (and a usable gradient)."""
    s, t = logits((2, 3, 5), 51), logits((2, 3, 5), 52)
    y = torch.full((2, 3), -100)
    y[1, 2] = 4
    assert_close(kd_tensor(lab, s, t, y, temperature=2.0, alpha=0.3).double(), oracle_kd(s, t, y, 2.0, 0.3), atol=1e-5, rtol=1e-5,
                 what="kd_loss with one counted position")
    y = torch.full((2, 3), -100)
    res = lab.vjp(lab.kd_loss, s, t, y, grad_output=torch.tensor(1.0), wrt=(0,))
    check(torch.is_tensor(res.output) and res.output.dim() == 0, "the loss must be a 0-d tensor")
    assert_close(float(res.output), 0.0, atol=1e-12, what="kd_loss with every position ignored")
    g = res.grads[0]
    check(g is None or bool((g == 0).all()), "with every position ignored, the gradient must be zero")


@pytest.mark.points(3)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_kd_loss_large_logits(lab, dtype):
    """Logits of magnitude 1e4 give finite values equal to the formula (log_softmax, not log of softmax)."""
    s = logits((4, 5, 6), 61, scale=1.0, dtype=dtype).sign() * 1e4 + logits((4, 5, 6), 62, scale=1.0, dtype=dtype)
    t = logits((4, 5, 6), 63, scale=1.0, dtype=dtype).sign() * 1e4
    y = labels_for((4, 5), 6, 64, ignore_frac=0.2)
    for T, alpha in [(2.0, 0.5), (1.0, 0.8)]:
        out = kd_tensor(lab, s, t, y, temperature=T, alpha=alpha)
        check(out.dtype == dtype, "the loss must have the dtype of student_logits")
        check(bool(torch.isfinite(out)), "the loss must be finite for logits of magnitude 1e4")
        assert_close(out.double(), oracle_kd(s, t, y, T, alpha), atol=1e-3, rtol=1e-5, what=f"kd_loss with logits of order 1e4 (T={T})")
    same = kd_tensor(lab, t, t.clone(), None, temperature=2.0)
    assert_close(float(same), 0.0, atol=1e-3, what="kd_loss of a student equal to a teacher with huge logits")
    res = lab.vjp(lab.kd_loss, s, t, y, grad_output=torch.tensor(1.0, dtype=dtype), wrt=(0,))
    check(bool(torch.isfinite(res.grads[0]).all()), "the gradient must be finite for logits of magnitude 1e4")


@pytest.mark.points(3)
def test_kd_loss_float64(lab):
    """float64 logits give a float64 loss, equal to the formula to 1e-10."""
    s, t = logits((7, 9), 71, dtype=torch.float64), logits((7, 9), 72, dtype=torch.float64)
    y = labels_for((7,), 9, 73)
    out = kd_tensor(lab, s, t, y, temperature=1.7, alpha=0.35)
    check(out.dtype == torch.float64, "float64 logits must give a float64 loss")
    assert_close(out, oracle_kd(s, t, y, 1.7, 0.35), atol=1e-10, rtol=1e-10, what="kd_loss in float64")


def analytic_grad(s, t, y, T, alpha, ignore_index=-100):
    s64, t64 = s.double(), t.double()
    soft = T * (F.softmax(s64 / T, -1) - F.softmax(t64 / T, -1))
    if y is None:
        m = s.numel() // s.shape[-1]
        return soft / m
    keep = y != ignore_index
    m = max(int(keep.sum()), 1)
    onehot = F.one_hot(torch.where(keep, y, 0), s.shape[-1]).double()
    g = alpha * soft + (1 - alpha) * (F.softmax(s64, -1) - onehot)
    return torch.where(keep.unsqueeze(-1), g, 0.0) / m


@pytest.mark.points(3)
@pytest.mark.parametrize("T,alpha,with_labels", [(1.0, 0.5, True), (4.0, 0.7, True), (0.5, 0.2, True), (3.0, 0.5, False)],
                         ids=["T1", "T4", "T0.5", "T3-nolabels"])
def test_kd_loss_gradient(lab, T, alpha, with_labels):
    """The gradient wrt the student logits is alpha*T*(p_s - p_t)/M + (1-alpha)*(softmax(s) - onehot)/M; none reaches the teacher."""
    s, t = logits((3, 4, 7), 81, dtype=torch.float64), logits((3, 4, 7), 82, dtype=torch.float64)
    y = labels_for((3, 4), 7, 83) if with_labels else None
    res = lab.vjp(lab.kd_loss, s, t, y, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0, 1), temperature=T, alpha=alpha)
    gs, gt = res.grads
    check(gs is not None, "no gradient reached student_logits")
    assert_close(gs, analytic_grad(s, t, y, T, alpha), atol=1e-9, rtol=1e-7, what="the gradient wrt student_logits")
    check(gt is None or bool((gt == 0).all()), "a gradient reached teacher_logits: the teacher must be detached")


@pytest.mark.points(3)
def test_kd_loss_gradient_scale_independent_of_T(lab):
    """Thanks to T^2, the soft term's gradient for small logits is about (s - t)/(V*M) whatever T (it does not shrink like 1/T^2)."""
    s, t = logits((20, 10), 91, scale=0.01, dtype=torch.float64), logits((20, 10), 92, scale=0.01, dtype=torch.float64)
    norms = []
    for T in (1.0, 4.0, 8.0):
        res = lab.vjp(lab.kd_loss, s, t, None, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0,), temperature=T)
        norms.append(float(res.grads[0].norm()))
    check(max(norms) / min(norms) < 1.2, "the soft term's gradient size changes with the temperature: is the T^2 factor there?")


@pytest.mark.points(4)
def test_kd_loss_errors(lab):
    """kd_loss raises ValueError for mismatched shapes, 1-d logits, bad labels shape, T <= 0, alpha outside [0, 1], unknown reduction."""
    s, t = logits((4, 5), 101), logits((4, 5), 102)
    y = torch.tensor([0, 1, 2, 3])
    for T, alpha in [(1e-3, 0.0), (2.0, 1.0)]:
        out = kd_tensor(lab, s, t, y, temperature=T, alpha=alpha)
        check(bool(torch.isfinite(out)), "a valid call (small T, alpha at 0 or 1) must succeed")
    bad = [
        ((s, logits((4, 6), 103)), {}),
        ((logits((4, 6), 104), t), {}),
        ((s, logits((5, 5), 105)), {}),
        ((s, t, torch.tensor([0, 1, 2, 3, 4])), {}),
        ((s[0], t[0]), {}),
        ((s, t, torch.tensor([0, 1, 2])), {}),
        ((s, t, y), {"temperature": 0.0}),
        ((s, t, y), {"temperature": -1.0}),
        ((s, t, y), {"alpha": -0.01}),
        ((s, t, y), {"alpha": 1.01}),
        ((s, t, y), {"reduction": "mean"}),
    ]
    for args, kwargs in bad:
        with pytest.raises(ValueError):
            lab.kd_loss(*args, **kwargs)


# ---- agreement ---------------------------------------------------------------------------------------------------


def oracle_agreement(s, t, mask=None):
    a, b = s.argmax(-1).reshape(-1).tolist(), t.argmax(-1).reshape(-1).tolist()
    m = [True] * len(a) if mask is None else [bool(v) for v in mask.reshape(-1).tolist()]
    sel = [i for i in range(len(a)) if m[i]]
    return sum(a[i] == b[i] for i in sel) / len(sel)


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["none", "bool", "long", "float"])
def test_agreement(lab, kind):
    """agreement is the top-1 match rate over the positions the mask selects (None, bool, int or float masks)."""
    s, t = logits((4, 6, 3), 111, scale=1.0), logits((4, 6, 3), 112, scale=1.0)
    g = torch.Generator().manual_seed(113)
    bmask = torch.rand((4, 6), generator=g) < 0.5
    mask = {"none": None, "bool": bmask, "long": bmask.long(), "float": bmask.float()}[kind]
    out = lab.agreement(s, t, mask) if mask is not None else lab.agreement(s, t)
    check(isinstance(out, float), "agreement must return a Python float")
    assert_close(out, oracle_agreement(s, t, mask), atol=1e-12, what="agreement")


@pytest.mark.points(3)
def test_agreement_ignores_masked_and_ties(lab):
    """Masked-out positions never count, and ties resolve to the first index (torch.argmax)."""
    s = torch.tensor([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0], [5.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    t = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 4.0, 0.0], [0.0, 0.0, 1.0]])
    mask = torch.tensor([True, True, False, True])
    assert_close(lab.agreement(s, t, mask), 2 / 3, atol=1e-12, what="agreement with ties and a masked position")
    assert_close(lab.agreement(s, t), 0.5, atol=1e-12, what="agreement without a mask")
    assert_close(lab.agreement(s, t, torch.tensor([False, False, True, False])), 0.0, atol=1e-12, what="agreement on one disagreeing position")


@pytest.mark.points(2)
def test_agreement_errors(lab):
    """agreement raises ValueError for shape mismatches and a mask that selects nothing."""
    s, t = logits((3, 4), 121), logits((3, 4), 122)
    check(0.0 <= lab.agreement(s, t, torch.tensor([1, 0, 0])) <= 1.0, "a valid call must succeed")
    with pytest.raises(ValueError):
        lab.agreement(s, logits((3, 5), 123))
    with pytest.raises(ValueError):
        lab.agreement(logits((3, 5), 124), logits((3, 4), 125))
    with pytest.raises(ValueError):
        lab.agreement(s, t, torch.tensor([True, False]))
    with pytest.raises(ValueError):
        lab.agreement(s, t, torch.tensor([True, False, True, True]))
    with pytest.raises(ValueError):
        lab.agreement(s, t, torch.zeros(3, dtype=torch.bool))


# ---- models and data ---------------------------------------------------------------------------------------------


def build_mlp(in_dim, hidden, classes, dropout, seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, classes))


@pytest.mark.points(4)
def test_make_mlp(lab):
    """make_mlp builds Linear-ReLU-Dropout-Linear with default init after manual_seed(seed), without touching the global RNG."""
    h = lab.make_mlp(5, 12, 4, dropout=0.25, seed=7)
    check(h.training is True, "make_mlp must return the module in training mode")
    check(abs(h[2].p - 0.25) < 1e-12, "the Dropout layer must have p=dropout")
    sd = h.state_dict()
    with torch.random.fork_rng(devices=[]):
        expected = build_mlp(5, 12, 4, 0.25, 7).state_dict()
    check(sorted(sd) == sorted(expected), "the parameters must be those of Sequential(Linear, ReLU, Dropout, Linear)")
    for k in expected:
        assert_close(sd[k], expected[k], atol=0, rtol=0, what=f"parameter {k}")
    other = lab.make_mlp(5, 12, 4, seed=8).state_dict()
    check(not torch.equal(other["0.weight"], sd["0.weight"]), "another seed must give other weights")
    default = lab.make_mlp(3, 4, 2)
    check(abs(default[2].p) < 1e-12, "dropout defaults to 0")
    with torch.random.fork_rng(devices=[]):
        expected = build_mlp(3, 4, 2, 0.0, 0).state_dict()
    got = default.state_dict()
    check(all(torch.equal(got[k], expected[k]) for k in expected), "seed defaults to 0")
    torch_h = lab.get("torch")
    lab.manual_seed(3)
    a = torch_h.rand(4)
    lab.manual_seed(3)
    lab.make_mlp(5, 12, 4, seed=9)
    b = torch_h.rand(4)
    check(torch.equal(a, b), "make_mlp must leave the caller's global random state as it was")


def scaled_teacher(lab, seed, scale=5.0, dropout=0.5):
    teacher = lab.make_mlp(IN_DIM, T_HIDDEN, CLASSES, dropout=dropout, seed=seed)
    sd = {k: v.clone() for k, v in teacher.state_dict().items()}
    sd["3.weight"] = sd["3.weight"] * scale
    sd["3.bias"] = sd["3.bias"] * scale
    teacher.load_state_dict(sd)
    return teacher, sd


def local_copy(sd, hidden, dropout):
    m = nn.Sequential(nn.Linear(IN_DIM, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, CLASSES))
    m.load_state_dict(sd)
    return m


@pytest.mark.points(3)
def test_make_data(lab):
    """make_data draws x with randn from the seeded generator, then labels from the teacher's softmax in eval mode."""
    teacher, sd = scaled_teacher(lab, 1, scale=2.0)
    x, y = lab.make_data(teacher, 300, IN_DIM, seed=5)
    check(teacher.training is False, "make_data must leave the teacher in eval mode")
    g = torch.Generator().manual_seed(5)
    ex = torch.randn(300, IN_DIM, generator=g)
    ref = local_copy(sd, T_HIDDEN, 0.5).eval()
    with torch.no_grad():
        ey = torch.multinomial(torch.softmax(ref(ex), -1), 1, generator=g).squeeze(1)
    assert_close(x, ex, atol=0, rtol=0, what="the inputs x")
    check(y.dtype == torch.int64 and tuple(y.shape) == (300,), "labels must be int64 of shape (n,)")
    check(float((y == ey).float().mean()) > 0.99, "the labels are not the stated draw from the teacher's (eval-mode) softmax")
    x2, _ = lab.make_data(teacher, 300, IN_DIM, seed=6)
    check(not torch.equal(x, x2), "another seed must give other data")
    x0, _ = lab.make_data(teacher, 10, IN_DIM)
    check(torch.equal(x0, torch.randn(10, IN_DIM, generator=torch.Generator().manual_seed(0))), "seed defaults to 0")


# ---- distill ---------------------------------------------------------------------------------------------------


def replay(t_sd, s_sd, x, y, steps, batch_size, lr, T, alpha, seed):
    teacher = local_copy(t_sd, T_HIDDEN, 0.5).eval()
    student = local_copy(s_sd, S_HIDDEN, 0.0).train()
    opt = torch.optim.Adam(student.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        idx = torch.randint(len(x), (batch_size,), generator=g)
        with torch.no_grad():
            tl = teacher(x[idx])
        sl = student(x[idx])
        soft = T * T * F.kl_div(F.log_softmax(sl / T, -1), F.softmax(tl / T, -1), reduction="batchmean", log_target=False)
        loss = alpha * soft + (1 - alpha) * F.cross_entropy(sl, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, student.state_dict()


@pytest.mark.points(3)
@pytest.mark.parametrize("T,alpha,lr,bs", [(2.0, 0.5, 1e-2, 64), (4.0, 0.9, 3e-3, 32), (1.0, 0.0, 1e-2, 48)], ids=["T2", "T4", "hard-only"])
def test_distill_follows_procedure(lab, T, alpha, lr, bs):
    """distill's losses and final student equal a re-run of the stated procedure; the teacher stays fixed, in eval mode."""
    teacher, t_sd = scaled_teacher(lab, 2)
    x, y = lab.make_data(teacher, 400, IN_DIM, seed=3)
    teacher.train()  # distill must switch it to eval itself
    student = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=4)
    student.eval()  # distill must switch it to train itself
    s_sd = {k: v.clone() for k, v in student.state_dict().items()}
    losses = lab.distill(teacher, student, x, y, steps=25, batch_size=bs, lr=lr, temperature=T, alpha=alpha, seed=11)
    check(isinstance(losses, list) and len(losses) == 25 and all(isinstance(v, float) for v in losses),
          "distill must return a list of `steps` Python floats")
    exp_losses, exp_sd = replay(t_sd, s_sd, x, y, 25, bs, lr, T, alpha, 11)
    assert_close(torch.tensor(losses), torch.tensor(exp_losses), atol=1e-4, rtol=1e-4, what="the losses of distill")
    final = student.state_dict()
    for k in exp_sd:
        assert_close(final[k], exp_sd[k], atol=1e-4, rtol=1e-4, what=f"the trained student's {k}")
    after = teacher.state_dict()
    check(sorted(after) == sorted(t_sd), "the teacher's parameters changed")
    for k in t_sd:
        check(torch.equal(after[k], t_sd[k]), "the teacher's weights changed")
    check(teacher.training is False, "the teacher must be left in eval mode")
    check(student.training is True, "the student must be left in training mode")


@pytest.mark.points(8)
def test_distill_agreement_rises_and_beats_hard_labels(lab):
    """A student distilled from the teacher agrees with it far more than before, and more than one trained on hard labels only."""
    teacher, t_sd = scaled_teacher(lab, 0)
    x, y = lab.make_data(teacher, 1000, IN_DIM, seed=100)
    xt, _ = lab.make_data(teacher, 2000, IN_DIM, seed=200)
    tl = local_copy(t_sd, T_HIDDEN, 0.5).eval()(xt).detach()
    kd = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=1)
    hard = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=1)
    before = lab.agreement(kd(xt), tl)
    kd_losses = lab.distill(teacher, kd, x, y, steps=300, temperature=2.0, alpha=0.9, seed=0)
    lab.distill(teacher, hard, x, y, steps=300, alpha=0.0, seed=0)
    a_kd, a_hard = lab.agreement(kd(xt), tl), lab.agreement(hard(xt), tl)
    check(sum(kd_losses[-30:]) < 0.7 * sum(kd_losses[:30]), "the distillation loss does not fall")
    check(a_kd > before + 0.4 and a_kd > 0.72, "the distilled student's agreement with the teacher does not rise enough")
    check(a_kd > a_hard + 0.07, "distillation does not beat hard-label training on agreement with the teacher")
    after = teacher.state_dict()
    check(all(torch.equal(after[k], t_sd[k]) for k in t_sd), "the teacher's weights changed")


@pytest.mark.points(2)
def test_distill_errors(lab):
    """distill accepts steps=1, batch_size=1 and raises ValueError for steps < 1, batch_size < 1, or inputs/labels of different lengths."""
    teacher, _ = scaled_teacher(lab, 5)
    x, y = lab.make_data(teacher, 20, IN_DIM, seed=1)
    student = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=2)
    out = lab.distill(teacher, student, x, y, steps=1, batch_size=1)
    check(isinstance(out, list) and len(out) == 1, "steps=1 must give one loss")
    for kwargs in [{"steps": 0}, {"batch_size": 0}]:
        with pytest.raises(ValueError):
            lab.distill(teacher, student, x, y, **kwargs)
    with pytest.raises(ValueError):
        lab.distill(teacher, student, x, y[:-1], steps=2)
    with pytest.raises(ValueError):
        lab.distill(teacher, student, x[:-1], y, steps=2)


@pytest.mark.points(2)
def test_distill_defaults(lab):
    """distill's defaults: batch_size 64, lr 1e-2, temperature 2, alpha 0.5, seed 0, and 300 steps."""
    teacher, t_sd = scaled_teacher(lab, 6)
    x, y = lab.make_data(teacher, 300, IN_DIM, seed=7)
    student = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=8)
    s_sd = {k: v.clone() for k, v in student.state_dict().items()}
    losses = lab.distill(teacher, student, x, y, steps=15)
    exp_losses, _ = replay(t_sd, s_sd, x, y, 15, 64, 1e-2, 2.0, 0.5, 0)
    assert_close(torch.tensor(losses), torch.tensor(exp_losses), atol=1e-4, rtol=1e-4, what="the losses of distill with default settings")
    other = lab.make_mlp(IN_DIM, S_HIDDEN, CLASSES, seed=9)
    check(len(lab.distill(teacher, other, x[:40], y[:40], batch_size=4)) == 300, "distill must run 300 steps by default")
