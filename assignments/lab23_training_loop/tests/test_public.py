"""Public sanity checks for lab 23 (a language-model training loop).

Run with ``autograder test lab23_training_loop`` or
``pytest assignments/lab23_training_loop``. Passing these does not mean the
hidden tests pass: they compare every function with torch (cross-entropy and
its gradients at large magnitudes, ``ignore_index`` in every reduction), the
trainer's losses with the same recipe on torch's own modules, and resumed
runs with uninterrupted ones bit for bit, over many more cases.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_sliding_windows_example(lab):
    """10 tokens, context_length 4, stride 3: starts 0, 3 and the tail window 5; targets shifted by one."""
    x, y = lab.sliding_windows(list(range(10)), 4, 3)
    check(torch.is_tensor(x) and x.dtype == torch.long, "the inputs should be an int64 tensor")
    check(x.tolist() == [[0, 1, 2, 3], [3, 4, 5, 6], [5, 6, 7, 8]], "the input windows should start at 0, 3 and 5")
    check(y.tolist() == [[1, 2, 3, 4], [4, 5, 6, 7], [6, 7, 8, 9]], "each target window is its input window shifted by one")


def test_get_batch_shapes_and_shift(lab):
    """get_batch gives (B, L) int64 windows of the sequence, y one token ahead of x, the same for the same seed."""
    tokens = np.arange(100, 150, dtype=np.uint16)
    x, y = lab.get_batch(tokens, 4, 6, "cpu", torch.Generator().manual_seed(0))
    check(x.shape == (4, 6) and y.shape == (4, 6), f"x and y should have shape (4, 6), got {tuple(x.shape)} and {tuple(y.shape)}")
    check(x.dtype == torch.long and y.dtype == torch.long, "x and y should be int64")
    check(bool((x[:, 1:] == x[:, :-1] + 1).all()), "each row of x should be a contiguous window")
    check(bool((y == x + 1).all()), "y should be x shifted by one token")
    starts = torch.randint(50 - 6, (4,), generator=torch.Generator().manual_seed(0))
    check(x[:, 0].tolist() == (starts + 100).tolist(), "the starts should be torch.randint(n - L, (B,), generator=generator)")


def test_cross_entropy_small_and_large(lab):
    """cross_entropy equals F.cross_entropy with -100 targets, and stays finite for float32 logits of size 1e4."""
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 7)
    targets = torch.randint(0, 7, (2, 5))
    targets[0, 1] = -100
    expected = F.cross_entropy(logits.reshape(-1, 7), targets.reshape(-1))
    assert_close(lab.cross_entropy(logits, targets), expected, atol=1e-5, rtol=1e-5, what="the loss")
    big = 1e4 * logits
    out = lab.cross_entropy(big, targets)
    check(bool(torch.isfinite(out)), "the loss of logits of size 1e4 should be finite (subtract the max first)")
    expected = F.cross_entropy(big.double().reshape(-1, 7), targets.reshape(-1)).float()
    assert_close(out, expected, atol=1e-2, rtol=1e-5, what="the loss of logits of size 1e4")


def test_lr_factor_values(lab):
    """Warmup (step + 1) / warmup_steps, 1 at the end of the warmup, min_factor at max_steps and after."""
    for step, expected in ((0, 0.25), (3, 1.0), (4, 1.0), (10, 0.1), (20, 0.1)):
        assert_close(lab.lr_factor(step, 4, 10), expected, atol=1e-12, rtol=1e-12, what=f"lr_factor({step}, 4, 10)")


def test_resume_equals_uninterrupted(lab, tmp_path):
    """6 steps in one go equal 3 steps, a checkpoint, and 3 more in a new trainer (bit for bit)."""
    rng = np.random.default_rng(0)
    train, val = rng.integers(0, 20, 500).astype(np.uint16), rng.integers(0, 20, 100).astype(np.uint16)
    cfg = dict(vocab_size=20, eval_every=2, max_steps=6)
    whole = lab.Trainer(train, val, **cfg)
    expected = whole.fit(6)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        first = lab.Trainer(train, val, **cfg)
        history = first.fit(3)
        first.save_checkpoint("ckpt.pt")
        lab.manual_seed(123)
        second = lab.Trainer(train, val, **cfg)
        second.load_checkpoint("ckpt.pt")
        history += second.fit(3)
    check(history == expected, "the resumed run's history differs from the uninterrupted run's")
    a, b = second.model.state_dict(), whole.model.state_dict()
    check(all(torch.equal(a[k], b[k]) for k in b), "the resumed run's weights differ from the uninterrupted run's")
