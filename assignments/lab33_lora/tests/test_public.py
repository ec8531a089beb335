"""Public sanity checks for lab 33 (LoRA from scratch).

Run with ``autograder test lab33_lora``. Passing these does not mean the
hidden tests pass: those compare your layers and models with peft's
``get_peft_model`` (same weights, outputs and gradients), check the
initialisation's distribution, dropout's masks, merging and unmerging in
every order, the name-matching rules on many patterns, and more.
"""

from __future__ import annotations

import math

import pytest
import torch

from autograder.testing import assert_close, check


def test_scaling_examples(lab):
    """alpha / r by default, alpha / sqrt(r) when rank-stabilised."""
    check(lab.lora_scaling(4, 8.0) == 2.0, "lora_scaling(4, 8.0) should be 8 / 4 = 2")
    check(abs(lab.lora_scaling(4, 8.0, use_rslora=True) - 4.0) < 1e-12, "rslora: 8 / sqrt(4) = 4")
    with pytest.raises(ValueError):
        lab.lora_scaling(0, 8.0)


def test_forward_formula_small(lab):
    """lora_forward on hand-made numbers: W = I, b = 1, A = [[1, 1]], B = [[1], [0]], scaling 0.5."""
    x = torch.tensor([[2.0, 4.0]])
    out = lab.lora_forward(x, torch.eye(2), torch.ones(2), torch.tensor([[1.0, 1.0]]), torch.tensor([[1.0], [0.0]]), 0.5)
    # base: [3, 5]; update: 0.5 * (2 + 4) = 3 on the first output only
    check(out.tolist() == [[6.0, 5.0]], f"expected [[6, 5]], got {out.tolist()}")


def test_new_layer_is_the_base_layer(lab):
    """A fresh LoRALinear: lora_B is zero, lora_A is in ±1/sqrt(in), the output is base(x)."""
    torch.manual_seed(0)
    layer = lab.LoRALinear(64, 10, r=4, alpha=8.0)
    state = {k: v.detach().clone() for k, v in layer.state_dict().items()}
    check(sorted(state) == ["base.bias", "base.weight", "lora_A", "lora_B"], f"state_dict keys: {sorted(state)}")
    check(tuple(state["lora_A"].shape) == (4, 64) and tuple(state["lora_B"].shape) == (10, 4), "shapes of lora_A (r, in) and lora_B (out, r)")
    check(bool((state["lora_B"] == 0).all()), "lora_B must start at zero")
    check(float(state["lora_A"].abs().max()) <= 1 / math.sqrt(64) + 1e-7, "lora_A must lie within ±1/sqrt(in_features)")
    x = torch.randn(3, 64)
    assert_close(layer(x), x @ state["base.weight"].T + state["base.bias"], atol=1e-5, rtol=1e-5, what="a new layer's output")


def test_merge_keeps_the_output(lab):
    """After loading non-zero factors, merge() and unmerge() do not change the output."""
    layer = lab.LoRALinear(6, 5, r=2, alpha=4.0)
    g = torch.Generator().manual_seed(1)
    layer.load_state_dict({"base.weight": torch.randn(5, 6, generator=g), "base.bias": torch.randn(5, generator=g),
                           "lora_A": torch.randn(2, 6, generator=g), "lora_B": torch.randn(5, 2, generator=g)})
    x = torch.randn(4, 6, generator=g)
    before = layer(x)
    check(layer.merge() is True and layer.merged is True, "merge() returns True and sets merged")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, what="the output after merge()")
    check(layer.unmerge() is True and layer.merged is False, "unmerge() returns True and clears merged")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, what="the output after unmerge()")


def test_target_rules(lab):
    """A list entry matches the whole name or a '.'-separated suffix; a str is a full regular expression."""
    check(lab.matches_target("blocks.0.attn.q_proj", ["q_proj"]) is True, "'q_proj' is a suffix of blocks.0.attn.q_proj")
    check(lab.matches_target("blocks.0.attn.q_proj", ["proj"]) is False, "'proj' is not a whole part of blocks.0.attn.q_proj")
    check(lab.matches_target("head", r"he.d") is True, "a str is a regular expression matched against the whole name")
    check(lab.matches_target("head_2", r"head") is False, "a regular expression must match the whole name")


def test_inject_freeze_count(lab):
    """Injecting into ToyNet's q_proj layers, then freezing: only the LoRA factors are trainable."""
    model = lab.ToyNet(vocab_size=30, dim=8, hidden=16, n_blocks=2)
    total = sum(v.numel() for v in model.state_dict().values())
    names = lab.inject_lora(model, ["q_proj"], r=2, alpha=4.0)
    check(names == ["blocks.0.attn.q_proj", "blocks.1.attn.q_proj"], f"replaced names: {names}")
    lora_values = 2 * (2 * 8 + 8 * 2)
    check(lab.mark_only_lora_trainable(model) == lora_values, "trainable values after freezing")
    check(tuple(lab.count_parameters(model)) == (lora_values, total + lora_values), "count_parameters (trainable, total)")
    ids = torch.randint(0, 30, (2, 5))
    before = model(ids)
    check(lab.merge_lora(model) == 2, "merge_lora merges both layers")
    assert_close(model(ids), before, atol=1e-5, rtol=1e-5, what="the logits after merge_lora")
