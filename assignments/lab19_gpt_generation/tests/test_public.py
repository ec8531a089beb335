"""Public sanity checks for lab 19 (GPT-2 from scratch, and generation).

Run with ``autograder test lab19_gpt_generation`` or
``pytest assignments/lab19_gpt_generation``. Passing these does not mean the
hidden tests pass: they compare your model's logits, gradients, training run
and generated tokens with transformers' GPT2LMHeadModel, and every
logits processor with transformers' own, over many more cases.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_linear_and_layernorm(lab):
    """Linear(3, 2) computes x @ W.T + b; LayerNorm(4) equals F.layer_norm at its initial parameters."""
    lin = lab.Linear(3, 2)
    w, b = torch.randn(2, 3), torch.randn(2)
    lin.load_state_dict({"weight": w, "bias": b})
    x = torch.randn(5, 3)
    assert_close(lin(x), x @ w.T + b, atol=1e-6, rtol=1e-6, what="Linear's output")
    x = torch.randn(2, 3, 4)
    assert_close(lab.LayerNorm(4)(x), F.layer_norm(x, (4,)), atol=1e-5, rtol=1e-5, what="LayerNorm's output")


def test_gpt_state_dict_keys(lab):
    """GPT(10, 8, 16, 2, 4) has the converted GPT-2 keys: wte, wpe, h.{i}..., ln_f, and no lm_head."""
    keys = set(lab.GPT(10, 8, 16, 2, 4).state_dict())
    for key in ("wte.weight", "wpe.weight", "h.1.attn.c_attn.weight", "h.0.mlp.c_proj.bias", "ln_f.weight"):
        check(key in keys, f"GPT's state_dict should have the key {key!r}")
    check("lm_head.weight" not in keys, "the head is tied to wte: there should be no lm_head.weight")
    check(len(keys) == 4 + 2 * 12, f"GPT(..., n_layer=2) should have 28 state_dict entries, got {len(keys)}")


def test_logits_match_gpt2(lab):
    """With GPT2LMHeadModel's converted weights, GPT gives the same logits."""
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=20, n_positions=8, n_embd=16, n_layer=2, n_head=4, bos_token_id=None, eos_token_id=None)
    hf = GPT2LMHeadModel(config).eval()
    model = lab.GPT(20, 8, 16, 2, 4)
    model.load_state_dict(lab.convert_hf_state_dict(hf.state_dict()))
    ids = torch.randint(0, 20, (2, 8))
    with torch.no_grad():
        expected = hf(ids).logits
    assert_close(model(ids), expected, atol=1e-5, rtol=1e-5, what="the logits")


def test_processors_small_cases(lab):
    """top_k=2 keeps the two largest logits; top_p=0.7 on probabilities 0.5, 0.3, 0.2 keeps two tokens; the penalty divides positive logits."""
    logits = torch.tensor([[1.0, 3.0, 2.0, 0.0]])
    kept = ~torch.isneginf(lab.top_k_filter(logits, 2))
    check(kept.tolist() == [[False, True, True, False]], f"top_k_filter(.., 2) kept {kept.tolist()}")
    logits = torch.tensor([[0.5, 0.3, 0.2]]).log()
    kept = ~torch.isneginf(lab.top_p_filter(logits, 0.7))
    check(kept.tolist() == [[True, True, False]], f"top_p_filter(.., 0.7) kept {kept.tolist()}")
    out = lab.apply_repetition_penalty(torch.tensor([[2.0, -2.0, 1.0]]), torch.tensor([[0, 1]]), 2.0)
    assert_close(out, torch.tensor([[1.0, -4.0, 1.0]]), atol=0, rtol=0, what="the repetition penalty")


def test_generate_shapes_and_seed(lab):
    """generate returns (batch, prompt + new) long tokens starting with the prompt; the same seed gives the same sample."""
    torch.manual_seed(0)
    model = lab.GPT(20, 16, 16, 1, 2)
    prompt = torch.randint(0, 20, (3, 4))
    out = lab.generate(model, prompt, 5)
    check(tuple(out.shape) == (3, 9) and out.dtype == torch.long, f"generate should give a (3, 9) long tensor, got {tuple(out.shape)} {out.dtype}")
    check(torch.equal(out[:, :4], prompt), "the output should start with the prompt")
    a = lab.generate(model, prompt, 6, do_sample=True, top_k=5, seed=1)
    b = lab.generate(model, prompt, 6, do_sample=True, top_k=5, seed=1)
    check(torch.equal(a, b), "the same seed should give the same tokens")
