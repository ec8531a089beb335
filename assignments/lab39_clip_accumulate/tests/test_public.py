"""Public sanity checks for lab 39 (gradient clipping and accumulation).

Run with ``autograder test lab39_clip_accumulate``. Passing these does not
mean the hidden tests pass: those compare every function with
``torch.nn.utils`` for many more gradient lists, norm types, dtypes and edge
values (no gradients, ``max_norm = 0``, inf and nan, overflowing norms), and
the trainer with big-batch training through several SGD and AdamW steps.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check


def _params_with(grads):
    params = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    return params


def test_norms_of_a_small_example(lab):
    """The 2-, 1- and inf-norm of [3, -4] and [12] are 13, 19 and 12."""
    grads = [torch.tensor([3.0, -4.0]), None, torch.tensor([12.0])]
    for p, value in ((2.0, 13.0), (1.0, 19.0), (math.inf, 12.0)):
        out = lab.grad_norm(grads, p)
        check(torch.is_tensor(out) and out.dim() == 0, "grad_norm should return a 0-d tensor")
        assert_close(float(out), value, atol=1e-6, rtol=0.0, what=f"the {p}-norm of [3, -4] and [12]")


def test_clip_by_norm_against_torch(lab):
    """Clipping to half the norm scales everything by ~0.5; clipping above the norm changes nothing."""
    torch.manual_seed(0)
    grads = [torch.randn(3, 2), torch.randn(4)]
    for max_norm in (0.5 * float(torch.linalg.vector_norm(torch.cat([g.flatten() for g in grads]))), 100.0):
        params = _params_with(grads)
        expected_norm = nn.utils.clip_grad_norm_(params, max_norm)
        clipped, norm = lab.clip_grad_norm(grads, max_norm)
        assert_close(norm, expected_norm, atol=1e-6, rtol=1e-6, what=f"the returned norm (max_norm={max_norm:.3g})")
        for i, (c, p) in enumerate(zip(clipped, params)):
            assert_close(c, p.grad, atol=1e-6, rtol=1e-6, what=f"clipped gradient {i} (max_norm={max_norm:.3g})")


def test_clip_by_value(lab):
    """Entries outside [-1, 1] are clamped one by one; None stays None."""
    out = lab.clip_grad_value([torch.tensor([-3.0, 0.25, 2.0]), None], 1.0)
    check(out[1] is None, "a None gradient should come back as None")
    check(out[0].tolist() == [-1.0, 0.25, 1.0], "clip_grad_value should clamp each entry to [-1, 1]")


def test_micro_batches_of_ten_by_four(lab):
    """10 examples in micro-batches of 4: (0, 4), (4, 8), (8, 10)."""
    check(lab.micro_batch_bounds(10, 4) == [(0, 4), (4, 8), (8, 10)], "micro_batch_bounds(10, 4) is wrong")


def test_accumulation_with_a_short_last_micro_batch(lab):
    """Gradients accumulated over micro-batches of 4, 4 and 2 equal one backward pass over all 10 examples."""
    torch.manual_seed(1)
    reference = lab.TinyMLP(3, 5, 4)
    state = {k: v.clone() for k, v in reference.state_dict().items()}
    x, y = torch.randn(10, 3), torch.randint(4, (10,))
    mine = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4))
    mine.load_state_dict({k.replace("fc1", "0").replace("fc2", "2"): v for k, v in state.items()})
    whole = F.cross_entropy(mine(x), y)
    whole.backward()
    loss, grads = lab.accumulate_gradients(reference, x, y, 4)
    assert_close(loss, whole.item(), atol=1e-6, rtol=1e-6, what="the batch loss")
    assert_close(grads["fc1.weight"], mine[0].weight.grad, atol=1e-6, rtol=1e-5, what="the gradient of fc1.weight")
    assert_close(grads["fc2.bias"], mine[2].bias.grad, atol=1e-6, rtol=1e-5, what="the gradient of fc2.bias")


def test_trainer_skips_a_nan_batch(lab):
    """A batch with a nan target is skipped and counted; the weights stay where they were."""
    torch.manual_seed(2)
    state = {k: v.clone() for k, v in lab.TinyMLP(2, 3, 1).state_dict().items()}
    trainer = lab.Trainer(state, d_in=2, d_hidden=3, d_out=1, loss="mse", micro_batch_size=2)
    x, y = torch.randn(5, 2), torch.randn(5, 1)
    check(trainer.train_step(x, y)["skipped"] is False, "a normal batch should not be skipped")
    before = trainer.state_dict()
    y[3, 0] = float("nan")
    result = trainer.train_step(x, y)
    check(result["skipped"] is True, "a batch with a nan loss should be skipped")
    check(trainer.skipped_steps == 1 and trainer.step == 1, "expected step 1 and skipped_steps 1")
    after = trainer.state_dict()
    check(all(torch.equal(after[k], before[k]) for k in before), "a skipped step should not change the weights")
