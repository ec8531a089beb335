"""Public sanity checks for lab 47 (pruning).

Run with ``autograder test lab47_pruning``. Passing these does not mean the
hidden tests pass: they compare your masks with ``torch.nn.utils.prune``
(layer-wise, global, repeated pruning, ``ln_structured`` on several dims and
norms) on many shapes and amounts, check the rounding of fractional amounts,
the tie rules, the head layout, the cubic schedule at every step, movement
scores, 2:4 masks against a brute force, every error the docstrings name,
and train pruned MLPs with momentum, weight decay and AdamW against a run
that uses ``prune.custom_from_mask``. torch.nn.utils.prune is a good thing
to compare with in your own experiments (pruning.py itself may not use it).
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_close, check


def test_l1_small_example(lab):
    """Pruning 2 of 5 removes the two smallest magnitudes (signs do not matter)."""
    mask = lab.l1_unstructured_mask(torch.tensor([0.5, -4.0, 0.1, 2.0, -0.3]), 2)
    check(mask.dtype == torch.bool, f"masks are torch.bool tensors, got {mask.dtype}")
    check(mask.tolist() == [True, True, False, True, False], f"got keep-mask {mask.tolist()}")


def test_l1_fraction_and_again(lab):
    """A fraction counts the entries still unpruned; a second round keeps the first round's zeros."""
    w = torch.arange(1.0, 11.0)                 # magnitudes 1..10
    first = lab.l1_unstructured_mask(w, 0.5)
    check(first.tolist() == [False] * 5 + [True] * 5, "0.5 of 10 entries prunes the 5 smallest")
    second = lab.l1_unstructured_mask(w, 0.4, mask=first)
    check(second.tolist() == [False] * 7 + [True] * 3, "0.4 of the 5 remaining prunes 2 more")
    with pytest.raises(ValueError):
        lab.l1_unstructured_mask(w, 1.2)


def test_global_prunes_the_small_layer(lab):
    """Global pruning ranks all layers together, so the layer of small weights goes first."""
    small, large = torch.full((2, 3), 0.01) * torch.arange(1, 7).reshape(2, 3), torch.ones(3, 3) * 5
    masks = lab.global_l1_masks([small, large], 6)
    check(len(masks) == 2, "one mask per weight")
    check(not bool(masks[0].any()) and bool(masks[1].all()), "the 6 smallest are all in the first layer")


def test_structured_rows(lab):
    """ln_structured_mask with dim=0 removes whole rows of smallest L2 norm."""
    w = torch.tensor([[3.0, 4.0], [0.1, 0.1], [1.0, 1.0]])
    mask = lab.ln_structured_mask(w, 1, n=2, dim=0)
    check(mask.tolist() == [[True, True], [False, False], [True, True]], f"got {mask.tolist()}")


def test_head_norms_layout(lab):
    """Head h of a (n_heads * d_head, d_in) projection owns the rows h*d_head:(h+1)*d_head."""
    w = torch.zeros(4, 2)
    w[0, 0], w[1, 1] = 3.0, 4.0                 # head 0 (rows 0-1): norm 5
    w[3, 0] = 1.0                               # head 1 (rows 2-3): norm 1
    assert_close(lab.head_norms(w, 2), torch.tensor([5.0, 1.0]), atol=1e-6, rtol=0, what="head norms")
    check(lab.head_mask(w, 2, 1)[:, 0].tolist() == [True, True, False, False], "head 1 should be pruned")


def test_cubic_ends(lab):
    """The schedule starts at s_i, ends at s_f and is halfway-cubic in between."""
    check(lab.cubic_sparsity(0, 0.0, 0.8, 0, 10) == 0.0, "s(t0) should be s_i")
    check(abs(lab.cubic_sparsity(10, 0.0, 0.8, 0, 10) - 0.8) < 1e-12, "s(t0 + n dt) should be s_f")
    assert_close(lab.cubic_sparsity(5, 0.0, 0.8, 0, 10), 0.8 * (1 - 0.5 ** 3), atol=1e-12, rtol=0, what="s at the middle")


def test_movement_sign(lab):
    """A weight moving away from zero gains score; one moving towards zero loses it."""
    w = torch.tensor([1.0, 1.0])
    g = torch.tensor([-1.0, 1.0])               # SGD moves the first up, the second down
    scores = lab.movement_scores([w], [g])
    check(scores[0] > 0 > scores[1], f"got scores {scores.tolist()}")
    check(lab.movement_mask(scores, 1).tolist() == [True, False], "the lowest score is pruned")


def test_two_four(lab):
    """2:4 keeps the two largest magnitudes of each group of four inputs."""
    w = torch.tensor([[0.1, -3.0, 2.0, 0.5, 1.0, 0.0, 0.0, -2.0]])
    mask = lab.two_four_mask(w)
    check(mask.tolist() == [[False, True, True, False, True, False, False, True]], f"got {mask.tolist()}")
    check(lab.is_two_four(w * mask) is True and lab.is_two_four(w) is False, "is_two_four")


def test_training_keeps_zeros(lab):
    """After training with momentum, the pruned weights are still exactly zero."""
    g = torch.Generator().manual_seed(0)
    layers = [(torch.randn(4, 3, generator=g), torch.zeros(4)), (torch.randn(2, 4, generator=g), torch.zeros(2))]
    mask = torch.tensor([[True, False, True]] * 4)
    x, y = torch.randn(8, 3, generator=g), torch.randn(8, 2, generator=g)
    trained, losses = lab.train_masked(layers, [mask, None], x, y, "sgd", 0.1, 5, momentum=0.9, weight_decay=0.1)
    check(len(losses) == 5, "one loss per step")
    check(bool((trained[0][0][:, 1] == 0).all()), "pruned weights must stay exactly zero")
    check(bool((trained[0][0][:, 0] != layers[0][0][:, 0]).any()), "kept weights should train")
