"""Public sanity checks for lab 24 (pre-training a small GPT on Gutenberg books).

Run with ``autograder test lab24_pretrain_gpt`` or
``pytest assignments/lab24_pretrain_gpt``. Passing these does not mean the
hidden tests pass: they check every Gutenberg marker variant, the exact
bytes of the token file, the batches drawn for a given seed, the learning
rate of every step, and whole training runs step for step against
``torch.optim.AdamW`` with ``clip_grad_norm_``.
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch

from autograder.testing import assert_close, check

BOOK = """The Project Gutenberg EBook of Tiny, by Nobody

Title: Tiny

*** START OF THIS PROJECT GUTENBERG EBOOK TINY ***

The cat sat on the mat.

*** END OF THIS PROJECT GUTENBERG EBOOK TINY ***
This license text is not part of the book.
"""


def test_strip_gutenberg(lab):
    """strip_gutenberg keeps the lines between the markers, stripped."""
    body = lab.strip_gutenberg(BOOK)
    check(body == "The cat sat on the mat.", f"strip_gutenberg gave {body!r}")


def test_token_file_round_trip(lab, tmp_path, monkeypatch):
    """A book becomes its UTF-8 bytes then EOT (256), two little-endian bytes per id."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.txt").write_text(BOOK, encoding="utf-8")
    count = lab.build_token_file([lab.put_file(tmp_path / "tiny.txt")], "tokens.bin")
    expected = [*b"The cat sat on the mat.", 256]
    check(count == len(expected), f"build_token_file should return {len(expected)}, got {count}")
    data = lab.get_file("tokens.bin")
    check(data == np.array(expected, dtype="<u2").tobytes(), "the token file should hold the ids as little-endian uint16")
    tokens = lab.load_tokens("tokens.bin")
    check(len(tokens) == len(expected) and tokens.tolist() == expected, "load_tokens should give the ids back")
    check(lab.decode(expected) == "The cat sat on the mat.", "decode should skip EOT")


def test_get_batch_shapes(lab):
    """get_batch gives (batch, block) int64 inputs and the next tokens as targets."""
    tokens = np.arange(100, dtype=np.uint16)
    x, y = lab.get_batch(tokens, 4, 8, torch.Generator().manual_seed(0))
    check(tuple(x.shape) == (4, 8) and x.dtype == torch.int64, f"x should be a (4, 8) int64 tensor, got {tuple(x.shape)} {x.dtype}")
    check(torch.equal(y, x + 1), "y should be x shifted by one token")


def test_lr_schedule_shape(lab):
    """lr_at: warmup reaches max_lr, the cosine ends at min_lr and stays there."""
    lr = lambda s: lab.lr_at(s, max_lr=1.0, min_lr=0.1, warmup_steps=4, max_steps=20)  # noqa: E731
    assert_close([lr(0), lr(3), lr(4), lr(12), lr(20), lr(25)], [0.25, 1.0, 1.0, 0.55, 0.1, 0.1], atol=1e-9, rtol=0, what="lr_at")


def test_configure_optimizer_groups(lab):
    """configure_optimizer: two groups, weight decay on matrices only."""
    model = lab.TinyGPT(block_size=8, n_layer=1, n_head=2, n_embd=16)
    groups = lab.configure_optimizer(model, lr=1e-3, weight_decay=0.1).param_groups
    check(len(groups) == 2, f"expected 2 parameter groups, got {len(groups)}")
    check(all(p.ndim >= 2 for p in groups[0]["params"]) and groups[0]["weight_decay"] == 0.1, "the first group: matrices, weight_decay 0.1")
    check(all(p.ndim < 2 for p in groups[1]["params"]) and groups[1]["weight_decay"] == 0.0, "the second group: vectors, no weight decay")


def test_short_run_learns(lab, tmp_path, monkeypatch):
    """Forty steps on a repetitive book bring the loss well below ln(257) = 5.55, with one sample."""
    monkeypatch.chdir(tmp_path)
    rng = random.Random(0)
    words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog"]
    body = "\n".join(" ".join(rng.choice(words) for _ in range(6)) + "." for _ in range(300))
    (tmp_path / "book.txt").write_text(BOOK.replace("The cat sat on the mat.", body), encoding="utf-8")
    lab.build_token_file([lab.put_file(tmp_path / "book.txt")], "book.bin")
    torch.manual_seed(0)
    model = lab.TinyGPT(block_size=32, n_layer=1, n_head=2, n_embd=32)
    history = lab.train(model, "book.bin", steps=40, batch_size=8, block_size=32, max_lr=1e-2, min_lr=1e-3,
                        warmup_steps=4, sample_every=20, sample_prompt="the")
    check(len(history["losses"]) == 40, "train should report one loss per step")
    check(math.isfinite(history["losses"][-1]) and history["losses"][-1] < 3.0, f"the last loss is {history['losses'][-1]:.2f}; it should be below 3")
    check([s[0] for s in history["samples"]] == [20, 40], "samples should be taken after steps 20 and 40")
