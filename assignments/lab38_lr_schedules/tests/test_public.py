"""Public sanity checks for lab 38 (learning-rate schedules).

Run with ``autograder test lab38_lr_schedules``. These check a few values
worked out by hand and one schedule against torch. The hidden tests compare
every schedule with ``torch.optim.lr_scheduler`` or ``transformers`` at
every step of long runs, for many settings, and check every error the
docstrings name.
"""

from __future__ import annotations

import math

import torch

from autograder.testing import assert_close, check


def test_step_decay_by_hand(lab):
    """step_lr(step, 1.0, 3, 0.5) halves the rate every 3 steps."""
    values = [lab.step_lr(s, 1.0, 3, 0.5) for s in range(7)]
    assert_close(values, [1, 1, 1, 0.5, 0.5, 0.5, 0.25], atol=1e-12, rtol=0, what="step_lr for steps 0..6")


def test_exponential_first_values(lab):
    """exponential_lr starts at base_lr (step 0) and multiplies by gamma each step."""
    values = lab.schedule_values("exponential", {"base_lr": 2.0, "gamma": 0.1}, 3)
    assert_close(values, [2.0, 0.2, 0.02], atol=1e-12, rtol=0, what="exponential_lr at steps 0, 1, 2")


def test_cosine_restarts_first_cycles(lab):
    """cosine_restarts_lr with t_0=4: a half cosine over steps 0..3, back to base_lr at step 4."""
    by_hand = [(1 + math.cos(math.pi * k / 4)) / 2 for k in range(4)]
    values = lab.schedule_values("cosine_restarts", {"base_lr": 1.0, "t_0": 4}, 8)
    assert_close(values, by_hand * 2, atol=1e-12, rtol=0, what="two cycles of length 4")


def test_warmup_cosine_landmarks(lab):
    """warmup_cosine_lr: 0 at step 0, base_lr at the end of warmup, min_lr at total_steps."""
    f = lab.warmup_cosine_lr
    check(f(0, 0.3, 5, 25) == 0.0, "the warmup starts from 0")
    assert_close(f(5, 0.3, 5, 25), 0.3, atol=1e-12, rtol=0, what="the rate at step warmup_steps")
    assert_close(f(15, 0.3, 5, 25), 0.15, atol=1e-12, rtol=0, what="the rate half way through the decay")
    assert_close(f(25, 0.3, 5, 25, 0.5, 0.01), 0.01, atol=1e-12, rtol=0, what="the rate at total_steps")


def test_inverse_sqrt_quarter_rate(lab):
    """inverse_sqrt_lr with 100 warmup steps: half the rate at step 400."""
    assert_close(lab.inverse_sqrt_lr(400, 1.0, 100), 0.5, atol=1e-12, rtol=0, what="inverse_sqrt_lr(400, 1.0, 100)")
    assert_close(lab.inverse_sqrt_lr(50, 1.0, 100), 0.5, atol=1e-12, rtol=0, what="inverse_sqrt_lr(50, 1.0, 100)")


def test_one_cycle_like_torch(lab):
    """one_cycle_lr with its defaults follows torch's OneCycleLR over 61 steps."""
    weight = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=60)
    reference = []
    for step in range(61):
        reference.append(opt.param_groups[0]["lr"])
        if step < 60:
            opt.step()
            scheduler.step()
    mine = lab.schedule_values("one_cycle", {"max_lr": 0.1, "total_steps": 60}, 61)
    assert_close(mine, reference, atol=1e-12, rtol=1e-9, what="one_cycle_lr vs OneCycleLR")


def test_negative_step_is_an_error(lab):
    """A negative step raises ValueError."""
    try:
        lab.exponential_lr(-1, 1.0, 0.5)
    except ValueError:
        return
    check(False, "exponential_lr(-1, ...) should raise ValueError")


def test_plot_is_a_png(lab, tmp_path, monkeypatch):
    """plot_schedules writes a PNG file and returns its path."""
    monkeypatch.chdir(tmp_path)  # the image lands in a temporary folder, not in yours
    out = lab.plot_schedules({"decay": ("exponential", {"base_lr": 1.0, "gamma": 0.9})}, 30, "public_plot.png")
    check(out == "public_plot.png", "plot_schedules returns the path")
    check(lab.get_file("public_plot.png").startswith(b"\x89PNG"), "the file should be a PNG image")
