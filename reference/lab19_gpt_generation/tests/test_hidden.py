"""Hidden tests for lab 19 (GPT-2 from scratch, and generation).

Oracles: transformers' ``GPT2LMHeadModel`` built from a tiny ``GPT2Config``
(no dropout, random weights, never downloaded), its ``generate``, its loss,
and the logits processors ``TemperatureLogitsWarper``, ``TopKLogitsWarper``,
``TopPLogitsWarper`` and ``RepetitionPenaltyLogitsProcessor``; plain torch
(``F.layer_norm``, ``F.scaled_dot_product_attention``, ``F.gelu``) for the
building blocks. Weights are moved into the student's model with a
conversion written here, so that only ``test_convert_*`` depends on the
student's ``convert_hf_state_dict``. Seeded sampling is compared with
transformers' own sampling (``torch.manual_seed`` + ``generate``), which the
docstring prescribes, never with the reference's random numbers.
"""

from __future__ import annotations

import math
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import pytest
import torch
import torch.nn.functional as F
from transformers import (
    GPT2Config,
    GPT2LMHeadModel,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from autograder.testing import assert_close, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def randint(high: int, shape: tuple, seed: int) -> torch.Tensor:
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(seed))


# ---- transformers' model as the oracle ------------------------------------------------------------


def hf_model(vocab=61, n_positions=24, n_embd=32, n_layer=2, n_head=4, eps=1e-5, seed=0, scale=1.0) -> GPT2LMHeadModel:
    """A tiny GPT2LMHeadModel without dropout whose every parameter is random
    (LayerNorm weights around 1, biases non-zero), in eval mode."""
    config = GPT2Config(
        vocab_size=vocab, n_positions=n_positions, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
        layer_norm_epsilon=eps, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        bos_token_id=None, eos_token_id=None, pad_token_id=None,
    )
    model = GPT2LMHeadModel(config)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if ".ln_" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * noise)
            elif p.dim() == 2:
                p.copy_(scale * noise / min(p.shape) ** 0.5)
            else:
                p.copy_(0.3 * noise)
    return model.eval()


def our_layout(hf_state: dict) -> dict:
    """The conversion the lab asks for, written independently of the student's."""
    out = {}
    for key, value in hf_state.items():
        key = key.removeprefix("transformer.")
        if key == "lm_head.weight" or key.endswith((".attn.bias", ".attn.masked_bias")):
            continue
        out[key] = value.t().contiguous() if key.endswith(CONV1D) else value.detach().clone()
    return out


def sizes(hf: GPT2LMHeadModel) -> dict:
    c = hf.config
    return dict(vocab_size=c.vocab_size, n_positions=c.n_positions, n_embd=c.n_embd, n_layer=c.n_layer, n_head=c.n_head)


def student_model(lab, hf: GPT2LMHeadModel):
    """The student's GPT with hf's weights (converted here)."""
    model = lab.GPT(**sizes(hf), layer_norm_epsilon=hf.config.layer_norm_epsilon)
    model.load_state_dict(our_layout(hf.state_dict()))
    model.eval()
    return model


def hf_generate(hf, prompt, max_new_tokens, seed=None, **options):
    """transformers' generate, with the global RNG seeded like the lab prescribes."""
    if seed is not None:
        torch.manual_seed(seed)
    options.setdefault("top_k", None)
    with torch.no_grad():
        return hf.generate(
            prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=max_new_tokens, **options
        )


def hf_process(logits, input_ids, *, temperature=1.0, top_k=None, top_p=None, repetition_penalty=1.0):
    """transformers' processors in generate's order, applied to the same logits."""
    scores = logits.clone()
    if repetition_penalty != 1.0:
        scores = RepetitionPenaltyLogitsProcessor(repetition_penalty)(input_ids, scores)
    if temperature != 1.0:
        scores = TemperatureLogitsWarper(temperature)(input_ids, scores)
    if top_k is not None:
        scores = TopKLogitsWarper(top_k)(input_ids, scores)
    if top_p is not None and top_p < 1.0:
        scores = TopPLogitsWarper(top_p)(input_ids, scores)
    return scores


def same_filter(actual, expected, what, tol=F32):
    """Equal logits where kept; the same set of removed (-inf) positions."""
    check(torch.is_tensor(actual) and tuple(actual.shape) == tuple(expected.shape), f"{what}: wrong shape")
    check(actual.dtype == expected.dtype, f"{what}: the dtype should stay {expected.dtype}")
    removed = torch.isneginf(expected)
    wrong = int((torch.isneginf(actual) != removed).sum())
    check(wrong == 0, f"{what}: {wrong} tokens removed (or kept) wrongly")
    assert_close(actual[~removed], expected[~removed], **tol, what=f"{what} (the kept logits)")


def far_from_threshold(logits: torch.Tensor, top_p: float, margin: float = 1e-4) -> bool:
    """No cumulative probability within `margin` of 1 - top_p (so float order cannot matter);
    the last one (1, the most likely token) is always kept."""
    cum = torch.sort(logits.double(), dim=-1).values.softmax(-1).cumsum(-1)[..., :-1]
    return bool(((cum - (1 - top_p)).abs() > margin).all())


def nucleus_logits(batch, vocab, top_p, seed, scale=2.0):
    while True:
        logits = scale * randn(batch, vocab, seed=seed)
        if far_from_threshold(logits, top_p):
            return logits
        seed += 1000
        if seed > 60000:
            raise RuntimeError("no logits far from the threshold")


# ---- building blocks ------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_linear_parameters_and_init(lab):
    """Linear has weight (out, in) ~ N(0, 0.02^2) and zero bias (out,); bias=False drops the bias."""
    lab.manual_seed(0)
    sd = lab.Linear(300, 200).state_dict()
    check(set(sd) == {"weight", "bias"}, "Linear's state_dict should hold 'weight' and 'bias'")
    check(tuple(sd["weight"].shape) == (200, 300), "weight should be (out_features, in_features)")
    check(tuple(sd["bias"].shape) == (200,) and bool((sd["bias"] == 0).all()), "bias should be (out_features,) zeros")
    w = sd["weight"]
    check(abs(float(w.mean())) < 0.001 and abs(float(w.std()) - 0.02) < 0.001, "weight should be drawn from N(0, 0.02^2)")
    sd = lab.Linear(4, 6, bias=False).state_dict()
    check(set(sd) == {"weight"}, "Linear(bias=False) should have only 'weight'")


@pytest.mark.points(2)
def test_linear_forward_and_gradients(lab):
    """Linear computes x @ weight.T + bias for 2-D and 3-D inputs, without bias, and its gradients match autograd."""
    w, b = randn(5, 3, seed=1), randn(5, seed=2)
    m = lab.Linear(3, 5)
    m.load_state_dict({"weight": w, "bias": b})
    for x in (randn(4, 3, seed=3), randn(2, 6, 3, seed=4)):
        assert_close(m(x), x @ w.T + b, **F32, what=f"Linear on a {tuple(x.shape)} input")
    m = lab.Linear(3, 5, bias=False)
    m.load_state_dict({"weight": w})
    x = randn(2, 3, seed=5)
    assert_close(m(x), x @ w.T, **F32, what="Linear(bias=False)")
    m = lab.Linear(3, 5)
    m.double()
    wd, bd = w.double(), b.double()
    m.load_state_dict({"weight": wd, "bias": bd})
    x, g = randn(2, 4, 3, seed=6, dtype=torch.float64), randn(2, 4, 5, seed=7, dtype=torch.float64)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True)
    assert_close(result.output, x @ wd.T + bd, **F64, what="Linear in float64")
    assert_close(result.grads[0], g @ wd, **F64, what="the gradient for x")
    assert_close(result.param_grads["weight"], g.reshape(-1, 5).T @ x.reshape(-1, 3), **F64, what="the gradient for weight")
    assert_close(result.param_grads["bias"], g.sum((0, 1)), **F64, what="the gradient for bias")


@pytest.mark.points(2)
def test_embedding(lab):
    """Embedding has weight (num, dim) ~ N(0, 0.02^2), returns weight[ids] for any id shape, and sums gradients of repeated ids."""
    lab.manual_seed(1)
    sd = lab.Embedding(500, 64).state_dict()
    check(set(sd) == {"weight"} and tuple(sd["weight"].shape) == (500, 64), "Embedding should hold one (num_embeddings, embedding_dim) 'weight'")
    w = sd["weight"]
    check(abs(float(w.mean())) < 0.001 and abs(float(w.std()) - 0.02) < 0.001, "weight should be drawn from N(0, 0.02^2)")
    w = randn(10, 4, seed=8, dtype=torch.float64)
    m = lab.Embedding(10, 4)
    m.double()
    m.load_state_dict({"weight": w})
    ids = torch.tensor([[1, 3, 1], [9, 0, 3]])
    assert_close(m(torch.tensor([7, 2])), w[[7, 2]], **F64, what="Embedding of 1-D ids")
    g = randn(2, 3, 4, seed=9, dtype=torch.float64)
    result = lab.vjp(m, ids, grad_output=g, wrt=(), params=True)
    assert_close(result.output, w[ids], **F64, what="Embedding of (2, 3) ids")
    expected = torch.zeros(10, 4, dtype=torch.float64).index_add_(0, ids.reshape(-1), g.reshape(-1, 4))
    assert_close(result.param_grads["weight"], expected, **F64, what="the gradient for weight (ids 1 and 3 appear twice)")


@pytest.mark.points(2)
def test_layernorm_matches_torch(lab):
    """LayerNorm starts as weight 1, bias 0 and equals F.layer_norm (biased variance), with another eps and with gradients."""
    m = lab.LayerNorm(6)
    sd = m.state_dict()
    check(set(sd) == {"weight", "bias"}, "LayerNorm's state_dict should hold 'weight' and 'bias'")
    check(bool((sd["weight"] == 1).all()) and bool((sd["bias"] == 0).all()), "LayerNorm should start with weight ones and bias zeros")
    x = randn(3, 5, 6, seed=10)
    assert_close(m(x), F.layer_norm(x, (6,)), **F32, what="LayerNorm at its initial parameters")
    w, b = 1 + 0.3 * randn(6, seed=11), randn(6, seed=12)
    m = lab.LayerNorm(6, eps=0.5)
    check(float(m.eps) == 0.5, "LayerNorm should store eps in the attribute 'eps'")
    m.load_state_dict({"weight": w, "bias": b})
    x = 0.5 * randn(4, 6, seed=13)
    assert_close(m(x), F.layer_norm(x, (6,), w, b, eps=0.5), **F32, what="LayerNorm with eps=0.5")
    m = lab.LayerNorm(6)
    m.double()
    m.load_state_dict({"weight": w.double(), "bias": b.double()})
    x, g = randn(2, 3, 6, seed=14, dtype=torch.float64), randn(2, 3, 6, seed=15, dtype=torch.float64)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True)
    xr = x.clone().requires_grad_(True)
    wr, br = w.double().requires_grad_(True), b.double().requires_grad_(True)
    F.layer_norm(xr, (6,), wr, br).backward(g)
    assert_close(result.grads[0], xr.grad, atol=1e-9, rtol=1e-8, what="the gradient for x")
    assert_close(result.param_grads["weight"], wr.grad, atol=1e-9, rtol=1e-8, what="the gradient for weight")
    assert_close(result.param_grads["bias"], br.grad, atol=1e-9, rtol=1e-8, what="the gradient for bias")


@pytest.mark.points(2)
def test_layernorm_large_offset_is_stable(lab):
    """LayerNorm stays exact in float32 for values around 1e4 with a spread of 1, and for values of size 1e3."""
    m = lab.LayerNorm(64)
    x = 1e4 + randn(4, 64, seed=16)
    assert_close(m(x), F.layer_norm(x.double(), (64,)).float(), atol=1e-2, rtol=0, what="LayerNorm of float32 values around 1e4")
    x = 1000 * randn(4, 64, seed=17)
    assert_close(m(x), F.layer_norm(x, (64,)), **F32, what="LayerNorm of float32 values of size 1e3")


# ---- the model ------------------------------------------------------------------------------------


def attention_formula(x, w_attn, b_attn, w_proj, b_proj, n_head):
    batch, seq, d = x.shape
    q, k, v = (x @ w_attn.T + b_attn).split(d, dim=-1)
    q, k, v = (t.view(batch, seq, n_head, d // n_head).transpose(1, 2) for t in (q, k, v))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return out.transpose(1, 2).reshape(batch, seq, d) @ w_proj.T + b_proj


def mlp_formula(x, w_fc, b_fc, w_proj, b_proj):
    return F.gelu(x @ w_fc.T + b_fc, approximate="tanh") @ w_proj.T + b_proj


@pytest.mark.points(2)
def test_attention_matches_formula(lab):
    """CausalSelfAttention (c_attn, c_proj) is causal multi-head attention with [q | k | v] blocks; a bad n_head raises ValueError."""
    d, heads = 12, 3
    params = {
        "c_attn.weight": randn(3 * d, d, seed=20) / d**0.5, "c_attn.bias": 0.3 * randn(3 * d, seed=21),
        "c_proj.weight": randn(d, d, seed=22) / d**0.5, "c_proj.bias": 0.3 * randn(d, seed=23),
    }
    m = lab.CausalSelfAttention(d, heads)
    check(
        {k: tuple(v.shape) for k, v in m.state_dict().items()} == {k: tuple(v.shape) for k, v in params.items()},
        "CausalSelfAttention's state_dict should be c_attn.weight (3*n_embd, n_embd), c_attn.bias, c_proj.weight, c_proj.bias",
    )
    m.load_state_dict(params)
    x = randn(2, 7, d, seed=24)
    expected = attention_formula(x, params["c_attn.weight"], params["c_attn.bias"], params["c_proj.weight"], params["c_proj.bias"], heads)
    assert_close(m(x), expected, **F32, what="CausalSelfAttention's output")
    m = lab.CausalSelfAttention(d, 1)
    m.load_state_dict(params)
    expected = attention_formula(x, params["c_attn.weight"], params["c_attn.bias"], params["c_proj.weight"], params["c_proj.bias"], 1)
    assert_close(m(x), expected, **F32, what="CausalSelfAttention with one head")
    m = lab.CausalSelfAttention(12, 4)
    m.load_state_dict(params)
    expected = attention_formula(x, params["c_attn.weight"], params["c_attn.bias"], params["c_proj.weight"], params["c_proj.bias"], 4)
    assert_close(m(x), expected, **F32, what="CausalSelfAttention with four heads")
    for bad in (5, 0):
        with pytest.raises(ValueError):
            lab.CausalSelfAttention(12, bad)
            pytest.fail(f"no ValueError for n_head={bad}, n_embd=12")


@pytest.mark.points(2)
def test_block_matches_formula(lab):
    """Block is pre-norm: x + attn(ln_1(x)), then + mlp(ln_2(x)) with the tanh GELU and 4 * n_embd hidden units."""
    hf = hf_model(n_embd=16, n_head=2, n_layer=1, eps=1e-3, seed=3)
    params = {k.removeprefix("h.0."): v for k, v in our_layout(hf.state_dict()).items() if k.startswith("h.0.")}
    m = lab.Block(16, 2, layer_norm_epsilon=1e-3)
    check(
        {k: tuple(v.shape) for k, v in m.state_dict().items()} == {k: tuple(v.shape) for k, v in params.items()},
        "Block's state_dict should be ln_1.*, attn.c_attn.*, attn.c_proj.*, ln_2.*, mlp.c_fc.*, mlp.c_proj.*",
    )
    m.load_state_dict(params)
    x = randn(3, 5, 16, seed=25)
    p = params
    h = x + attention_formula(F.layer_norm(x, (16,), p["ln_1.weight"], p["ln_1.bias"], 1e-3), p["attn.c_attn.weight"], p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], 2)
    expected = h + mlp_formula(F.layer_norm(h, (16,), p["ln_2.weight"], p["ln_2.bias"], 1e-3), p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    assert_close(m(x), expected, **F32, what="Block's output")
    m = lab.Block(16, 2)
    m.load_state_dict(params)
    x = 0.01 * randn(1, 3, 16, seed=27)
    h = x + attention_formula(F.layer_norm(x, (16,), p["ln_1.weight"], p["ln_1.bias"], 1e-5), p["attn.c_attn.weight"], p["attn.c_attn.bias"], p["attn.c_proj.weight"], p["attn.c_proj.bias"], 2)
    expected = h + mlp_formula(F.layer_norm(h, (16,), p["ln_2.weight"], p["ln_2.bias"], 1e-5), p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    assert_close(m(x), expected, **F32, what="Block's output with the default layer_norm_epsilon (1e-5) on small inputs")
    mlp = lab.MLP(16)
    mlp.load_state_dict({k.removeprefix("mlp."): v for k, v in p.items() if k.startswith("mlp.")})
    x = 3 * randn(2, 16, seed=26)
    expected = mlp_formula(x, p["mlp.c_fc.weight"], p["mlp.c_fc.bias"], p["mlp.c_proj.weight"], p["mlp.c_proj.bias"])
    assert_close(mlp(x), expected, **F32, what="MLP's output (GELU with the tanh approximation)")


@pytest.mark.points(2)
def test_state_dict_layout(lab):
    """GPT's state_dict has exactly the keys and shapes of GPT2LMHeadModel's, converted; its sizes are attributes."""
    hf = hf_model(vocab=50, n_positions=12, n_embd=16, n_layer=3, n_head=2)
    m = lab.GPT(50, 12, 16, 3, 2)
    shapes = {k: tuple(v.shape) for k, v in m.state_dict().items()}
    expected = {k: tuple(v.shape) for k, v in our_layout(hf.state_dict()).items()}
    missing, extra = sorted(set(expected) - set(shapes)), sorted(set(shapes) - set(expected))
    check(not missing and not extra, f"GPT's state_dict keys differ: missing {missing[:4]}, unexpected {extra[:4]}")
    wrong = sorted(k for k in expected if shapes[k] != expected[k])
    check(not wrong, f"wrong shapes for {wrong[:4]}")
    attrs = (m.vocab_size, m.n_positions, m.n_embd, m.n_layer, m.n_head, m.layer_norm_epsilon)
    check(attrs == (50, 12, 16, 3, 2, 1e-5), "GPT should keep vocab_size, n_positions, n_embd, n_layer, n_head, layer_norm_epsilon as attributes")
    check(len(lab.GPT(20, 6, 12, 1, 4).state_dict()) == 16, "GPT(20, 6, 12, 1, 4) should build (4 heads of 3 features)")
    for bad in (3, 0):
        with pytest.raises(ValueError):
            lab.GPT(50, 12, 16, 3, bad)
            pytest.fail(f"no ValueError for n_head={bad}, n_embd=16")


@pytest.mark.points(3)
def test_convert_hf_state_dict(lab):
    """convert_hf_state_dict drops 'transformer.' and lm_head, transposes the four Conv1D weights, keeps the rest."""
    hf = hf_model(vocab=40, n_positions=10, n_embd=8, n_layer=2, n_head=2, seed=4)
    hf_state = {k: v.detach().clone() for k, v in hf.state_dict().items()}
    out = lab.convert_hf_state_dict(hf_state)
    expected = our_layout(hf_state)
    check(isinstance(out, dict) and set(out) == set(expected), "the converted keys should be GPT's keys (no 'transformer.' prefix, no lm_head)")
    for key, value in expected.items():
        assert_close(out[key], value, atol=0, rtol=0, what=f"the converted {key}")
    legacy = {"lm_head.weight": hf_state["lm_head.weight"]}
    for key, value in hf_state.items():
        legacy[key] = value
        if key.endswith("ln_1.bias"):
            legacy[key.replace("ln_1.bias", "attn.bias")] = torch.tril(torch.ones(1, 1, 10, 10))
            legacy[key.replace("ln_1.bias", "attn.masked_bias")] = torch.tensor(-1e4)
    out = lab.convert_hf_state_dict(state_dict=legacy)
    check(set(out) == set(expected), "the buffers attn.bias / attn.masked_bias of older versions should be dropped")


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(dict(vocab=61, n_positions=24, n_embd=32, n_layer=2, n_head=4), id="two_layers", marks=pytest.mark.points(3)),
        pytest.param(dict(vocab=30, n_positions=9, n_embd=8, n_layer=1, n_head=1), id="one_head", marks=pytest.mark.points(2)),
        pytest.param(dict(vocab=77, n_positions=16, n_embd=24, n_layer=4, n_head=6, eps=1e-2), id="four_layers_eps", marks=pytest.mark.points(2)),
    ],
)
def test_logits_match_gpt2(lab, config):
    """GPT with GPT2LMHeadModel's weights gives its logits (to 1e-5) for sequences of every length up to n_positions."""
    hf = hf_model(**config, seed=5)
    m = student_model(lab, hf)
    for batch, seq in ((3, config["n_positions"]), (2, 1), (1, 5), (2, 2)):
        ids = randint(config["vocab"], (batch, seq), seed=seq)
        with torch.no_grad():
            expected = hf(ids).logits
        assert_close(m(ids), expected, **F32, what=f"the logits for a ({batch}, {seq}) batch")


@pytest.mark.points(2)
def test_logits_are_causal(lab):
    """Changing token t changes no logit before position t (and does change later ones)."""
    hf = hf_model(seed=6)
    m = student_model(lab, hf)
    ids = randint(61, (2, 20), seed=7)
    changed = ids.clone()
    changed[:, 12] = (changed[:, 12] + 1) % 61
    a, b = m(ids).detach(), m(changed).detach()
    assert_close(a[:, :12], b[:, :12], atol=1e-6, rtol=0, what="the logits before the changed position")
    check(float((a[:, 12:] - b[:, 12:]).abs().max()) > 1e-3, "the logits from the changed position on should change")


@pytest.mark.points(1)
def test_sequence_longer_than_n_positions(lab):
    """A sequence of n_positions tokens works; one more raises ValueError."""
    m = lab.GPT(20, 6, 8, 1, 2)
    out = m(randint(20, (2, 6), seed=8))
    check(tuple(out.shape) == (2, 6, 20), "GPT(...)(ids) should be (batch, seq, vocab_size)")
    with pytest.raises(ValueError):
        m(randint(20, (2, 7), seed=9))
        pytest.fail("no ValueError for a sequence longer than n_positions")


@pytest.mark.points(3)
def test_tied_embeddings_and_gradients(lab):
    """The head is tied to wte: same parameter count as GPT2LMHeadModel and the same float64 gradients of every weight."""
    hf = hf_model(vocab=37, n_positions=10, n_embd=16, n_layer=2, n_head=2, seed=7).double()
    m = lab.GPT(**sizes(hf))
    m.double()
    m.load_state_dict(our_layout(hf.state_dict()))
    ids = randint(37, (2, 10), seed=10)
    g = randn(2, 10, 37, seed=11, dtype=torch.float64)
    result = lab.vjp(m, ids, grad_output=g, wrt=(), params=True)
    total = sum(int(v.numel()) for v in result.param_grads.values())
    check(total == hf.num_parameters(), "GPT should have exactly GPT2LMHeadModel's number of parameters (the head is wte, tied)")
    hf.zero_grad()
    hf(ids).logits.backward(g)
    expected = our_layout({k: p.grad for k, p in hf.named_parameters()})
    check(set(result.param_grads) == set(expected), "GPT's parameters should be named like its state_dict")
    for key, value in expected.items():
        assert_close(result.param_grads[key], value, atol=1e-9, rtol=1e-7, what=f"the gradient of {key}")


@pytest.mark.points(2)
def test_lm_loss_matches_gpt2(lab):
    """lm_loss equals GPT2LMHeadModel's loss: shifted by one, -100 ignored, stable for logits of size 1e3."""
    hf = hf_model(seed=8)
    ids = randint(61, (3, 12), seed=12)
    labels = ids.clone()
    labels[0, 4:7] = -100
    labels[2, 1] = -100
    with torch.no_grad():
        out = hf(ids, labels=labels)
    assert_close(lab.lm_loss(out.logits, labels), out.loss, **F32, what="lm_loss with some labels -100")
    big = 1000 * randn(2, 6, 50, seed=13)
    targets = randint(50, (2, 6), seed=14)
    expected = F.cross_entropy(big[:, :-1].double().reshape(-1, 50), targets[:, 1:].reshape(-1))
    result = lab.vjp(lab.lm_loss, big.double(), targets, grad_output=torch.tensor(1.0, dtype=torch.float64), wrt=(0,))
    assert_close(result.output, expected, atol=1e-8, rtol=1e-10, what="lm_loss of logits of size 1e3 (float64)")
    check(float(result.grads[0][:, -1].abs().max()) == 0.0, "the last position's logits predict nothing: their gradient should be 0")
    assert_close(lab.lm_loss(big, targets), expected.float(), atol=1e-2, rtol=1e-5, what="lm_loss of float32 logits of size 1e3")
    half = randn(2, 5, 9, seed=15).to(torch.bfloat16)
    t = randint(9, (2, 5), seed=16)
    assert_close(lab.lm_loss(half, t), F.cross_entropy(half[:, :-1].float().reshape(-1, 9), t[:, 1:].reshape(-1)), **F32, what="lm_loss of bfloat16 logits (computed in float32)")


# ---- fine-tuning ----------------------------------------------------------------------------------


def hf_fine_tune(hf, token_ids, *, steps, batch_size, seq_len, lr=1e-3, weight_decay=0.0, seed=0):
    """The procedure of the docstring, run on transformers' model."""
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(hf.parameters(), lr=lr, weight_decay=weight_decay)
    hf.train()
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(token_ids) - seq_len + 1, (batch_size,), generator=g)
        batch = torch.stack([token_ids[s : s + seq_len] for s in starts.tolist()])
        loss = hf(batch, labels=batch).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    hf.eval()
    return losses


@pytest.mark.points(4)
def test_fine_tune_matches_transformers(lab):
    """fine_tune gives the losses and weights of the same AdamW run on GPT2LMHeadModel, twice in a row (weight decay the second time)."""
    hf = hf_model(vocab=41, n_positions=16, n_embd=16, n_layer=2, n_head=2, seed=9, scale=0.5)
    m = student_model(lab, hf)
    corpus = randint(41, (300,), seed=17)
    runs = (dict(steps=4, batch_size=3, seq_len=7, lr=3e-3, seed=5), dict(steps=3, batch_size=2, seq_len=16, lr=1e-3, weight_decay=0.5, seed=6))
    for i, run in enumerate(runs):
        losses = lab.fine_tune(m, corpus, **run)
        expected = hf_fine_tune(hf, corpus, **run)
        check(isinstance(losses, list) and len(losses) == run["steps"], f"fine_tune should return a list of {run['steps']} losses")
        assert_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64), atol=1e-5, rtol=1e-5, what=f"the losses of call {i + 1}")
        state = m.state_dict()
        for key, value in our_layout(hf.state_dict()).items():
            if key.endswith("c_attn.bias"):  # the key bias: its exact gradient is 0, and Adam amplifies rounding noise
                keep = torch.ones(48, dtype=torch.bool)
                keep[16:32] = False
                state[key], value = state[key][keep], value[keep]
            assert_close(state[key], value, atol=5e-4, rtol=0, what=f"{key} after call {i + 1}")
    check(m.training is False, "fine_tune should leave the model in eval mode")


@pytest.mark.points(1)
def test_fine_tune_edge_cases(lab):
    """steps=0 changes nothing; seq_len equal to the corpus and to n_positions works; invalid arguments raise ValueError."""
    hf = hf_model(vocab=20, n_positions=8, n_embd=8, n_layer=1, n_head=2, seed=10)
    m = student_model(lab, hf)
    corpus = randint(20, (8,), seed=18)
    check(lab.fine_tune(model=m, token_ids=corpus, steps=0, batch_size=2, seq_len=4) == [], "steps=0 should return []")
    assert_close(m.state_dict()["wte.weight"], hf.transformer.wte.weight.detach(), atol=0, rtol=0, what="wte after steps=0")
    losses = lab.fine_tune(m, corpus, steps=2, batch_size=2, seq_len=8, lr=1e-3, seed=3)
    assert_close(torch.tensor(losses), torch.tensor(hf_fine_tune(hf, corpus, steps=2, batch_size=2, seq_len=8, seed=3)), atol=1e-5, rtol=1e-5, what="the losses with seq_len = len(token_ids) = n_positions")
    losses = lab.fine_tune(m, corpus, steps=2, batch_size=3, seq_len=4)
    assert_close(torch.tensor(losses), torch.tensor(hf_fine_tune(hf, corpus, steps=2, batch_size=3, seq_len=4)), atol=1e-5, rtol=1e-5, what="the losses with the default lr (1e-3) and seed (0)")
    losses = lab.fine_tune(m, corpus, steps=2, batch_size=1, seq_len=2, lr=1e-3, seed=2)
    assert_close(torch.tensor(losses), torch.tensor(hf_fine_tune(hf, corpus, steps=2, batch_size=1, seq_len=2, seed=2)), atol=1e-5, rtol=1e-5, what="the losses with batch_size=1, seq_len=2")
    longer = randint(20, (30,), seed=19)
    for kwargs in (dict(steps=-1, batch_size=2, seq_len=4), dict(steps=1, batch_size=0, seq_len=4), dict(steps=1, batch_size=2, seq_len=1),
                   dict(steps=1, batch_size=2, seq_len=9), ):
        with pytest.raises(ValueError):
            lab.fine_tune(m, longer, **kwargs)
            pytest.fail(f"no ValueError for {kwargs}")
    with pytest.raises(ValueError):
        lab.fine_tune(m, corpus[:5], steps=1, batch_size=2, seq_len=6)
        pytest.fail("no ValueError for seq_len > len(token_ids)")


CORPUS = "hello world, good day! "


@pytest.mark.points(3)
def test_fine_tuned_model_generates_the_corpus(lab):
    """After fine_tune on a small text (from GPT-2's own initialisation), the model predicts the text and greedy generate continues it."""
    chars = sorted(set(CORPUS))
    ids = torch.tensor([chars.index(c) for c in CORPUS * 8])
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(chars), n_positions=32, n_embd=32, n_layer=2, n_head=4, bos_token_id=None, eos_token_id=None)
    hf = GPT2LMHeadModel(config)
    m = lab.GPT(len(chars), 32, 32, 2, 4)
    m.load_state_dict(our_layout(hf.state_dict()))
    losses = lab.fine_tune(m, ids, steps=60, batch_size=8, seq_len=32, lr=1e-2, seed=0)
    check(losses[-1] < 0.3 * losses[0], "the loss should fall well below its starting value")
    window = ids[None, 40:72]
    accuracy = float((m(window)[0, :-1].argmax(-1) == window[0, 1:]).double().mean())
    check(accuracy >= 0.85, "the fine-tuned model should predict most next characters of the text")
    out = lab.generate(m, ids[None, 5:17], 8)
    check(out[0, 12:].tolist() == ids[17:25].tolist(), "the fine-tuned model should continue the text it was trained on")


# ---- logits processors ----------------------------------------------------------------------------


@pytest.mark.points(2)
def test_temperature_matches_transformers(lab):
    """apply_temperature equals TemperatureLogitsWarper for 0.5, 1, 3 and logits of size 1e3; temperature <= 0 raises ValueError."""
    ids = randint(30, (3, 4), seed=20)
    for temperature, logits in ((0.5, randn(3, 30, seed=21)), (1.0, randn(3, 30, seed=22)), (3.0, 1000 * randn(3, 30, seed=23)), (0.7, randn(2, 30, seed=24, dtype=torch.float64))):
        expected = TemperatureLogitsWarper(temperature)(ids[: len(logits)], logits.clone())
        out = lab.apply_temperature(logits, temperature)
        check(out.dtype == logits.dtype, "apply_temperature should keep the dtype")
        assert_close(out, expected, **F32, what=f"temperature {temperature}")
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError):
            lab.apply_temperature(randn(2, 5, seed=25), bad)
            pytest.fail(f"no ValueError for temperature {bad}")


@pytest.mark.points(2)
def test_top_k_matches_transformers(lab):
    """top_k_filter equals TopKLogitsWarper: k = 1, 5, vocab and beyond, logits of size 1e3, float64."""
    ids = randint(40, (4, 3), seed=26)
    cases = ((1, randn(4, 40, seed=27)), (5, randn(4, 40, seed=28)), (40, randn(4, 40, seed=29)), (100, randn(4, 40, seed=30)),
             (7, 1000 * randn(4, 40, seed=31)), (3, randn(4, 40, seed=32, dtype=torch.float64)))
    for k, logits in cases:
        expected = TopKLogitsWarper(k)(ids, logits.clone())
        same_filter(lab.top_k_filter(logits, k), expected, f"top_k={k}")


@pytest.mark.points(2)
def test_top_k_ties_options_and_errors(lab):
    """top_k_filter keeps every logit tied with the k-th, honours filter_value and min_tokens_to_keep; top_k < 1 raises ValueError."""
    logits = torch.tensor([[1.0, 3.0, 2.0, 3.0, 0.5, 2.0], [4.0, 4.0, 4.0, 1.0, 0.0, -1.0]])
    ids = torch.zeros(2, 1, dtype=torch.long)
    same_filter(lab.top_k_filter(logits, 3), TopKLogitsWarper(3)(ids, logits.clone()), "top_k=3 with ties at the third value")
    out = lab.top_k_filter(logits=logits, top_k=2, filter_value=-50.0)
    assert_close(out, TopKLogitsWarper(2, filter_value=-50.0)(ids, logits.clone()), atol=0, rtol=0, what="top_k=2 with filter_value=-50")
    x = randn(3, 20, seed=33)
    same_filter(lab.top_k_filter(x, 2, min_tokens_to_keep=6), TopKLogitsWarper(2, min_tokens_to_keep=6)(ids[:1].expand(3, 1), x.clone()), "top_k=2 with min_tokens_to_keep=6")
    same_filter(lab.top_k_filter(x, 9, min_tokens_to_keep=4), TopKLogitsWarper(9, min_tokens_to_keep=4)(ids[:1].expand(3, 1), x.clone()), "top_k=9 with min_tokens_to_keep=4")
    for k, keep in ((0, 1), (-2, 1), (3, 0)):
        with pytest.raises(ValueError):
            lab.top_k_filter(x, k, min_tokens_to_keep=keep)
            pytest.fail(f"no ValueError for top_k={k}, min_tokens_to_keep={keep}")


@pytest.mark.points(3)
def test_top_p_matches_transformers(lab):
    """top_p_filter equals TopPLogitsWarper for top_p from 0 to 1, logits of size 1e3 and float64."""
    ids = randint(50, (5, 3), seed=34)
    for top_p in (0.0, 0.3, 0.8, 0.95):
        logits = nucleus_logits(5, 50, top_p, seed=35)
        same_filter(lab.top_p_filter(logits, top_p), TopPLogitsWarper(top_p)(ids, logits.clone()), f"top_p={top_p}")
    logits = nucleus_logits(5, 50, 0.9, seed=36, scale=1000.0)
    same_filter(lab.top_p_filter(logits, 0.9), TopPLogitsWarper(0.9)(ids, logits.clone()), "top_p=0.9 with logits of size 1e3")
    logits = nucleus_logits(5, 50, 0.7, seed=37).double()
    same_filter(lab.top_p_filter(logits, 0.7), TopPLogitsWarper(0.7)(ids, logits.clone()), "top_p=0.7 in float64")


@pytest.mark.points(2)
def test_top_p_keeps_the_crossing_token(lab):
    """top_p keeps the token that crosses the threshold: probabilities 0.5, 0.3, 0.15, 0.05 with top_p=0.7 keep two tokens."""
    probs = torch.tensor([[0.15, 0.5, 0.05, 0.3], [0.3, 0.05, 0.15, 0.5]])
    logits = probs.log()
    out = lab.top_p_filter(logits, 0.7)
    kept = (~torch.isneginf(out)).tolist()
    check(kept == [[False, True, False, True], [True, False, False, True]], "with probabilities 0.5, 0.3, 0.15, 0.05 and top_p=0.7 the tokens of 0.5 and 0.3 should be kept")
    out = lab.top_p_filter(logits, 0.82)
    kept = (~torch.isneginf(out)).tolist()
    check(kept == [[True, True, False, True], [True, False, True, True]], "with top_p=0.82 the tokens of 0.5, 0.3 and 0.15 should be kept")


@pytest.mark.points(2)
def test_top_p_named_values_and_options(lab):
    """top_p=1 removes only zero-probability tokens, top_p=0 keeps min_tokens_to_keep; filter_value works; top_p outside [0, 1] raises."""
    logits = randn(3, 12, seed=38)
    logits[0, 3] = float("-inf")
    logits[1, 5] = -300.0  # probability exactly 0 in float32
    ids = torch.zeros(3, 1, dtype=torch.long)
    same_filter(lab.top_p_filter(logits, 1.0), TopPLogitsWarper(1.0)(ids, logits.clone()), "top_p=1.0")
    same_filter(lab.top_p_filter(logits, 0.0, min_tokens_to_keep=3), TopPLogitsWarper(0.0, min_tokens_to_keep=3)(ids, logits.clone()), "top_p=0 with min_tokens_to_keep=3")
    x = nucleus_logits(3, 12, 0.6, seed=39)
    expected = TopPLogitsWarper(0.6, filter_value=-7.0, min_tokens_to_keep=2)(ids, x.clone())
    assert_close(lab.top_p_filter(logits=x, top_p=0.6, filter_value=-7.0, min_tokens_to_keep=2), expected, **F32, what="top_p=0.6, filter_value=-7, min_tokens_to_keep=2")
    for p, keep in ((-0.1, 1), (1.5, 1), (0.5, 0)):
        with pytest.raises(ValueError):
            lab.top_p_filter(x, p, min_tokens_to_keep=keep)
            pytest.fail(f"no ValueError for top_p={p}, min_tokens_to_keep={keep}")


@pytest.mark.points(3)
def test_repetition_penalty_matches_transformers(lab):
    """apply_repetition_penalty equals RepetitionPenaltyLogitsProcessor: negative logits multiplied, positive divided, once per id, per row."""
    logits = 3 * randn(3, 25, seed=40)
    ids = torch.tensor([[1, 4, 4, 4, 7, 1], [0, 24, 13, 13, 2, 9], [5, 5, 5, 5, 5, 5]])
    for penalty in (1.5, 0.6, 1.0):
        expected = RepetitionPenaltyLogitsProcessor(penalty)(ids, logits.clone())
        assert_close(lab.apply_repetition_penalty(logits, ids, penalty), expected, **F32, what=f"penalty {penalty}")
    big = 1000 * randn(3, 25, seed=41, dtype=torch.float64)
    expected = RepetitionPenaltyLogitsProcessor(2.0)(ids, big.clone())
    assert_close(lab.apply_repetition_penalty(big, ids, 2.0), expected, atol=1e-9, rtol=1e-12, what="penalty 2 on float64 logits of size 1e3")
    small = torch.tensor([[-0.5, 0.0, 0.5, -2.0, 0.25]])
    out = lab.apply_repetition_penalty(small, torch.tensor([[0, 1, 2, 3]]), 3.0)
    assert_close(out, torch.tensor([[-1.5, 0.0, 0.5 / 3, -6.0, 0.25]]), atol=1e-7, rtol=0, what="penalty 3 on logits -0.5, 0, 0.5, -2 (0 stays 0)")
    empty = lab.apply_repetition_penalty(logits, torch.zeros(3, 0, dtype=torch.long), 1.5)
    assert_close(empty, logits, atol=0, rtol=0, what="no tokens so far (nothing changes)")
    for bad in (0.0, -1.2):
        with pytest.raises(ValueError):
            lab.apply_repetition_penalty(logits, ids, bad)
            pytest.fail(f"no ValueError for penalty {bad}")


PIPELINES = [
    pytest.param(dict(temperature=0.5, top_p=0.6), id="temperature_top_p"),
    pytest.param(dict(temperature=2.5, top_p=0.6), id="hot_top_p"),
    pytest.param(dict(temperature=0.7, top_k=6), id="temperature_top_k"),
    pytest.param(dict(top_k=10, top_p=0.5), id="top_k_top_p"),
    pytest.param(dict(repetition_penalty=1.8, top_k=3), id="penalty_top_k"),
    pytest.param(dict(repetition_penalty=1.8, temperature=0.6, top_p=0.9), id="penalty_temperature_top_p"),
    pytest.param(dict(temperature=1.3, top_p=1.0), id="top_p_one_is_off"),
    pytest.param(dict(repetition_penalty=0.7, temperature=2.0, top_p=0.8), id="encouraging_penalty_top_p"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("options", PIPELINES)
def test_process_logits_matches_transformers(lab, options):
    """process_logits applies the repetition penalty, temperature, top-k and top-p in generate's order, like its processors."""
    ids = randint(40, (4, 6), seed=42)
    logits = 2 * randn(4, 40, seed=43)
    logits[2, 7] = -300.0  # probability 0: only a top-p filter at 1.0 would remove it
    for attempt in range(50):
        expected = hf_process(logits, ids, **options)
        p = options.get("top_p")
        if p is None or p == 1.0 or far_from_threshold(hf_process(logits, ids, **{k: v for k, v in options.items() if k != "top_p"}), p):
            break
        logits = 2 * randn(4, 40, seed=100 + attempt)
    same_filter(lab.process_logits(logits=logits, input_ids=ids, **options), expected, f"process_logits with {options}")


@pytest.mark.points(1)
def test_process_logits_invalid_options(lab):
    """process_logits works with its defaults (no change) and raises ValueError for each invalid option."""
    ids = randint(10, (2, 3), seed=60)
    logits = randn(2, 10, seed=61)
    assert_close(lab.process_logits(logits, ids), logits, **F32, what="process_logits with the defaults")
    for options in (dict(top_p=1.2), dict(top_p=-0.1), dict(top_k=0), dict(temperature=0.0), dict(repetition_penalty=0.0)):
        with pytest.raises(ValueError):
            lab.process_logits(logits, ids, **options)
            pytest.fail(f"no ValueError for {options}")


# ---- generation -----------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_greedy_matches_transformers(lab):
    """Greedy generate gives GPT2LMHeadModel.generate's tokens, with and without a repetition penalty, prompts of 1 and 6 tokens."""
    hf = hf_model(vocab=61, n_positions=40, seed=11)
    m = student_model(lab, hf)
    for prompt, new, penalty in ((randint(61, (3, 6), seed=44), 20, 1.0), (randint(61, (2, 1), seed=45), 12, 1.0),
                                 (randint(61, (3, 6), seed=46), 25, 1.6), (randint(61, (2, 4), seed=47), 15, 0.8)):
        expected = hf_generate(hf, prompt, new, do_sample=False, repetition_penalty=penalty)
        out = lab.generate(m, prompt, new, repetition_penalty=penalty)
        check(torch.is_tensor(out) and out.dtype == torch.long and tuple(out.shape) == tuple(expected.shape), "generate should return a long tensor (batch, prompt_len + max_new_tokens)")
        check(torch.equal(out, expected), f"greedy tokens differ from transformers' (prompt length {prompt.shape[1]}, repetition_penalty {penalty})")


@pytest.mark.points(2)
def test_greedy_ignores_sampling_options(lab):
    """With do_sample=False, temperature (even 0), top_k and top_p are ignored."""
    hf = hf_model(vocab=61, n_positions=40, seed=12)
    m = student_model(lab, hf)
    prompt = randint(61, (2, 5), seed=48)
    expected = hf_generate(hf, prompt, 10, do_sample=False)
    out = lab.generate(m, prompt, 10, do_sample=False, temperature=0.0, top_k=0, top_p=3.0)
    check(torch.equal(out, expected), "greedy search should ignore temperature=0, top_k=0 and top_p=3")
    out = lab.generate(m, prompt, 10, temperature=0.05, top_k=2, top_p=0.1)
    check(torch.equal(out, expected), "greedy search should ignore temperature, top_k and top_p")


@pytest.mark.points(2)
def test_generate_lengths_and_errors(lab):
    """max_new_tokens=0 returns the prompt; filling n_positions works; longer, negative or empty requests and bad options raise ValueError."""
    hf = hf_model(vocab=30, n_positions=12, n_embd=16, n_head=2, seed=13)
    m = student_model(lab, hf)
    prompt = randint(30, (2, 4), seed=49)
    out = lab.generate(model=m, input_ids=prompt, max_new_tokens=0)
    check(torch.equal(out, prompt), "max_new_tokens=0 should return the prompt")
    out = lab.generate(m, prompt, 8, do_sample=True, seed=1)
    check(tuple(out.shape) == (2, 12) and torch.equal(out[:, :4], prompt), "generating up to n_positions tokens should work and start with the prompt")
    bad = [
        ((prompt, 9), {}), ((prompt, -1), {}), ((prompt[:, :0], 3), {}),
        ((prompt, 3), dict(repetition_penalty=0.0)),
        ((prompt, 3), dict(do_sample=True, temperature=0.0)),
        ((prompt, 3), dict(do_sample=True, temperature=-1.0)),
        ((prompt, 3), dict(do_sample=True, top_k=0)),
        ((prompt, 3), dict(do_sample=True, top_p=1.2)),
        ((prompt, 3), dict(do_sample=True, top_p=-0.2)),
    ]
    for args, kwargs in bad:
        with pytest.raises(ValueError):
            lab.generate(m, *args, **kwargs)
            pytest.fail(f"no ValueError for max_new_tokens={args[1]}, prompt length {args[0].shape[1]}, {kwargs}")


SAMPLING = [
    pytest.param(dict(), id="plain", marks=pytest.mark.points(2)),
    pytest.param(dict(temperature=0.7, top_k=12), id="temperature_top_k", marks=pytest.mark.points(2)),
    pytest.param(dict(temperature=1.5, top_p=0.8), id="temperature_top_p", marks=pytest.mark.points(2)),
    pytest.param(dict(top_k=20, top_p=0.9, repetition_penalty=1.3), id="all_filters_penalty", marks=pytest.mark.points(2)),
]


@pytest.mark.parametrize("options", SAMPLING)
def test_seeded_sampling_matches_transformers(lab, options):
    """generate(do_sample=True, seed=s) draws the tokens transformers draws after torch.manual_seed(s)."""
    hf = hf_model(vocab=61, n_positions=40, seed=14, scale=0.7)
    m = student_model(lab, hf)
    prompt = randint(61, (4, 5), seed=50)
    for seed in (3, 11):
        expected = hf_generate(hf, prompt, 24, seed=seed, do_sample=True, **options)
        out = lab.generate(m, prompt, 24, do_sample=True, seed=seed, **options)
        check(torch.equal(out, expected), f"sampled tokens differ from transformers' with seed {seed} and {options or 'no options'}")


@pytest.mark.points(2)
def test_sampling_seed_none_uses_global_rng_and_seed_is_per_call(lab):
    """seed=None draws from torch's global generator; the same seed twice gives the same tokens, other seeds others."""
    hf = hf_model(vocab=61, n_positions=40, seed=15, scale=0.5)
    m = student_model(lab, hf)
    prompt = randint(61, (3, 4), seed=51)
    lab.manual_seed(21)
    out = lab.generate(m, prompt, 16, do_sample=True, top_k=30)
    check(torch.equal(out, hf_generate(hf, prompt, 16, seed=21, do_sample=True, top_k=30)), "with seed=None, generate should sample from torch's global random state (seeded with torch.manual_seed)")
    first = lab.generate(m, prompt, 16, do_sample=True, seed=4)
    again = lab.generate(m, prompt, 16, do_sample=True, seed=4)
    other = lab.generate(m, prompt, 16, do_sample=True, seed=5)
    check(torch.equal(first, again), "the same seed should give the same tokens on every call")
    check(not torch.equal(first, other), "different seeds should give different tokens")


@pytest.mark.points(2)
def test_sampling_frequencies(lab):
    """Each of 4000 identical rows draws its own token: the frequencies match softmax of the processed logits."""
    hf = hf_model(vocab=25, n_positions=8, n_embd=16, n_head=2, seed=16, scale=0.6)
    m = student_model(lab, hf)
    prompt = torch.tensor([[3, 1, 4]]).expand(4000, 3).contiguous()
    out = lab.generate(m, prompt, 1, do_sample=True, temperature=1.7, top_k=8, repetition_penalty=2.0, seed=9)
    with torch.no_grad():
        logits = hf(prompt[:1]).logits[:, -1]
    probs = hf_process(logits, prompt[:1], temperature=1.7, top_k=8, repetition_penalty=2.0).softmax(-1)[0]
    freq = torch.bincount(out[:, 3], minlength=25).double() / 4000
    check(float((freq - probs.double()).abs().max()) < 0.035, "the sampling frequencies do not match the processed probabilities")
    check(int((freq > 0).sum()) <= 8, "top_k=8 should allow at most 8 different tokens")


@pytest.mark.points(2)
def test_sampling_named_values_equal_greedy(lab):
    """Sampling with top_k=1, with top_p=0 or with a tiny temperature gives the greedy tokens."""
    hf = hf_model(vocab=61, n_positions=40, seed=17)
    m = student_model(lab, hf)
    prompt = randint(61, (3, 5), seed=52)
    greedy = hf_generate(hf, prompt, 15, do_sample=False, repetition_penalty=1.2)
    for options in (dict(top_k=1), dict(top_p=0.0), dict(temperature=1e-4, top_k=50)):
        out = lab.generate(m, prompt, 15, do_sample=True, seed=8, repetition_penalty=1.2, **options)
        check(torch.equal(out, greedy), f"sampling with {options} should give the greedy tokens")


@pytest.mark.points(2)
def test_generate_with_weights(lab):
    """generate_with_weights reads the sizes from a GPT state_dict and equals greedy generation by transformers."""
    hf = hf_model(vocab=53, n_positions=30, n_embd=24, n_layer=3, n_head=3, eps=1e-3, seed=18)
    params = our_layout(hf.state_dict())
    prompt = randint(53, (2, 6), seed=53)
    out = lab.generate_with_weights(params, 3, prompt, 14, layer_norm_epsilon=1e-3, repetition_penalty=1.4)
    check(torch.equal(out, hf_generate(hf, prompt, 14, do_sample=False, repetition_penalty=1.4)), "generate_with_weights should give transformers' greedy tokens")
    hf = hf_model(vocab=31, n_positions=12, n_embd=16, n_layer=1, n_head=4, seed=19)
    prompt = randint(31, (1, 3), seed=54)
    out = lab.generate_with_weights(params=our_layout(hf.state_dict()), n_head=4, input_ids=prompt, max_new_tokens=9)
    check(torch.equal(out, hf_generate(hf, prompt, 9, do_sample=False)), "generate_with_weights (one layer, default options) should give transformers' greedy tokens")
    with pytest.raises(ValueError):
        lab.generate_with_weights(our_layout(hf.state_dict()), 4, prompt, 10)
        pytest.fail("no ValueError beyond n_positions")
