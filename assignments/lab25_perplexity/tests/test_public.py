"""Public sanity checks for lab 25 (perplexity, sliding-window evaluation, bits per byte).

Run with ``autograder test lab25_perplexity`` or
``pytest assignments/lab25_perplexity``. Passing these does not mean the
hidden tests pass: they also compare your sliding windows, token by token,
with a brute-force evaluation for many lengths, window sizes and strides
(and a bos token), check models in training mode, padded batches with
several batch sizes and pad ids, large logits, every edge case and error
the docstrings name, and the full report of ``evaluate``.
"""

from __future__ import annotations

import math

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

TINY = {"vocab_size": 40, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2, "bos_token_id": 0, "eos_token_id": 0}


def tiny_gpt2(seed: int = 0) -> GPT2LMHeadModel:
    torch.manual_seed(seed)
    return GPT2LMHeadModel(GPT2Config(**TINY)).eval()


def state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_sum_nll_matches_model_loss(lab):
    """sum_nll's total / count equals GPT2LMHeadModel's loss for the same logits and labels."""
    oracle = tiny_gpt2(1)
    ids = torch.tensor([[5, 6, 7, 8, 9], [10, 11, 12, 13, 14]])
    labels = ids.clone()
    labels[1, 3:] = -100
    with torch.no_grad():
        out = oracle(ids, labels=labels)
    total, count = lab.sum_nll(out.logits, labels)
    check(count == 6, f"5 + 2 labels are scored after the shift, so count should be 6, got {count}")
    assert_close(total / count, float(out.loss), atol=1e-5, rtol=1e-5, what="total / count")


def test_perplexity_and_bits_per_byte(lab):
    """perplexity is exp(total / count); bits_per_byte divides the NLL in bits by the UTF-8 bytes."""
    assert_close(lab.perplexity(6.0, 3), math.exp(2.0), atol=0, rtol=1e-9, what="perplexity(6.0, 3)")
    got = lab.bits_per_byte(10.0, "café")  # 4 characters, 5 bytes
    assert_close(got, 10.0 / (math.log(2) * 5), atol=0, rtol=1e-9, what="bits_per_byte(10.0, 'café')")


def test_one_window_is_the_model_loss(lab):
    """For a text that fits in one window, sliding_window_nll gives the model's own loss times N - 1."""
    oracle = tiny_gpt2(2)
    model = lab.build_gpt2(TINY, state(oracle))
    ids = torch.arange(3, 15)
    with torch.no_grad():
        loss = float(oracle(ids[None], labels=ids[None]).loss)
    total, count = lab.sliding_window_nll(model, ids, max_length=16, stride=8)
    check(count == 11, f"12 tokens: 11 are scored (the first has no context), got count {count}")
    assert_close(total, loss * 11, atol=1e-4, rtol=1e-5, what="the summed NLL")


def test_sliding_window_counts_each_token_once(lab):
    """With windows of 8 moving by 3, every token after the first is scored exactly once."""
    model = lab.build_gpt2(TINY, state(tiny_gpt2(3)))
    for n in (8, 9, 20, 23):
        total, count = lab.sliding_window_nll(model, torch.arange(n) % 40, max_length=8, stride=3)
        check(count == n - 1, f"{n} tokens: count should be {n - 1}, got {count}")
        check(total > 0, "the summed NLL of a random model should be positive")
