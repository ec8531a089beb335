"""Public sanity checks for lab 46 (knowledge distillation).

Run with ``autograder test lab46_distillation``. Passing these does not mean
the hidden tests pass: they also check the loss against the formula for
many temperatures, weights, shapes and reductions, with ignored positions,
huge logits and float64, its gradient, the errors, the agreement rate with
every kind of mask, and your training loop against a re-run of the stated
procedure.
"""

from __future__ import annotations

import math

import pytest
import torch

from autograder.testing import assert_close, check


def _softmax(values, T):
    exps = [math.exp(v / T) for v in values]
    return [e / sum(exps) for e in exps]


def test_kd_loss_one_position(lab):
    """One position, three classes, T = 2, alpha = 0.25: the loss by hand."""
    student = [0.5, -1.0, 2.0]
    teacher = [1.5, 0.0, -0.5]
    label = 2
    T, alpha = 2.0, 0.25
    p_s, p_t = _softmax(student, T), _softmax(teacher, T)
    kl = sum(pt * (math.log(pt) - math.log(ps)) for pt, ps in zip(p_t, p_s))
    ce = -math.log(_softmax(student, 1.0)[label])
    want = alpha * T * T * kl + (1 - alpha) * ce
    got = lab.kd_loss(torch.tensor([student]), torch.tensor([teacher]), torch.tensor([label]), temperature=T, alpha=alpha)
    check(torch.is_tensor(got) and got.dim() == 0, "kd_loss should return a 0-d tensor")
    assert_close(float(got), want, atol=1e-5, rtol=1e-5, what="kd_loss on one position")


def test_kd_loss_zero_when_student_is_teacher_and_no_labels(lab):
    """Without labels, a student identical to its teacher has zero loss."""
    z = torch.randn(2, 5, 7)
    assert_close(float(lab.kd_loss(z, z.clone())), 0.0, atol=1e-6, what="kd_loss(z, z)")


def test_kd_loss_ignored_positions_do_not_matter(lab):
    """Changing the logits at a position labelled -100 leaves the loss unchanged."""
    s, t = torch.randn(1, 4, 6), torch.randn(1, 4, 6)
    y = torch.tensor([[1, -100, 3, 0]])
    first = float(lab.kd_loss(s, t, y))
    s2, t2 = s.clone(), t.clone()
    s2[0, 1] += 5.0
    t2[0, 1] -= 5.0
    assert_close(float(lab.kd_loss(s2, t2, y)), first, atol=1e-6, what="kd_loss after editing an ignored position")


def test_kd_loss_rejects_bad_temperature(lab):
    """A temperature of zero is refused with ValueError."""
    z = torch.zeros(3, 4)
    with pytest.raises(ValueError):
        lab.kd_loss(z, z, temperature=0.0)


def test_agreement_simple(lab):
    """Three of four arg-maxes match: agreement 0.75."""
    eye = torch.eye(4)
    other = eye.clone()
    other[3] = torch.tensor([1.0, 0.0, 0.0, 0.0])
    assert_close(lab.agreement(eye, other), 0.75, atol=1e-9, what="agreement")


def test_distill_runs_and_keeps_teacher(lab):
    """A short distillation run returns one float per step and does not touch the teacher."""
    teacher = lab.make_mlp(4, 16, 3, dropout=0.2, seed=0)
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    x, y = lab.make_data(teacher, 50, 4, seed=1)
    student = lab.make_mlp(4, 4, 3, seed=2)
    losses = lab.distill(teacher, student, x, y, steps=5, batch_size=8)
    check(isinstance(losses, list) and len(losses) == 5, "distill should return one loss per step")
    after = teacher.state_dict()
    check(all(torch.equal(before[k], after[k]) for k in before), "the teacher's weights changed")
    check(teacher.training is False, "the teacher should be in eval mode")
