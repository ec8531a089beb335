"""Hidden tests for lab 29 (comparing tiny architectures under one budget).

Oracles: ``scipy.stats.binomtest`` and ``scipy.stats.chi2`` for McNemar's
test (statsmodels' formulas); parameter counts from the docstring's layer
list; each architecture's forward pass rebuilt here from the student's own
weights (found by shape, or by torch's fixed names inside ``nn.GRU`` and
``nn.TransformerEncoderLayer``); the batch order drawn here with the
docstring's recipe; one SGD step checked against gradients taken through
``lab.vjp`` on a twin model (same seed, same weights); the loss of every
step checked against a fresh twin trained one step fewer. The comparison
table is checked against the student's own build / train / predict.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats
from torch import nn

from autograder.testing import assert_close, check

ARCHS = ("bow_mlp", "cnn", "gru", "tiny_transformer")
# Dimensions chosen so that every weight of a model has its own shape.
V, C = 23, 4
CFG = {"dim": 6, "hidden": 10, "kernel_size": 3, "heads": 2, "max_len": 9}
CFG2 = {"dim": 6, "hidden": 10, "kernel_size": 5, "heads": 3, "max_len": 9}
RUN = {"atol": 1e-5, "rtol": 1e-5}


def task(n: int, seed: int, seq_len: int = 7, vocab: int = V, classes: int = C):
    """Token ids with random padding at the end of each row; the label is a function of the first token."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(1, vocab, (n, seq_len), generator=g)
    lengths = torch.randint(1, seq_len + 1, (n,), generator=g)
    x[torch.arange(seq_len)[None, :] >= lengths[:, None]] = 0
    y = x[:, 0] % classes
    return x, y


def expected_batches(
    n: int, batch_size: int, max_steps: int, seed: int
) -> list[list[int]]:
    g = torch.Generator().manual_seed(seed)
    out: list[list[int]] = []
    while len(out) < max_steps:
        perm = torch.randperm(n, generator=g).tolist()
        for s in range(0, n, batch_size):
            out.append(perm[s : s + batch_size])
    return out[:max_steps]


def expected_count(
    arch: str, cfg: dict, vocab: int = V, classes: int = C
) -> tuple[int, int]:
    """(all parameters, trainable parameters) of the docstring's layers."""
    d, h = cfg.get("dim", 16), cfg.get("hidden", 32)
    emb = vocab * d
    if arch == "bow_mlp":
        rest = d * h + h + h * classes + classes
    elif arch == "cnn":
        k = cfg.get("kernel_size", 3)
        rest = d * h * k + h + h * classes + classes
    elif arch == "gru":
        rest = 3 * (d * h + h * h + 2 * h) + h * classes + classes
    else:
        rest = (
            cfg.get("max_len", 64) * d
            + (3 * d * d + 3 * d + d * d + d)
            + (d * h + h + h * d + d)
            + 4 * d
        )
        rest += d * classes + classes
    total = emb + rest
    return total, total - (emb if cfg.get("freeze_embedding") else 0)


def params_of(model) -> dict:
    return {name: t.clone() for name, t in model.named_parameters()}


def by_shape(params: dict, shape: tuple) -> torch.Tensor:
    found = [t for t in params.values() if tuple(t.shape) == shape]
    check(
        len(found) == 1,
        f"expected exactly one parameter of shape {shape}, found {len(found)}",
    )
    return found[0]


def by_suffix(params: dict, suffix: str) -> torch.Tensor:
    found = [t for name, t in params.items() if name.endswith(suffix)]
    check(
        len(found) == 1,
        f"expected exactly one parameter named '*{suffix}', found {len(found)}",
    )
    return found[0]


@torch.no_grad()
def oracle_logits(
    arch: str, params: dict, x: torch.Tensor, cfg: dict = CFG
) -> torch.Tensor:
    d, h, k = cfg.get("dim", 16), cfg.get("hidden", 32), cfg.get("kernel_size", 3)
    emb = F.embedding(x, by_shape(params, (V, d)))
    if arch == "bow_mlp":
        mask = (x != 0).unsqueeze(-1).float()
        mean = (emb * mask).sum(1) / mask.sum(1).clamp(min=1)
        hid = torch.relu(
            F.linear(mean, by_shape(params, (h, d)), by_shape(params, (h,)))
        )
        return F.linear(hid, by_shape(params, (C, h)), by_shape(params, (C,)))
    if arch == "cnn":
        conv = F.conv1d(
            emb.transpose(1, 2),
            by_shape(params, (h, d, k)),
            by_shape(params, (h,)),
            padding=k // 2,
        )
        return F.linear(
            torch.relu(conv).amax(2), by_shape(params, (C, h)), by_shape(params, (C,))
        )
    if arch == "gru":
        gru = nn.GRU(d, h, batch_first=True)
        gru.load_state_dict(
            {name: by_suffix(params, name) for name, _ in gru.named_parameters()}
        )
        _, h_n = gru(emb)
        return F.linear(h_n[-1], by_shape(params, (C, h)), by_shape(params, (C,)))
    layer = nn.TransformerEncoderLayer(
        d, cfg.get("heads", 2), dim_feedforward=h, dropout=0.0, batch_first=True
    )
    layer.load_state_dict(
        {name: by_suffix(params, name) for name, _ in layer.named_parameters()}
    )
    layer.train()  # the plain (slow) path, like a model in training mode
    pos = by_shape(params, (cfg.get("max_len", 64), d))[: x.shape[1]]
    out = layer(emb + pos)
    return F.linear(out.mean(1), by_shape(params, (C, d)), by_shape(params, (C,)))


def table(b: int, c: int, both_right: int = 0, both_wrong: int = 0):
    """correct_a, correct_b lists with the given cells (in a scrambled order)."""
    a = [True] * b + [False] * c + [True] * both_right + [False] * both_wrong
    bb = [False] * b + [True] * c + [True] * both_right + [False] * both_wrong
    order = np.random.default_rng(b * 1000 + c).permutation(len(a))
    return [a[i] for i in order], [bb[i] for i in order]


# ---- build_model and count_parameters -----------------------------------------------------------


CONFIGS = [
    {},
    CFG,
    {**CFG, "freeze_embedding": True},
    {"dim": 8, "hidden": 5, "kernel_size": 5, "heads": 4, "max_len": 11},
]


@pytest.mark.points(2)
@pytest.mark.parametrize("arch", ARCHS)
def test_build_model_parameter_counts(lab, arch):
    """The model has exactly the parameters of the docstring's layers, for the default and custom configs."""
    for cfg in CONFIGS:
        model = lab.build_model(arch, V, C, cfg, seed=0)
        total, _ = expected_count(arch, cfg)
        got = sum(t.numel() for _, t in model.named_parameters())
        check(
            got == total,
            f"{arch} with config {cfg}: the model has {got} parameters, the docstring's layers have a different number",
        )
    check(
        sum(t.numel() for _, t in lab.build_model(arch, V, C).named_parameters())
        == expected_count(arch, {})[0],
        f"{arch}: config=None should use the default sizes",
    )


@pytest.mark.points(1)
@pytest.mark.parametrize("arch", ARCHS)
def test_count_parameters_trainable_only(lab, arch):
    """count_parameters counts trainable parameters by default and all with trainable_only=False (frozen embedding)."""
    for cfg in CONFIGS:
        model = lab.build_model(arch, V, C, cfg, seed=1)
        total, trainable = expected_count(arch, cfg)
        check(
            lab.count_parameters(model) == trainable,
            f"{arch} {cfg}: count_parameters(model) should count trainable parameters only",
        )
        check(
            lab.count_parameters(model, True) == trainable,
            f"{arch} {cfg}: trainable_only=True should count trainable parameters only",
        )
        got = lab.count_parameters(model, trainable_only=False)
        check(
            got == total,
            f"{arch} {cfg}: trainable_only=False should count every parameter, frozen ones included",
        )
        check(
            type(got) is int,
            f"count_parameters should return an int, got {type(got).__name__}",
        )


@pytest.mark.points(3)
@pytest.mark.parametrize("arch", ARCHS)
def test_forward_matches_layers(lab, arch):
    """The logits equal the docstring's layers applied with the model's own weights (padding included)."""
    x, _ = task(12, seed=3)
    x[0, 1:] = 0  # one token only
    x[1, 3:] = 0
    for cfg, seed in [(CFG, 0), (CFG, 5), (CFG2, 1), ({}, 2), (None, 3)]:
        model = lab.build_model(arch, V, C, cfg, seed=seed)
        logits = model(x)
        check(
            tuple(logits.shape) == (12, C),
            f"{arch}: expected logits of shape (12, {C}), got {tuple(logits.shape)}",
        )
        assert_close(
            logits,
            oracle_logits(arch, params_of(model), x, cfg or {}),
            **RUN,
            what=f"{arch} logits",
        )


@pytest.mark.points(2)
def test_build_model_seed_and_padding_row(lab):
    """The same seed gives the same weights, another seed other weights; the padding row of the embedding is zero."""
    for arch in ARCHS:
        p1 = params_of(lab.build_model(arch, V, C, CFG, seed=7))
        p2 = params_of(lab.build_model(arch, V, C, CFG, seed=7))
        p3 = params_of(lab.build_model(arch, V, C, CFG, seed=8))
        check(
            p1.keys() == p2.keys(), f"{arch}: two builds have different parameter names"
        )
        check(
            all(torch.equal(p1[k], p2[k]) for k in p1),
            f"{arch}: the same seed should give the same weights",
        )
        check(
            not all(torch.equal(p1[k], p3[k]) for k in p1),
            f"{arch}: another seed should give other weights",
        )
        emb = by_shape(p1, (V, CFG["dim"]))
        check(
            bool((emb[0] == 0).all()),
            f"{arch}: the embedding's row 0 (padding) should be zero (padding_idx=0)",
        )
        check(
            not bool((emb[1:] == 0).all()),
            f"{arch}: the embedding's other rows should be drawn at random",
        )


@pytest.mark.points(2)
def test_bow_mlp_ignores_padding(lab):
    """bow_mlp averages over non-padding tokens only; a row of padding gives the MLP of the zero vector."""
    model = lab.build_model("bow_mlp", V, C, CFG, seed=2)
    x = torch.tensor([[3, 4, 5, 0], [7, 0, 0, 0]])
    longer = torch.cat([x, torch.zeros(2, 5, dtype=torch.long)], dim=1)
    assert_close(
        model(longer), model(x), **RUN, what="bow_mlp logits after appending padding"
    )
    shorter = torch.tensor([[3, 4, 5], [7, 0, 0]])
    assert_close(
        model(shorter), model(x), **RUN, what="bow_mlp logits after removing padding"
    )
    empty = model(torch.zeros(2, 3, dtype=torch.long))
    check(
        bool(torch.isfinite(empty).all()),
        "bow_mlp: a row of padding only should give finite logits (the zero vector)",
    )
    assert_close(
        empty,
        oracle_logits("bow_mlp", params_of(model), torch.zeros(2, 3, dtype=torch.long)),
        **RUN,
        what="bow_mlp logits of a padding-only row",
    )


@pytest.mark.points(1)
def test_build_model_unknown_name(lab):
    """An unknown architecture name raises ValueError."""
    lab.build_model("cnn", V, C)
    with pytest.raises(ValueError):
        lab.build_model("lstm", V, C)
    with pytest.raises(ValueError):
        lab.build_model("BOW_MLP", V, C)


# ---- batch_order ----------------------------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.parametrize(
    "n, batch_size, max_steps, seed",
    [
        (12, 4, 3, 0),
        (12, 4, 7, 1),
        (10, 4, 3, 2),
        (10, 4, 8, 3),
        (5, 8, 3, 4),
        (7, 1, 9, 5),
        (9, 3, 1, 6),
    ],
    ids=[
        "one-epoch",
        "epochs",
        "short-last",
        "short-last-epochs",
        "batch-above-n",
        "batch-of-one",
        "one-step",
    ],
)
def test_batch_order_matches_recipe(lab, n, batch_size, max_steps, seed):
    """batch_order draws one randperm per epoch from one generator, keeps short last slices, stops at max_steps."""
    got = lab.batch_order(n, batch_size, max_steps, seed)
    want = expected_batches(n, batch_size, max_steps, seed)
    check(
        len(got) == max_steps,
        f"expected exactly max_steps={max_steps} batches, got {len(got)}",
    )
    for i, (g, w) in enumerate(zip(got, want)):
        check(
            [int(v) for v in g] == w,
            f"batch {i} (n={n}, batch_size={batch_size}, seed={seed}) differs from the recipe",
        )


@pytest.mark.points(1)
def test_batch_order_zero_steps_and_errors(lab):
    """max_steps=0 gives no batch; n_examples or batch_size below 1 or max_steps below 0 raise ValueError."""
    check(list(lab.batch_order(4, 2, 0, 0)) == [], "max_steps=0 should give []")
    check(len(lab.batch_order(1, 1, 2, 0)) == 2, "n_examples=1, batch_size=1 is valid")
    for args in [(0, 2, 3, 0), (4, 0, 3, 0), (4, 2, -1, 0)]:
        with pytest.raises(ValueError):
            lab.batch_order(*args)


# ---- train_model and predict ----------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("arch", ARCHS)
def test_train_one_step_is_sgd(lab, arch):
    """One step of train_model is plain SGD on the mean cross-entropy of the first batch (frozen weights unchanged)."""
    x, y = task(10, seed=11)
    lr, bs, seed = 0.3, 4, 9
    for cfg in (CFG, {**CFG, "freeze_embedding": True}):
        model = lab.build_model(arch, V, C, cfg, seed=4)
        twin = lab.build_model(arch, V, C, cfg, seed=4)
        before = params_of(model)
        idx = torch.tensor(expected_batches(10, bs, 1, seed)[0])
        logits = twin(x[idx])
        grad_out = (torch.softmax(logits, 1) - F.one_hot(y[idx], C).float()) / len(idx)
        grads = lab.vjp(
            twin, x[idx], grad_output=grad_out, wrt=(), params=True
        ).param_grads
        result = lab.train_model(
            model, x, y, max_steps=1, batch_size=bs, lr=lr, seed=seed
        )
        after = params_of(model)
        check(
            after.keys() == before.keys(),
            "train_model changed the model's parameter names",
        )
        for name, p in before.items():
            g = grads.get(name)
            want = p if g is None else p - lr * g
            assert_close(
                after[name],
                want,
                atol=1e-6,
                rtol=1e-5,
                what=f"{arch} {name} after one SGD step"
                + (" (frozen embedding)" if cfg.get("freeze_embedding") else ""),
            )
        emb = by_shape(after, (V, CFG["dim"]))
        if cfg.get("freeze_embedding"):
            check(
                torch.equal(emb, by_shape(before, (V, CFG["dim"]))),
                f"{arch}: a frozen embedding must not change",
            )
        assert_close(
            result["losses"][0],
            F.cross_entropy(logits, y[idx]).item(),
            **RUN,
            what="the first loss",
        )


@pytest.mark.points(3)
@pytest.mark.parametrize("arch", ["bow_mlp", "gru"])
def test_train_losses_follow_batch_order(lab, arch):
    """Loss k is the loss of batch k of the recipe's order after k steps, for exactly max_steps steps."""
    x, y = task(10, seed=12)
    steps, bs, lr, seed = 6, 4, 0.5, 3
    batches = expected_batches(10, bs, steps, seed)
    result = lab.train_model(
        lab.build_model(arch, V, C, CFG, seed=1),
        x,
        y,
        max_steps=steps,
        batch_size=bs,
        lr=lr,
        seed=seed,
    )
    check(
        result["steps"] == steps,
        f"'steps' should be max_steps={steps}, got {result['steps']}",
    )
    check(
        len(result["losses"]) == steps,
        f"expected {steps} losses, got {len(result['losses'])}",
    )
    check(
        result["examples_seen"] == sum(map(len, batches)),
        "'examples_seen' should count the examples of every batch, short batches and repeats included",
    )
    for k in range(steps):
        twin = lab.build_model(arch, V, C, CFG, seed=1)
        if k:
            lab.train_model(twin, x, y, max_steps=k, batch_size=bs, lr=lr, seed=seed)
        idx = torch.tensor(batches[k])
        want = F.cross_entropy(twin(x[idx]), y[idx]).item()
        assert_close(result["losses"][k], want, **RUN, what=f"the loss of step {k}")


@pytest.mark.points(2)
def test_train_stats_types_and_budget(lab):
    """train_model returns int steps and examples_seen, float losses and a positive float train_time_s; max_steps=0 trains nothing."""
    x, y = task(10, seed=13)
    model = lab.build_model("cnn", V, C, CFG, seed=0)
    start = time.perf_counter()
    result = lab.train_model(model, x, y, max_steps=7, batch_size=4, lr=0.1, seed=0)
    elapsed = time.perf_counter() - start
    check(
        result["train_time_s"] <= elapsed + 1e-3,
        "'train_time_s' is longer than the whole call to train_model took",
    )
    check(
        set(result) >= {"steps", "examples_seen", "losses", "train_time_s"},
        "the result should have steps, examples_seen, losses, train_time_s",
    )
    check(
        type(result["steps"]) is int and result["steps"] == 7,
        "'steps' should be the int max_steps",
    )
    check(
        type(result["examples_seen"]) is int and result["examples_seen"] == 24,
        "'examples_seen' should be an int: 4+4+2 per epoch of 10 examples, repeats counted",
    )
    check(
        isinstance(result["losses"], list)
        and all(type(v) is float for v in result["losses"]),
        "'losses' should be a list of Python floats",
    )
    check(
        type(result["train_time_s"]) is float and result["train_time_s"] > 0,
        "'train_time_s' should be a positive float",
    )
    before = params_of(model)
    empty = lab.train_model(model, x, y, max_steps=0, batch_size=4, lr=0.1, seed=0)
    check(
        empty["steps"] == 0
        and empty["examples_seen"] == 0
        and list(empty["losses"]) == [],
        "max_steps=0: no step, no example, no loss",
    )
    after = params_of(model)
    check(
        all(torch.equal(before[k], after[k]) for k in before),
        "max_steps=0 must not change the weights",
    )


@pytest.mark.points(2)
def test_train_deterministic_and_seeded(lab):
    """The same seed reproduces the run; another seed changes the data order (and the losses)."""
    x, y = task(16, seed=14)
    runs = []
    for seed in (5, 5, 6):
        model = lab.build_model("tiny_transformer", V, C, CFG, seed=0)
        runs.append(
            lab.train_model(model, x, y, max_steps=5, batch_size=4, lr=0.2, seed=seed)[
                "losses"
            ]
        )
    check(runs[0] == runs[1], "two runs with the same seed should give the same losses")
    check(runs[0] != runs[2], "another seed should give another data order")


@pytest.mark.points(2)
def test_train_learns_easy_task(lab):
    """A bow_mlp trained for 150 steps fits an easy task (loss falls, high training accuracy)."""
    x, y = task(64, seed=15, classes=2)
    model = lab.build_model("bow_mlp", V, 2, {"dim": 16, "hidden": 32}, seed=0)
    losses = lab.train_model(model, x, y, max_steps=150, batch_size=16, lr=1.0, seed=0)[
        "losses"
    ]
    check(
        np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10]),
        "the training loss should fall",
    )
    acc = (lab.predict(model, x) == y).float().mean().item()
    check(
        acc > 0.9, f"training accuracy after 150 steps is {acc:.2f}, expected above 0.9"
    )


@pytest.mark.points(2)
def test_predict_argmax_and_modes(lab):
    """predict returns the argmax (int64, lowest index on ties) in eval mode; train_model switches back to train mode."""
    x, y = task(9, seed=16)
    for arch in ARCHS:
        model = lab.build_model(arch, V, C, CFG, seed=3)
        logits = model(x)
        pred = lab.predict(model, x)
        check(
            torch.is_tensor(pred) and pred.dtype == torch.long,
            f"{arch}: predict should return an int64 tensor",
        )
        check(
            tuple(pred.shape) == (9,),
            f"{arch}: predict should return shape (batch,), got {tuple(pred.shape)}",
        )
        check(
            torch.equal(pred, logits.argmax(1)),
            f"{arch}: predict should be the argmax of the logits",
        )
        check(
            model.training is False,
            f"{arch}: predict should leave the model in eval mode",
        )
        lab.train_model(model, x, y, max_steps=1, batch_size=4, lr=0.1, seed=0)
        check(
            model.training is True,
            f"{arch}: train_model should put the model in train mode",
        )
    model = lab.build_model("bow_mlp", V, C, CFG, seed=3)
    model.load_state_dict(
        {k: torch.zeros_like(v) for k, v in model.state_dict().items()}
    )
    check(
        torch.equal(lab.predict(model, x), torch.zeros(9, dtype=torch.long)),
        "tied logits: predict should choose the lowest class index",
    )


# ---- accuracy -------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_accuracy_values_and_errors(lab):
    """accuracy is the fraction of equal positions as a float; different or zero lengths raise ValueError."""
    got = lab.accuracy(torch.tensor([0, 1, 2, 2]), torch.tensor([0, 2, 2, 1]))
    check(
        type(got) is float,
        f"accuracy should return a Python float, got {type(got).__name__}",
    )
    assert_close(got, 0.5, atol=1e-12, rtol=0, what="accuracy")
    assert_close(
        lab.accuracy(torch.tensor([1, 1, 1]), torch.tensor([1, 1, 0])),
        2 / 3,
        atol=1e-12,
        rtol=0,
        what="accuracy",
    )
    check(
        lab.accuracy(torch.tensor([3]), torch.tensor([3])) == 1.0,
        "one right prediction: accuracy 1.0",
    )
    with pytest.raises(ValueError):
        lab.accuracy(torch.tensor([0, 1]), torch.tensor([0]))
    with pytest.raises(ValueError):
        lab.accuracy(
            torch.tensor([], dtype=torch.long), torch.tensor([], dtype=torch.long)
        )


# ---- mcnemar ----------------------------------------------------------------------------------------

TABLES = {
    "b1c0": (1, 0, 3, 2),
    "b0c5": (0, 5, 4, 1),
    "b5c0": (5, 0, 0, 7),
    "b1c1": (1, 1, 6, 2),
    "b3c7": (3, 7, 20, 5),
    "b7c3": (7, 3, 0, 0),
    "b10c10": (10, 10, 3, 3),
    "b6c5": (6, 5, 30, 1),
    "b25c40": (25, 40, 100, 9),
    "b400c460": (400, 460, 50, 80),
    "b1000c1200": (1000, 1200, 5, 0),
}


def check_mcnemar(
    res: dict, b: int, c: int, statistic: float, p: float, what: str
) -> None:
    check(
        res["b"] == b and res["c"] == c,
        f"{what}: b and c should count the discordant pairs (A right B wrong, A wrong B right)",
    )
    check(
        type(res["b"]) is int and type(res["c"]) is int,
        f"{what}: b and c should be ints",
    )
    check(
        type(res["statistic"]) is float and type(res["p_value"]) is float,
        f"{what}: statistic and p_value should be Python floats",
    )
    check(not math.isnan(res["p_value"]), f"{what}: p_value is NaN")
    assert_close(
        res["statistic"], statistic, atol=1e-12, rtol=1e-12, what=f"{what}: statistic"
    )
    assert_close(res["p_value"], p, atol=1e-12, rtol=1e-9, what=f"{what}: p_value")


@pytest.mark.points(1)
@pytest.mark.parametrize("name", list(TABLES))
def test_mcnemar_exact_matches_scipy(lab, name):
    """The exact McNemar test equals scipy's two-sided binomial test on b of b + c (capped at 1)."""
    b, c, rr, ww = TABLES[name]
    a, bb = table(b, c, rr, ww)
    want = stats.binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
    for kwargs in ({}, {"exact": True}, {"exact": True, "correction": False}):
        check_mcnemar(
            lab.mcnemar(a, bb, **kwargs),
            b,
            c,
            float(min(b, c)),
            min(1.0, want),
            f"exact test, table {name}, {kwargs}",
        )


@pytest.mark.points(1)
@pytest.mark.parametrize("correction", [True, False], ids=["corrected", "uncorrected"])
@pytest.mark.parametrize(
    "name", ["b1c0", "b0c5", "b1c1", "b10c10", "b25c40", "b1000c1200"]
)
def test_mcnemar_asymptotic_matches_scipy(lab, name, correction):
    """The chi-square McNemar test equals scipy's chi2(1) survival function, with and without the continuity correction."""
    b, c, rr, ww = TABLES[name]
    a, bb = table(b, c, rr, ww)
    statistic = (abs(b - c) - (1 if correction else 0)) ** 2 / (b + c)
    want = stats.chi2.sf(statistic, 1)
    check_mcnemar(
        lab.mcnemar(a, bb, exact=False, correction=correction),
        b,
        c,
        statistic,
        want,
        f"chi-square test, table {name}, correction={correction}",
    )


@pytest.mark.points(2)
def test_mcnemar_no_discordant_pairs(lab):
    """When b = c = 0 (the models agree everywhere) the statistic is 0.0 and the p-value 1.0 in every mode."""
    for rr, ww in [(5, 3), (0, 4), (6, 0)]:
        a, bb = table(0, 0, rr, ww)
        for kwargs in (
            {},
            {"exact": False},
            {"exact": False, "correction": False},
            {"exact": True, "correction": False},
        ):
            res = lab.mcnemar(a, bb, **kwargs)
            check(res["b"] == 0 and res["c"] == 0, "no discordant pair: b = c = 0")
            check(
                res["statistic"] == 0.0 and res["p_value"] == 1.0,
                f"b = c = 0 with {kwargs}: expected statistic 0.0 and p_value 1.0, got {res['statistic']}, {res['p_value']}",
            )


@pytest.mark.points(2)
def test_mcnemar_ignores_concordant_pairs(lab):
    """Only the discordant pairs matter: adding examples both models get right (or wrong) changes nothing."""
    for exact, correction in [(True, True), (False, True), (False, False)]:
        base = lab.mcnemar(*table(4, 9), exact=exact, correction=correction)
        for rr, ww in [(50, 0), (0, 50), (13, 27)]:
            res = lab.mcnemar(*table(4, 9, rr, ww), exact=exact, correction=correction)
            check(
                res["b"] == base["b"] and res["c"] == base["c"],
                "b and c should not depend on the concordant pairs",
            )
            assert_close(
                res["p_value"],
                base["p_value"],
                atol=1e-12,
                rtol=1e-12,
                what=f"p-value with {rr} both-right and {ww} both-wrong pairs added (exact={exact})",
            )
            assert_close(
                res["statistic"],
                base["statistic"],
                atol=1e-12,
                rtol=1e-12,
                what=f"statistic with concordant pairs added (exact={exact})",
            )


@pytest.mark.points(2)
def test_mcnemar_direction_and_input_types(lab):
    """b counts A right and B wrong; swapping the models swaps b and c; lists, 0/1 ints, numpy arrays and tensors are accepted."""
    a, bb = table(2, 6, 4, 4)
    res = lab.mcnemar(a, bb)
    check(
        (res["b"], res["c"]) == (2, 6),
        "b should count A right and B wrong, c A wrong and B right",
    )
    swapped = lab.mcnemar(bb, a, exact=False)
    check(
        (swapped["b"], swapped["c"]) == (6, 2),
        "swapping the models should swap b and c",
    )
    want = stats.binomtest(2, 8, 0.5).pvalue
    for conv in (
        lambda v: [int(t) for t in v],
        np.array,
        torch.tensor,
        lambda v: tuple(v),
    ):
        got = lab.mcnemar(conv(a), conv(bb))
        check((got["b"], got["c"]) == (2, 6), "b and c with another input type")
        assert_close(
            got["p_value"],
            want,
            atol=1e-12,
            rtol=1e-9,
            what="p_value with another input type",
        )


@pytest.mark.points(1)
def test_mcnemar_errors(lab):
    """Sequences of different lengths raise ValueError."""
    lab.mcnemar([True, False], [False, False])
    with pytest.raises(ValueError):
        lab.mcnemar([True, False, True], [True, False])


# ---- compare_models --------------------------------------------------------------------------------

SPECS = {
    "mlp": ("bow_mlp", {"dim": 8, "hidden": 12}),
    "conv": ("cnn", {"dim": 8, "hidden": 12}),
    "rnn": ("gru", {"dim": 8, "hidden": 6, "freeze_embedding": True}),
    "attn": ("tiny_transformer", {"dim": 8, "hidden": 12, "max_len": 10}),
}


def check_row_types(row: dict, n_test: int) -> None:
    check(
        set(row)
        >= {"label", "name", "parameters", "train_time_s", "accuracy", "correct"},
        "each row needs label, name, parameters, train_time_s, accuracy, correct",
    )
    check(type(row["parameters"]) is int, "'parameters' should be an int")
    check(type(row["accuracy"]) is float, "'accuracy' should be a Python float")
    check(
        type(row["train_time_s"]) is float and row["train_time_s"] > 0,
        "'train_time_s' should be a positive float",
    )
    check(
        isinstance(row["correct"], list) and len(row["correct"]) == n_test,
        "'correct' should be a list with one entry per test example",
    )
    check(
        all(type(v) is bool for v in row["correct"]),
        "'correct' should hold Python bools",
    )


@pytest.mark.points(3)
def test_compare_models_matches_own_pipeline(lab):
    """Each row is build_model + train_model (same seed and budget) + predict on the test split, sorted by accuracy."""
    train_x, train_y = task(40, seed=21, classes=3)
    test_x, test_y = task(30, seed=22, classes=3)
    kw = {"max_steps": 25, "batch_size": 8, "lr": 0.5, "seed": 4}
    rows = lab.compare_models(
        SPECS, train_x, train_y, test_x, test_y, vocab_size=V, num_classes=3, **kw
    )
    check(
        isinstance(rows, list) and len(rows) == len(SPECS),
        f"expected one row per spec ({len(SPECS)}), got {len(rows)}",
    )
    check(
        sorted(r["label"] for r in rows) == sorted(SPECS),
        "the rows' labels should be the specs' keys",
    )
    for row in rows:
        check_row_types(row, len(test_y))
        name, cfg = SPECS[row["label"]]
        check(
            row["name"] == name,
            f"row {row['label']}: 'name' should be the architecture name",
        )
        model = lab.build_model(name, V, 3, cfg, seed=kw["seed"])
        lab.train_model(model, train_x, train_y, **kw)
        correct = (lab.predict(model, test_x) == test_y).tolist()
        check(
            row["parameters"] == expected_count(name, cfg, classes=3)[1],
            f"row {row['label']}: 'parameters' should count the trainable parameters",
        )
        check(
            row["correct"] == correct,
            f"row {row['label']}: 'correct' differs from the same model trained with the same seed, budget and data order and scored on the test split",
        )
        assert_close(
            row["accuracy"],
            sum(correct) / len(correct),
            atol=1e-12,
            rtol=0,
            what=f"row {row['label']}: test accuracy",
        )
    keys = [(-r["accuracy"], r["parameters"], r["label"]) for r in rows]
    check(
        keys == sorted(keys),
        "rows should be sorted by accuracy (highest first), then fewer parameters, then label",
    )
    accs = {r["accuracy"] for r in rows}
    check(
        len(accs) > 1, "the models should not all reach the same accuracy on this task"
    )


@pytest.mark.points(3)
def test_compare_models_ties(lab):
    """Equal accuracies are ordered by fewer trainable parameters, then by label."""
    x, _ = task(12, seed=23)
    y = torch.zeros(12, dtype=torch.long)  # one class: every model is always right
    specs = {
        "zeta": ("bow_mlp", {"dim": 4, "hidden": 4}),
        "alpha": ("bow_mlp", {"dim": 4, "hidden": 4}),
        "mid": ("cnn", {"dim": 4, "hidden": 4, "freeze_embedding": True}),
        "big": ("gru", {"dim": 4, "hidden": 8}),
        "beta": ("bow_mlp", {"dim": 4, "hidden": 4}),
    }
    rows = lab.compare_models(
        specs,
        x,
        y,
        x,
        y,
        vocab_size=V,
        num_classes=1,
        max_steps=2,
        batch_size=4,
        lr=0.1,
        seed=0,
    )
    labels = [r["label"] for r in rows]
    counts = {
        lbl: expected_count(n, cfg, classes=1)[1] for lbl, (n, cfg) in specs.items()
    }
    want = sorted(specs, key=lambda lbl: (counts[lbl], lbl))
    check(
        all(r["accuracy"] == 1.0 for r in rows),
        "with one class every model has accuracy 1.0",
    )
    check(
        labels == want,
        "ties in accuracy: fewer trainable parameters first, then labels in ascending order",
    )


# ---- defaults, keywords and inputs the other tests do not reach -----------------------------------


def same_weights(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return set(sa) == set(sb) and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.points(2)
def test_defaults_and_keyword_calls(lab):
    """Every argument can be passed by keyword; the documented defaults (seed=0, correction=True) hold."""
    by_keyword = lab.build_model(name="gru", vocab_size=V, num_classes=C, config=CFG)
    check(same_weights(by_keyword, lab.build_model("gru", V, C, CFG, seed=0)), "build_model's default seed should be 0")
    x, y = task(12, seed=31)
    default = lab.train_model(model=lab.build_model("bow_mlp", V, C, CFG), x=x, y=y, max_steps=4, batch_size=5, lr=0.3)
    seeded = lab.train_model(lab.build_model("bow_mlp", V, C, CFG), x, y, max_steps=4, batch_size=5, lr=0.3, seed=0)
    check(default["losses"] == seeded["losses"], "train_model's default seed should be 0")
    a = [True] * 9 + [False] * 3
    b = [False] * 9 + [True] * 3
    p_default = lab.mcnemar(correct_a=a, correct_b=b, exact=False)["p_value"]
    statistic = (abs(9 - 3) - 1) ** 2 / 12
    assert_close(p_default, stats.chi2.sf(statistic, 1), atol=1e-12, rtol=1e-9, what="mcnemar's p-value with the default correction")
    train_x, train_y = task(20, seed=32, classes=3)
    test_x, test_y = task(10, seed=33, classes=3)
    specs = {"mlp": ("bow_mlp", {"dim": 8, "hidden": 12})}
    kw = {"vocab_size": V, "num_classes": 3, "max_steps": 3, "batch_size": 4, "lr": 0.3}
    rows_default = lab.compare_models(specs=specs, train_x=train_x, train_y=train_y, test_x=test_x, test_y=test_y, **kw)
    rows_zero = lab.compare_models(specs, train_x, train_y, test_x, test_y, seed=0, **kw)
    check(rows_default[0]["correct"] == rows_zero[0]["correct"] and rows_default[0]["accuracy"] == rows_zero[0]["accuracy"],
          "compare_models' default seed should be 0")


@pytest.mark.points(1)
def test_names_built_at_run_time_and_long_inputs(lab):
    """Architecture names are compared by value; lengths above 256 and a shorter first argument work as documented."""
    for arch in ("bow_mlp", "cnn", "gru"):
        built = "".join(list(arch))
        check(same_weights(lab.build_model(built, V, C, CFG, seed=3), lab.build_model(arch, V, C, CFG, seed=3)),
              f"a name equal to {arch!r} should build {arch!r}")
    n = 300
    batches = lab.batch_order(n, 100, 4, 2)
    check([list(b) for b in batches] == expected_batches(n, 100, 4, 2), "batch_order with 300 examples")
    with pytest.raises(ValueError):
        lab.accuracy(torch.zeros(2, dtype=torch.long), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError):
        lab.mcnemar([True, False], [True, False, True])
    check(lab.accuracy(torch.ones(n, dtype=torch.long), torch.ones(n, dtype=torch.long)) == 1.0, "accuracy of 300 equal labels")
