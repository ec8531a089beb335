"""Hidden tests for lab 33 (LoRA from scratch).

Oracles: peft (``LoraConfig`` / ``get_peft_model``, its ``merge_and_unload``
and ``get_nb_trainable_parameters``) on a copy of the given ``ToyNet`` and on
single ``nn.Linear`` layers, with the same base weights and the same
(non-zero) LoRA factors copied into the student's layers; the LoRA formula
itself; peft's target-module matching rules (``check_target_module_exists``)
for the name patterns; the bound of ``kaiming_uniform_(a=sqrt(5))`` for the
initialisation; the candidates of every dropout mask for the dropout test.
Whether a parameter is trainable is read from the gradients ``lab.vjp``
returns (``None`` for a frozen parameter).
"""

from __future__ import annotations

import itertools
import math
import types

import pytest
import torch
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model
from peft.tuners.tuners_utils import check_target_module_exists
from torch import nn

from autograder.testing import assert_close, check

TIGHT = dict(atol=1e-6, rtol=1e-5)
F32 = dict(atol=1e-5, rtol=1e-4)


# ---- a copy of the given model (peft runs on it) ----------------------------------------------------------


class RefAttention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.q_proj, self.k_proj, self.v_proj = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        return self.proj(F.scaled_dot_product_attention(self.q_proj(x), self.k_proj(x), self.v_proj(x), is_causal=True))


class RefBlock(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = RefAttention(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class RefToyNet(nn.Module):
    def __init__(self, vocab_size=50, dim=16, hidden=32, n_blocks=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.blocks = nn.ModuleList(RefBlock(dim, hidden) for _ in range(n_blocks))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab_size, bias=False)

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def random_toynet(config, seed):
    """A RefToyNet with random weights (norm weights around one, non-zero biases)."""
    model = RefToyNet(**config)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            p.copy_(1 + 0.1 * noise if "norm" in name and name.endswith("weight") else 0.4 * noise)
    return model


def peft_model(model, seed, **config):
    """get_peft_model with dropout 0, then random non-zero A and B in every LoRA layer."""
    wrapped = get_peft_model(model, LoraConfig(lora_dropout=0.0, **config))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in wrapped.named_parameters():
            if "lora_" in name:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
    return wrapped


def to_ours(name: str) -> str:
    """peft's state_dict key -> this lab's key."""
    name = name.removeprefix("base_model.model.").replace(".base_layer.", ".base.")
    return name.replace(".lora_A.default.weight", ".lora_A").replace(".lora_B.default.weight", ".lora_B")


def our_state(wrapped):
    return {to_ours(k): v.detach().clone() for k, v in wrapped.state_dict().items()}


def snapshot(module) -> dict:
    """A copy of a student module's state_dict (in-process, state_dict shares storage with the weights)."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def ids_for(vocab, seed, shape=(3, 7)):
    return torch.randint(0, vocab, shape, generator=torch.Generator().manual_seed(seed))


def student_toynet(lab, config, state):
    model = lab.ToyNet(**config)
    model.load_state_dict(state)
    return model


def trainable_names(lab, model, ids):
    """Names of the parameters that got a gradient (frozen ones give None)."""
    out = model(ids)
    vjp = lab.vjp(model, ids, grad_output=torch.ones_like(out), wrt=(), params=True)
    return {name for name, grad in vjp.param_grads.items() if grad is not None}, vjp


# ---- 1. scaling and the functional forward -----------------------------------------------------------------


@pytest.mark.points(3)
def test_lora_scaling(lab):
    """lora_scaling is alpha / r, or alpha / sqrt(r) with use_rslora; r must be a positive int."""
    cases = [(8, 16.0, False), (4, 4.0, False), (1, 32.0, False), (16, 8.0, False), (16, 8.0, True), (4, 2.0, True), (1, 5.0, True)]
    results = lab.map(lab.lora_scaling, cases)
    for (r, alpha, rs), got in zip(cases, results):
        expected = alpha / math.sqrt(r) if rs else alpha / r
        check(abs(got - expected) < 1e-12, f"lora_scaling(r={r}, alpha={alpha}, use_rslora={rs}) is wrong")
    check(abs(lab.lora_scaling(9, 6.0) - 6.0 / 9) < 1e-12, "use_rslora should default to False")
    check(abs(lab.lora_scaling(r=9, alpha=6.0, use_rslora=True) - 2.0) < 1e-12, "keyword call with use_rslora=True")
    for r in (0, -2, 2.0, True):
        with pytest.raises(ValueError):
            lab.lora_scaling(r, 8.0)


def functional_oracle(x, weight, bias, A, B, scaling):
    return F.linear(x, weight, bias) + scaling * (x @ A.T) @ B.T


LORA_SHAPES = {
    "rank_below_in": ((5, 12), 12, 7, 3, True),
    "rank_equals_in": ((2, 4, 6), 6, 9, 6, True),
    "no_bias_3d": ((3, 2, 10), 10, 4, 2, False),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in LORA_SHAPES])
def test_lora_forward(lab, case):
    """lora_forward equals x W^T + b + scaling (x A^T) B^T, and its gradients equal autograd's, for every shape."""
    shape, n_in, n_out, r, with_bias = LORA_SHAPES[case]
    g = torch.Generator().manual_seed(len(case))
    x = torch.randn(shape, generator=g)
    weight, A, B = torch.randn(n_out, n_in, generator=g), torch.randn(r, n_in, generator=g), torch.randn(n_out, r, generator=g)
    bias = torch.randn(n_out, generator=g) if with_bias else None
    args = [t.clone().requires_grad_(True) if t is not None else None for t in (x, weight, bias, A, B)]
    expected = functional_oracle(*args, 1.75)
    grad_out = torch.randn(expected.shape, generator=g)
    expected.backward(grad_out)
    wrt = (0, 1, 2, 3, 4) if with_bias else (0, 1, 3, 4)
    vjp = lab.vjp(lab.lora_forward, x, weight, bias, A, B, 1.75, grad_output=grad_out, wrt=wrt)
    assert_close(vjp.output, expected.detach(), **F32, what=f"lora_forward's output ({case})")
    for i, grad in zip(wrt, vjp.grads):
        assert_close(grad, args[i].grad, **F32, what=f"the gradient of argument {i} of lora_forward ({case})")
    zero = lab.lora_forward(x, weight, bias, A, B, 0.0)
    assert_close(zero, F.linear(x, weight, bias), **F32, what="lora_forward with scaling 0 (the base layer alone)")


# ---- 2. the layer -------------------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_layer_initialisation(lab):
    """A new LoRALinear: B exactly zero, A uniform in ±1/sqrt(in_features), the output equals the base layer's."""
    lab.manual_seed(5)
    layer = lab.LoRALinear(1024, 24, 16, 32.0)
    A, B = layer.lora_A.detach(), layer.lora_B.detach()
    check(tuple(A.shape) == (16, 1024), f"lora_A should have shape (r, in_features) = (16, 1024), got {tuple(A.shape)}")
    check(tuple(B.shape) == (24, 16), f"lora_B should have shape (out_features, r) = (24, 16), got {tuple(B.shape)}")
    check(A.dtype == torch.float32 and B.dtype == torch.float32, "lora_A and lora_B should be float32 like the base weight")
    check(bool((B == 0).all()), "lora_B should start at exactly zero")
    bound = 1 / math.sqrt(1024)
    check(float(A.abs().max()) <= bound * (1 + 1e-6), "lora_A has values outside kaiming_uniform_(a=sqrt(5))'s bound 1/sqrt(in_features)")
    check(float(A.abs().max()) > 0.98 * bound, "lora_A's values should fill the uniform range ±1/sqrt(in_features)")
    check(abs(float(A.std()) - bound / math.sqrt(3)) < 0.03 * bound, "lora_A should be uniform in ±1/sqrt(in_features) (wrong spread)")
    check(abs(float(A.mean())) < 0.02 * bound, "lora_A should be centred on zero")
    check(abs(layer.scaling - 2.0) < 1e-12 and layer.r == 16 and layer.alpha == 32.0, "the r, alpha and scaling attributes")
    check(layer.in_features == 1024 and layer.out_features == 24, "the in_features and out_features attributes")
    check(layer.merged is False, "a new layer is not merged")
    keys = set(snapshot(layer))
    check(keys == {"base.weight", "base.bias", "lora_A", "lora_B"}, "state_dict keys should be base.weight, base.bias, lora_A, lora_B")
    state = snapshot(layer)
    x = torch.randn(6, 1024, generator=torch.Generator().manual_seed(1))
    assert_close(layer(x), F.linear(x, state["base.weight"], state["base.bias"]), **F32,
                 what="a new layer's output (it should equal the base layer's)")
    lab.manual_seed(6)
    other = lab.LoRALinear(1024, 24, 16, 32.0)
    check(not torch.equal(other.lora_A, A), "lora_A should be drawn from torch's random generator (two seeds, two draws)")
    small = lab.LoRALinear(4, 3, r=2)
    check(tuple(small.lora_A.shape) == (2, 4) and float(small.lora_A.detach().abs().max()) <= 0.5 + 1e-6, "a 4 -> 3 layer of rank 2")


@pytest.mark.points(3)
def test_layer_defaults_and_options(lab):
    """LoRALinear's defaults (r=8, alpha=8, no dropout, bias), bias=False and use_rslora."""
    layer = lab.LoRALinear(10, 12)
    check(layer.r == 8 and abs(layer.scaling - 1.0) < 1e-12, "the defaults are r=8, alpha=8 (scaling 1)")
    check(set(snapshot(layer)) == {"base.weight", "base.bias", "lora_A", "lora_B"}, "with the default bias=True")
    layer = lab.LoRALinear(10, 12, r=4, alpha=6.0, bias=False, use_rslora=True)
    check(set(snapshot(layer)) == {"base.weight", "lora_A", "lora_B"}, "bias=False: no base.bias")
    check(abs(layer.scaling - 3.0) < 1e-12, "use_rslora=True: scaling alpha / sqrt(r)")
    layer.train()
    g = torch.Generator().manual_seed(3)
    layer.load_state_dict({"base.weight": torch.randn(12, 10, generator=g), "lora_A": torch.randn(4, 10, generator=g),
                           "lora_B": torch.randn(12, 4, generator=g)})
    s = snapshot(layer)
    x = torch.randn(5, 10, generator=g)
    out1, out2 = layer(x), layer(x)
    check(torch.equal(out1, out2), "with dropout 0 the training-mode output is deterministic")
    assert_close(out1, functional_oracle(x, s["base.weight"], None, s["lora_A"], s["lora_B"], 3.0), **F32,
                 what="the output of a layer without bias, rank-stabilised")


LAYER_CASES = {
    "r4_alpha16": (12, 7, dict(r=4, lora_alpha=16), True),
    "r_equals_in": (6, 9, dict(r=6, lora_alpha=3), True),
    "rslora_no_bias": (8, 5, dict(r=4, lora_alpha=8, use_rslora=True), False),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(3)) for c in LAYER_CASES])
def test_layer_matches_peft(lab, case):
    """LoRALinear equals peft's LoRA layer with the same weights: output, input gradient, gradients of A and B, base frozen."""
    n_in, n_out, config, with_bias = LAYER_CASES[case]
    torch.manual_seed(0)
    holder = nn.Module()
    holder.layer = nn.Linear(n_in, n_out, bias=with_bias)
    wrapped = peft_model(holder, seed=len(case), target_modules=["layer"], **config)
    state = {k.removeprefix("layer."): v for k, v in our_state(wrapped).items()}
    kwargs = dict(bias=with_bias, use_rslora=config.get("use_rslora", False))
    layer = lab.LoRALinear(n_in, n_out, config["r"], float(config["lora_alpha"]), **kwargs)
    layer.load_state_dict(state)
    x = torch.randn(4, 3, n_in, generator=torch.Generator().manual_seed(9))
    xr = x.clone().requires_grad_(True)
    expected = wrapped.base_model.model.layer(xr)
    grad_out = torch.randn(expected.shape, generator=torch.Generator().manual_seed(10))
    expected.backward(grad_out)
    vjp = lab.vjp(layer, x, grad_output=grad_out, params=True)
    assert_close(vjp.output, expected.detach(), **F32, what=f"the layer's output ({case})")
    assert_close(vjp.grads[0], xr.grad, **F32, what=f"the gradient of the input ({case})")
    peft_layer = wrapped.base_model.model.layer
    assert_close(vjp.param_grads["lora_A"], peft_layer.lora_A["default"].weight.grad, **F32, what=f"lora_A's gradient ({case})")
    assert_close(vjp.param_grads["lora_B"], peft_layer.lora_B["default"].weight.grad, **F32, what=f"lora_B's gradient ({case})")
    frozen = [k for k in ("base.weight", "base.bias") if k in vjp.param_grads]
    check(all(vjp.param_grads[k] is None for k in frozen), "the base layer's weight and bias should be frozen (requires_grad=False)")


def dropout_layer(lab, p, seed):
    g = torch.Generator().manual_seed(seed)
    state = {"base.weight": torch.randn(5, 3, generator=g), "base.bias": torch.randn(5, generator=g),
             "lora_A": torch.randn(4, 3, generator=g), "lora_B": torch.randn(5, 4, generator=g)}
    layer = lab.LoRALinear(3, 5, 4, 8.0, p)
    layer.load_state_dict(state)
    return layer, state


@pytest.mark.points(5)
def test_dropout_on_the_input_of_A(lab):
    """Training mode: the update is B A (mask * x) / (1 - p), one independent Bernoulli mask per input element."""
    p = 0.25
    layer, s = dropout_layer(lab, p, seed=2)
    layer.train()
    x = torch.randn(3000, 3, generator=torch.Generator().manual_seed(4)) + 2.0
    lab.manual_seed(11)
    out = layer(x)
    base = F.linear(x, s["base.weight"], s["base.bias"])
    masks = torch.tensor(list(itertools.product([0.0, 1.0], repeat=3)))            # (8, 3)
    candidates = base[:, None] + 2.0 * ((masks[None] * x[:, None]) / (1 - p)) @ s["lora_A"].T @ s["lora_B"].T  # (N, 8, 5)
    err = (candidates - out[:, None]).abs().amax(-1)                                 # (N, 8)
    best = err.argmin(-1)
    check(bool((err.min(-1).values < 1e-4).all()),
          "in training mode each output row should be base(x) + scaling * B A (mask * x) / (1 - p): dropout acts on x, "
          "the input of lora_A, with the kept values scaled by 1 / (1 - p)")
    kept = masks[best]
    check(abs(float(kept.mean()) - (1 - p)) < 0.03, "the fraction of dropped inputs should be p")
    check(len(set(best.tolist())) == 8, "each row and each input element should get its own mask")
    check(abs(float(kept[:, 0].mean()) - (1 - p)) < 0.05 and abs(float(kept[:, 2].mean()) - (1 - p)) < 0.05,
          "every input position should be dropped with probability p")
    again = layer(x)
    check(not torch.equal(again, out), "two forward passes in training mode should draw different masks")


@pytest.mark.points(3)
def test_dropout_off_in_eval(lab):
    """Eval mode: no dropout (the exact formula); train() turns it back on."""
    layer, s = dropout_layer(lab, 0.5, seed=3)
    x = torch.randn(200, 3, generator=torch.Generator().manual_seed(5))
    layer.eval()
    expected = functional_oracle(x, s["base.weight"], s["base.bias"], s["lora_A"], s["lora_B"], 2.0)
    assert_close(layer(x), expected, **F32, what="the output in eval mode (dropout must be off)")
    layer.train()
    check(not torch.allclose(layer(x), expected, atol=1e-4), "in training mode dropout should act again")


@pytest.mark.points(5)
def test_layer_merge_unmerge(lab):
    """merge adds scaling * B A to the base weight (same output to float32 rounding), twice is a no-op; unmerge restores it."""
    g = torch.Generator().manual_seed(21)
    state = {"base.weight": torch.randn(9, 7, generator=g), "base.bias": torch.randn(9, generator=g),
             "lora_A": torch.randn(3, 7, generator=g), "lora_B": torch.randn(9, 3, generator=g)}
    layer = lab.LoRALinear(7, 9, r=3, alpha=6.0)
    layer.load_state_dict(state)
    x = torch.randn(11, 7, generator=g)
    before = layer(x)
    expected = functional_oracle(x, state["base.weight"], state["base.bias"], state["lora_A"], state["lora_B"], 2.0)
    assert_close(before, expected, **F32, what="the unmerged output")
    check(layer.merge() is True, "merge() should return True when it merges")
    check(layer.merged is True, "merged should be True after merge()")
    s = snapshot(layer)
    merged_w = state["base.weight"] + 2.0 * state["lora_B"] @ state["lora_A"]
    assert_close(s["base.weight"], merged_w, **TIGHT, what="the merged weight W + scaling * B @ A")
    assert_close(s["base.bias"], state["base.bias"], atol=0, rtol=0, what="the bias after merge (unchanged)")
    assert_close(s["lora_A"], state["lora_A"], atol=0, rtol=0, what="lora_A after merge (kept)")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, what="the merged layer's output (it should equal the unmerged one)")
    check(layer.merge() is False, "merge() on a merged layer should return False and do nothing")
    assert_close(snapshot(layer)["base.weight"], merged_w, **TIGHT, what="the weight after a second merge() (unchanged)")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, what="the output after a second merge()")
    check(layer.unmerge() is True, "unmerge() should return True when it unmerges")
    check(layer.merged is False, "merged should be False after unmerge()")
    assert_close(snapshot(layer)["base.weight"], state["base.weight"], **TIGHT, what="the base weight after unmerge (restored)")
    assert_close(layer(x), before, atol=1e-5, rtol=1e-5, what="the output after unmerge")
    check(layer.unmerge() is False, "unmerge() on an unmerged layer should return False and do nothing")
    assert_close(snapshot(layer)["base.weight"], state["base.weight"], **TIGHT, what="the weight after a second unmerge()")


@pytest.mark.points(2)
def test_merged_layer_is_the_base_layer(lab):
    """A merged layer computes base(x) alone, also in training mode with dropout; delta_weight is scaling * B @ A."""
    layer, s = dropout_layer(lab, 0.5, seed=7)
    assert_close(layer.delta_weight(), 2.0 * s["lora_B"] @ s["lora_A"], **TIGHT, what="delta_weight()")
    layer.train()
    layer.merge()
    x = torch.randn(50, 3, generator=torch.Generator().manual_seed(8))
    w = s["base.weight"] + 2.0 * s["lora_B"] @ s["lora_A"]
    assert_close(layer(x), F.linear(x, w, s["base.bias"]), **F32,
                 what="a merged layer's output in training mode (base layer only: no dropout, no second update)")


@pytest.mark.points(3)
def test_from_linear(lab):
    """LoRALinear.from_linear wraps the given linear layer itself: same weights, frozen, merge writes into it."""
    ref = random_toynet(TOY, seed=17)
    model = student_toynet(lab, TOY, ref.state_dict())
    layer = lab.get("LoRALinear.from_linear")(model.head, 4, alpha=2.0, dropout=0.0, use_rslora=True)
    s = snapshot(layer)
    check(set(s) == {"base.weight", "lora_A", "lora_B"}, "from_linear of a layer without bias: keys base.weight, lora_A, lora_B")
    assert_close(s["base.weight"], ref.head.weight.detach(), atol=0, rtol=0, what="the wrapped layer's weight")
    check(bool((s["lora_B"] == 0).all()) and float(s["lora_A"].abs().max()) <= 1 / math.sqrt(12) + 1e-6,
          "from_linear initialises lora_A and lora_B like the constructor")
    check(abs(layer.scaling - 1.0) < 1e-12 and layer.r == 4 and layer.in_features == 12 and layer.out_features == 40,
          "from_linear's attributes (r=4, alpha=2, use_rslora: scaling 1)")
    other = student_toynet(lab, TOY, ref.state_dict())
    default = lab.get("LoRALinear.from_linear")(other.head)
    check(default.r == 8 and abs(default.scaling - 1.0) < 1e-12, "from_linear's defaults are r=8, alpha=8, use_rslora=False")
    check(lab.inject_lora(other, ["k_proj"]) == ["blocks.0.attn.k_proj", "blocks.1.attn.k_proj"], "inject_lora with its defaults")
    injected = other.blocks[1].attn.k_proj
    check(injected.r == 8 and abs(injected.scaling - 1.0) < 1e-12 and injected.dropout.p == 0.0,
          "inject_lora's defaults are r=8, alpha=8, dropout=0, use_rslora=False")
    x = torch.randn(3, 12, generator=torch.Generator().manual_seed(18))
    out = layer(x)
    check(out.shape == (3, 40), "the wrapped layer's output shape")
    _, vjp = trainable_names(lab, layer, x)
    check(vjp.param_grads.get("base.weight", 0) is None, "from_linear should freeze the wrapped layer's weight")
    new = {"base.weight": s["base.weight"], "lora_A": torch.randn(4, 12, generator=torch.Generator().manual_seed(19)),
           "lora_B": torch.randn(40, 4, generator=torch.Generator().manual_seed(20))}
    layer.load_state_dict(new)
    layer.merge()
    assert_close(snapshot(model)["head.weight"], new["base.weight"] + new["lora_B"] @ new["lora_A"], **TIGHT,
                 what="the model's head.weight after merging a layer made by from_linear(model.head) (the same object)")


@pytest.mark.points(2)
def test_layer_errors(lab):
    """r must be a positive int and dropout in [0, 1): ValueError otherwise."""
    check(lab.LoRALinear(4, 4, r=1, dropout=0.0).r == 1, "r=1 with dropout 0.0 is valid")
    check(lab.LoRALinear(4, 4, r=2, dropout=0.99).r == 2, "dropout 0.99 is valid")
    for kwargs in (dict(r=0), dict(r=-3), dict(r=4, dropout=1.0), dict(r=4, dropout=-0.1)):
        with pytest.raises(ValueError):
            lab.LoRALinear(4, 4, **kwargs)


# ---- 3. target modules, injection -------------------------------------------------------------------------


NAMES = ["embed", "blocks", "blocks.0", "blocks.0.attn", "blocks.0.attn.q_proj", "blocks.0.attn.proj", "blocks.1.attn.proj",
         "blocks.10.mlp.0", "blocks.1.mlp.2", "head", "lm_head", "blocks.0.attn.q_proj.base", "q_proj"]
PATTERNS = [["q_proj"], ["proj"], ["attn.proj", "head"], ("0",), ["mlp.2", "q_proj", "v_proj"], ["blocks.0"], [],
            ".*proj", r"blocks\.1\..*", "head", "proj", r".*\.(0|2)", "q_proj|head"]


@pytest.mark.points(5)
def test_matches_target(lab):
    """matches_target follows peft's target_modules: exact name or '.'-suffix for a list, re.fullmatch for a str."""
    cases = [(name, pattern) for pattern in PATTERNS for name in NAMES]
    results = lab.map(lab.matches_target, cases)
    for (name, pattern), got in zip(cases, results):
        expected = bool(check_target_module_exists(types.SimpleNamespace(target_modules=pattern), name))
        check(bool(got) == expected, f"matches_target({name!r}, {pattern!r}) should be {expected}")
    built = "".join(["he", "ad"])
    check(lab.matches_target(built, ["head"]) is True and lab.matches_target("head", [built]) is True,
          "a name equal to an entry matches (compare strings with ==)")
    check(lab.matches_target("blocks.0.mlp.2", {"mlp.2"}) is True, "a set of names is allowed")
    check(lab.matches_target(name="blocks.0.attn.proj", target_modules=["proj"]) is True, "keyword call")
    check(lab.matches_target("blocks.0.mlp.2", ["mlp.*"]) is False, "the list's strings are names, not regular expressions")


TOY = dict(vocab_size=40, dim=12, hidden=20, n_blocks=2)


@pytest.mark.points(4)
def test_inject_lora_structure(lab):
    """inject_lora returns the replaced names in order, only those become LoRA layers, keys base.weight / lora_A / lora_B."""
    ref = random_toynet(TOY, seed=1)
    state = ref.state_dict()
    model = student_toynet(lab, TOY, state)
    names = lab.inject_lora(model, ["v_proj", "mlp.0", "head"], 2, 4.0)
    expected = ["blocks.0.attn.v_proj", "blocks.0.mlp.0", "blocks.1.attn.v_proj", "blocks.1.mlp.0", "head"]
    check(names == expected, "inject_lora should return the replaced module names in named_modules order")
    keys = list(snapshot(model))
    wanted = []
    for key in state:
        module = key.rsplit(".", 1)[0]
        wanted.append(f"{module}.base.{key.rsplit('.', 1)[1]}" if module in expected else key)
    for module in expected:
        wanted += [f"{module}.lora_A", f"{module}.lora_B"]
    check(set(keys) == set(wanted), "after injection the targeted layers' keys should be NAME.base.weight, NAME.base.bias, "
          "NAME.lora_A, NAME.lora_B and every other key unchanged")
    new = snapshot(model)
    for key, value in state.items():
        module, leaf = key.rsplit(".", 1)
        ours = f"{module}.base.{leaf}" if module in expected else key
        assert_close(new[ours], value, atol=0, rtol=0, what=f"{ours} after injection (the original weights are kept)")
    check(tuple(new["head.lora_A"].shape) == (2, 12) and tuple(new["head.lora_B"].shape) == (40, 2), "head's LoRA factors' shapes")
    check(bool((new["blocks.1.mlp.0.lora_B"] == 0).all()), "injected layers start with lora_B = 0")
    ids = ids_for(40, 2)
    assert_close(model(ids), ref(ids).detach(), **F32, what="the model's output right after injection (unchanged)")
    model2 = student_toynet(lab, TOY, state)
    names = lab.inject_lora(model2, r"blocks\.1\.attn\.[qk]_proj", r=3, alpha=3.0, dropout=0.1, use_rslora=True)
    check(names == ["blocks.1.attn.q_proj", "blocks.1.attn.k_proj"], "a regular expression (str) as target_modules")
    check(tuple(snapshot(model2)["blocks.1.attn.k_proj.lora_A"].shape) == (3, 12), "r given by keyword")


@pytest.mark.points(1)
def test_inject_lora_dtype(lab):
    """A float64 model gets float64 LoRA factors."""
    model = lab.ToyNet(**TOY)
    model.double()
    lab.inject_lora(model, ("proj",), 2, 2.0)
    s = snapshot(model)
    check(s["blocks.0.attn.proj.lora_A"].dtype == torch.float64 and s["blocks.0.attn.proj.lora_B"].dtype == torch.float64,
          "lora_A and lora_B should take the dtype of the base weight")


@pytest.mark.points(4)
def test_inject_lora_errors(lab):
    """No match, a match that is not nn.Linear, or a second injection raise ValueError and leave the model as it was."""
    model = lab.ToyNet(**TOY)
    before = list(snapshot(model))
    for pattern in (["nothing"], ["attn"], ["0"], "blocks\\.0\\.mlp(\\.0)?", ["q_proj", "mlp"]):
        with pytest.raises(ValueError):
            lab.inject_lora(model, pattern, 2, 2.0)
        check(list(snapshot(model)) == before, f"a failed inject_lora({pattern!r}) should leave the model unchanged")
    total = tuple(lab.count_parameters(model))
    for kwargs in (dict(r=0), dict(r=2, dropout=1.5), dict(r=2, dropout=-0.5)):
        with pytest.raises(ValueError):
            lab.inject_lora(model, ["q_proj"], **kwargs)
        check(list(model.state_dict()) == before and tuple(lab.count_parameters(model)) == total,
              f"a failed inject_lora(..., {kwargs}) should leave the model unchanged (nothing replaced, nothing frozen)")
    check(lab.inject_lora(model, ["q_proj"], 2, 2.0) == ["blocks.0.attn.q_proj", "blocks.1.attn.q_proj"], "a valid injection")
    with pytest.raises(ValueError):
        lab.inject_lora(model, ["q_proj"], 2, 2.0)
    check(lab.inject_lora(model, ["k_proj", "head"], 1, 1.0) == ["blocks.0.attn.k_proj", "blocks.1.attn.k_proj", "head"],
          "a second injection with other targets replaces only those (the LoRA layers of the first stay)")
    keys = set(model.state_dict())
    check({"blocks.1.attn.q_proj.lora_A", "blocks.1.attn.k_proj.lora_B", "head.base.weight"} <= keys,
          "both injections' LoRA layers should be in the model")


# ---- 4. the model against peft ----------------------------------------------------------------------------


MODEL_CASES = {
    "attention_r4": (dict(target_modules=["q_proj", "v_proj"], r=4, lora_alpha=16), {}),
    "regex_all_linear_rslora": (dict(target_modules=r".*(proj|mlp\.[02]|head)", r=8, lora_alpha=8, use_rslora=True),
                                dict(use_rslora=True)),
    "mlp_and_head_r1": (dict(target_modules=["mlp.2", "head", "attn.proj"], r=1, lora_alpha=2), {}),
}


def injected_pair(lab, case, seed=3):
    config, extra = MODEL_CASES[case]
    ref = random_toynet(TOY, seed=seed)
    model = student_toynet(lab, TOY, ref.state_dict())
    names = lab.inject_lora(model, config["target_modules"], config["r"], float(config["lora_alpha"]), 0.0, **extra)
    wrapped = peft_model(ref, seed=seed + 1, **config)
    model.load_state_dict(our_state(wrapped))
    return model, wrapped, names


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(4)) for c in MODEL_CASES])
def test_model_matches_peft(lab, case):
    """ToyNet with LoRA equals peft's get_peft_model with the same weights: outputs, frozen set, LoRA gradients, counts."""
    model, wrapped, names = injected_pair(lab, case)
    peft_names = [n.removeprefix("base_model.model.") for n, m in wrapped.named_modules() if hasattr(m, "lora_A")
                  and n.startswith("base_model.model.")]
    check(names == peft_names, f"inject_lora should replace the modules peft targets ({case})")
    trainable = lab.mark_only_lora_trainable(model)
    peft_trainable, peft_total = wrapped.get_nb_trainable_parameters()
    check(trainable == peft_trainable, f"mark_only_lora_trainable should return the number of trainable values ({case})")
    check(tuple(lab.count_parameters(model)) == (peft_trainable, peft_total), f"count_parameters after freezing ({case})")
    ids = ids_for(40, 5)
    wrapped.train()
    expected = wrapped(ids)
    grad_out = torch.randn(expected.shape, generator=torch.Generator().manual_seed(6))
    expected.backward(grad_out)
    vjp = lab.vjp(model, ids, grad_output=grad_out, wrt=(), params=True)
    assert_close(vjp.output, expected.detach(), **F32, what=f"the LoRA model's logits ({case})")
    peft_grads = {to_ours(n): p.grad for n, p in wrapped.named_parameters()}
    got_trainable = {n for n, grad in vjp.param_grads.items() if grad is not None}
    want_trainable = {n for n, p in wrapped.named_parameters() if p.requires_grad}
    check(got_trainable == {to_ours(n) for n in want_trainable},
          f"exactly lora_A and lora_B should be trainable after mark_only_lora_trainable ({case})")
    for name in sorted(got_trainable & set(peft_grads)):
        assert_close(vjp.param_grads[name], peft_grads[name], **F32, what=f"the gradient of {name} ({case})")


@pytest.mark.points(5)
def test_freezing_and_counting(lab):
    """Before freezing everything is trainable; after, only A and B, biases and untargeted layers included."""
    ref = random_toynet(TOY, seed=8)
    total = sum(p.numel() for p in ref.parameters())
    model = student_toynet(lab, TOY, ref.state_dict())
    check(tuple(lab.count_parameters(model)) == (total, total), "count_parameters of a plain ToyNet: all trainable")
    n_default = sum(p.numel() for p in RefToyNet().parameters())
    check(tuple(lab.count_parameters(lab.ToyNet())) == (n_default, n_default), "count_parameters of ToyNet() with its defaults")
    lab.inject_lora(model, ["k_proj"], 3, 3.0)
    lora_values = 2 * (3 * 12 + 12 * 3)
    counts = tuple(lab.count_parameters(model))
    check(counts[1] == total + lora_values, "the total should count the base weights once plus lora_A and lora_B")
    ids = ids_for(40, 9)
    names, _ = trainable_names(lab, model, ids)
    check("blocks.0.attn.k_proj.base.weight" not in names and "blocks.0.attn.k_proj.base.bias" not in names,
          "a LoRALinear should freeze its base layer (weight and bias) itself")
    check(counts[0] == total + lora_values - 2 * (12 * 12 + 12), "before mark_only_lora_trainable the untargeted layers stay trainable")
    check(lab.mark_only_lora_trainable(model) == lora_values, "mark_only_lora_trainable's return value")
    check(tuple(lab.count_parameters(model)) == (lora_values, total + lora_values), "count_parameters after freezing")
    names, _ = trainable_names(lab, model, ids)
    expected = {f"blocks.{i}.attn.k_proj.lora_{m}" for i in (0, 1) for m in "AB"}
    check(names == expected, "only the lora_A and lora_B parameters should be trainable (not biases, norms, embeddings)")
    check(lab.mark_only_lora_trainable(model) == lora_values, "calling mark_only_lora_trainable twice changes nothing")


@pytest.mark.points(5)
def test_merge_lora_model(lab):
    """merge_lora / unmerge_lora: counts, the same logits (1e-6), idempotent, base weights restored, still frozen."""
    model, wrapped, _ = injected_pair(lab, "regex_all_linear_rslora", seed=11)
    lab.mark_only_lora_trainable(model)
    counts = tuple(lab.count_parameters(model))
    ids = ids_for(40, 12)
    model.eval()
    before = model(ids)
    state = snapshot(model)
    n = len([k for k in state if k.endswith("lora_A")])
    check(lab.merge_lora(model) == n, "merge_lora should return the number of layers it merged")
    merged = model(ids)
    assert_close(merged, before, atol=1e-5, rtol=1e-5, what="the merged model's logits (they should equal the unmerged ones)")
    assert_close(snapshot(model)["blocks.1.mlp.2.base.weight"],
                 state["blocks.1.mlp.2.base.weight"] + state["blocks.1.mlp.2.lora_B"] @ state["blocks.1.mlp.2.lora_A"] * 8 / math.sqrt(8),
                 **TIGHT, what="a merged weight (rank-stabilised scaling)")
    check(lab.merge_lora(model) == 0, "merge_lora on a merged model should merge nothing and return 0")
    assert_close(model(ids), before, atol=1e-5, rtol=1e-5, what="the logits after a second merge_lora")
    check(tuple(lab.count_parameters(model)) == counts, "merging should not change which parameters are trainable")
    check(lab.unmerge_lora(model) == n, "unmerge_lora should return the number of layers it unmerged")
    check(lab.unmerge_lora(model) == 0, "unmerge_lora on an unmerged model returns 0")
    after = snapshot(model)
    for key, value in state.items():
        assert_close(after[key], value, **TIGHT, what=f"{key} after merge and unmerge (restored)")
    assert_close(model(ids), before, atol=1e-5, rtol=1e-5, what="the logits after unmerge_lora")
    names, _ = trainable_names(lab, model, ids)
    check(all("lora_" in name for name in names), "after merge and unmerge only lora_A and lora_B are trainable")


@pytest.mark.points(4)
def test_merge_and_unload(lab):
    """merge_and_unload gives back plain layers with the original keys and peft's merge_and_unload's logits."""
    model, wrapped, names = injected_pair(lab, "attention_r4", seed=13)
    ids = ids_for(40, 14)
    model.eval()
    before = model(ids)
    check(lab.merge_and_unload(model) == names, "merge_and_unload should return the replaced names in order")
    merged_ref = wrapped.merge_and_unload()
    keys = list(snapshot(model))
    check(keys == list(merged_ref.state_dict()), "after merge_and_unload the keys should be the original ToyNet's")
    s = snapshot(model)
    for key, value in merged_ref.state_dict().items():
        assert_close(s[key], value, **TIGHT, what=f"{key} after merge_and_unload")
    assert_close(model(ids), before, atol=1e-5, rtol=1e-5, what="the logits after merge_and_unload")
    check(lab.merge_and_unload(model) == [], "merge_and_unload of a model without LoRA layers returns []")
    names_after, _ = trainable_names(lab, model, ids)
    check(not any("q_proj" in n or "v_proj" in n for n in names_after), "the restored layers keep requires_grad=False")


@pytest.mark.points(3)
def test_lora_state_dict(lab):
    """lora_state_dict holds exactly the lora_A / lora_B entries of state_dict, in order, with their values."""
    model, wrapped, _ = injected_pair(lab, "mlp_and_head_r1", seed=15)
    full = snapshot(model)
    got = lab.lora_state_dict(model)
    expected = [k for k in full if k.endswith(("lora_A", "lora_B"))]
    check(list(got) == expected, "lora_state_dict's keys should be the state_dict's lora_A / lora_B keys, in order")
    for key in expected:
        assert_close(got[key], full[key], atol=0, rtol=0, what=key)
    plain = lab.ToyNet(**TOY)
    check(lab.lora_state_dict(plain) == {}, "a model without LoRA layers has an empty LoRA state_dict")
