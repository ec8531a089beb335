"""Public sanity checks for lab 29 (comparing tiny architectures under one budget).

Run with ``autograder test lab29_model_comparison``. Passing these does not
mean the hidden tests pass: they rebuild each architecture's forward pass
from your model's own weights, check parameter counts for several configs
(frozen embedding included), the batch order draw by draw, one SGD step
against autograd, the loss of every step, the comparison table against your
own build / train / predict and its tie-breaking, and McNemar's test
against scipy on many tables (b = c = 0, b = 0, large b + c, exact and
chi-square, with and without the correction).
"""

from __future__ import annotations

import torch
from scipy import stats

from autograder.testing import assert_close, check

V, C = 23, 4


def test_models_build_and_run(lab):
    """Every architecture returns logits of shape (batch, num_classes)."""
    x = torch.tensor([[3, 4, 5, 0, 0], [7, 8, 0, 0, 0]])
    for arch in ("bow_mlp", "cnn", "gru", "tiny_transformer"):
        logits = lab.build_model(arch, V, C, {"dim": 6, "hidden": 10}, seed=0)(x)
        check(
            tuple(logits.shape) == (2, C),
            f"{arch}: expected logits of shape (2, {C}), got {tuple(logits.shape)}",
        )


def test_bow_mlp_parameter_count(lab):
    """bow_mlp has V*d + d*h + h + h*C + C parameters; a frozen embedding is not trainable."""
    d, h = 6, 10
    total = V * d + d * h + h + h * C + C
    model = lab.build_model("bow_mlp", V, C, {"dim": d, "hidden": h})
    check(
        lab.count_parameters(model) == total,
        "bow_mlp: wrong number of trainable parameters",
    )
    frozen = lab.build_model(
        "bow_mlp", V, C, {"dim": d, "hidden": h, "freeze_embedding": True}
    )
    check(
        lab.count_parameters(frozen) == total - V * d,
        "a frozen embedding should not count as trainable",
    )
    check(
        lab.count_parameters(frozen, trainable_only=False) == total,
        "trainable_only=False counts every parameter",
    )


def test_batch_order_small(lab):
    """batch_order: one randperm per epoch from one generator, short last slice kept, exactly max_steps batches."""
    g = torch.Generator().manual_seed(0)
    first, second = (
        torch.randperm(5, generator=g).tolist(),
        torch.randperm(5, generator=g).tolist(),
    )
    want = [first[:2], first[2:4], first[4:], second[:2]]
    got = [list(b) for b in lab.batch_order(5, 2, 4, 0)]
    check(
        got == want, "batch_order(5, 2, 4, seed=0) differs from the docstring's recipe"
    )


def test_train_model_budget(lab):
    """train_model takes exactly max_steps steps and reports them."""
    x = torch.randint(1, V, (10, 6), generator=torch.Generator().manual_seed(1))
    y = x[:, 0] % C
    model = lab.build_model("cnn", V, C, seed=0)
    result = lab.train_model(model, x, y, max_steps=5, batch_size=4, lr=0.1, seed=0)
    check(result["steps"] == 5 and len(result["losses"]) == 5, "5 steps, 5 losses")
    check(
        result["examples_seen"] == 4 + 4 + 2 + 4 + 4,
        "examples_seen counts every example of every batch",
    )


def test_mcnemar_against_scipy(lab):
    """mcnemar uses only the discordant pairs b and c; exact and chi-square versions agree with scipy."""
    a = [True] * 3 + [False] * 9 + [True] * 20 + [False] * 4
    b = [False] * 3 + [True] * 9 + [True] * 20 + [False] * 4
    res = lab.mcnemar(a, b)
    check((res["b"], res["c"]) == (3, 9), "b counts A right and B wrong, c the reverse")
    assert_close(
        res["p_value"],
        stats.binomtest(3, 12).pvalue,
        atol=1e-12,
        rtol=1e-9,
        what="exact p-value",
    )
    res = lab.mcnemar(a, b, exact=False, correction=True)
    assert_close(
        res["statistic"],
        (9 - 3 - 1) ** 2 / 12,
        atol=1e-12,
        rtol=0,
        what="corrected chi-square statistic",
    )
    assert_close(
        res["p_value"],
        stats.chi2.sf((9 - 3 - 1) ** 2 / 12, 1),
        atol=1e-12,
        rtol=1e-9,
        what="chi-square p-value",
    )
    same = lab.mcnemar([True, False], [True, False])
    check(same["p_value"] == 1.0, "no discordant pair: p-value 1.0")
