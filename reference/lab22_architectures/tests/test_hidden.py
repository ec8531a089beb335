"""Hidden tests for lab 22 (architectures: counts, Llama's pieces, MoE routing, BM25 RAG).

Oracles:

* counts: the ``transformers`` models themselves, instantiated on the meta
  device (``with torch.device("meta"): Model(config)``), counting
  ``sum(p.numel() for p in model.parameters())``; memory: the same models
  built in a dtype, and a real AdamW step on a tiny model for training;
* RoPE, RMSNorm, SwiGLU, ``repeat_kv`` and the decoder layer:
  ``transformers.models.llama.modeling_llama`` (``LlamaRotaryEmbedding``,
  ``apply_rotary_pos_emb``, ``rotate_half``, ``LlamaRMSNorm``, ``LlamaMLP``,
  ``repeat_kv``, ``LlamaDecoderLayer`` with the eager attention and copied
  weights); SiLU: ``torch.nn.functional.silu``;
* MoE: softmax + ``torch.topk`` on tie-free logits, hand-made ties, and
  ``load_balancing_loss_func`` of the Mixtral modeling module;
* BM25, packing and citations: the formulas written out here on small
  corpora.

Every model is tiny or on the meta device: the suite runs in seconds.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertModel,
    GPT2Config,
    GPT2LMHeadModel,
    LlamaConfig,
    LlamaForCausalLM,
    T5Config,
    T5ForConditionalGeneration,
)
from transformers.models.llama import modeling_llama as hf_llama
from transformers.models.mixtral.modeling_mixtral import load_balancing_loss_func

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

F32 = dict(atol=1e-5, rtol=1e-5)


def meta_count(cls, config, **kwargs) -> int:
    with torch.device("meta"):
        model = cls(config, **kwargs)
    return sum(p.numel() for p in model.parameters())


def llama_config(**kwargs) -> LlamaConfig:
    theta = kwargs.pop("rope_theta", 10000.0)
    base = dict(vocab_size=50, hidden_size=32, intermediate_size=44, num_hidden_layers=1, num_attention_heads=4,
                num_key_value_heads=2, rms_norm_eps=1e-6, rope_parameters={"rope_type": "default", "rope_theta": theta})
    config = LlamaConfig(**{**base, **kwargs})
    config._attn_implementation = "eager"
    return config


# ---- 1. counting -------------------------------------------------------------------------------------------

GPT2_CASES = {
    "tied": dict(vocab_size=101, n_positions=17, n_embd=24, n_layer=2, n_head=4),
    "untied": dict(vocab_size=101, n_positions=19, n_embd=24, n_layer=2, n_head=4, tie_word_embeddings=False),
    "n_inner_not_4x": dict(vocab_size=77, n_positions=13, n_embd=16, n_layer=3, n_head=2, n_inner=37),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in GPT2_CASES])
def test_gpt2_num_parameters(lab, case):
    """gpt2_num_parameters equals GPT2LMHeadModel's count (tied head once, untied head, n_inner not 4*n_embd)."""
    config = GPT2Config(**GPT2_CASES[case], bos_token_id=0, eos_token_id=0)
    got = lab.gpt2_num_parameters(config.to_dict())
    check(type(got) is int, "gpt2_num_parameters should return a Python int")
    check(got == meta_count(GPT2LMHeadModel, config), f"{case}: the count differs from GPT2LMHeadModel's parameters")


BERT_CASES = {
    "pooler": (dict(vocab_size=99, hidden_size=24, num_hidden_layers=2, num_attention_heads=4, intermediate_size=40,
                    max_position_embeddings=35), True),
    "no_pooler_three_types": (dict(vocab_size=91, hidden_size=18, num_hidden_layers=3, num_attention_heads=2,
                                   intermediate_size=50, max_position_embeddings=22, type_vocab_size=3), False),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in BERT_CASES])
def test_bert_num_parameters(lab, case):
    """bert_num_parameters equals BertModel's count, with and without the pooler."""
    fields, pooler = BERT_CASES[case]
    config = BertConfig(**fields)
    got = lab.bert_num_parameters(config.to_dict(), add_pooling_layer=pooler)
    check(type(got) is int, "bert_num_parameters should return a Python int")
    check(got == meta_count(BertModel, config, add_pooling_layer=pooler),
          f"{case}: the count differs from BertModel(config, add_pooling_layer={pooler})'s parameters")
    if pooler:
        without = lab.bert_num_parameters(config.to_dict(), add_pooling_layer=False)
        check(without == meta_count(BertModel, config, add_pooling_layer=False), "add_pooling_layer=False: wrong count")
        check(lab.bert_num_parameters(config.to_dict()) == got, "the pooler is counted by default")


T5_CASES = {
    "relu": dict(vocab_size=97, d_model=21, d_kv=6, d_ff=40, num_layers=2, num_heads=4, relative_attention_num_buckets=8),
    "gated_deeper_decoder": dict(vocab_size=83, d_model=16, d_kv=5, d_ff=36, num_layers=2, num_decoder_layers=3,
                                 num_heads=3, relative_attention_num_buckets=11, feed_forward_proj="gated-gelu"),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in T5_CASES])
def test_t5_num_parameters(lab, case):
    """t5_num_parameters equals T5ForConditionalGeneration's count (shared embedding once, relative bias, gated FF)."""
    config = T5Config(**T5_CASES[case])
    got = lab.t5_num_parameters(config.to_dict())
    check(type(got) is int, "t5_num_parameters should return a Python int")
    check(got == meta_count(T5ForConditionalGeneration, config), f"{case}: the count differs from T5ForConditionalGeneration's")


LLAMA_CASES = {
    "untied_gqa": dict(vocab_size=93, num_hidden_layers=2),
    "tied": dict(vocab_size=93, num_hidden_layers=2, tie_word_embeddings=True),
    "one_kv_head": dict(vocab_size=61, num_hidden_layers=3, num_key_value_heads=1, intermediate_size=70),
    "biases_and_head_dim": dict(vocab_size=71, num_hidden_layers=2, attention_bias=True, mlp_bias=True, head_dim=10),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in LLAMA_CASES])
def test_llama_num_parameters(lab, case):
    """llama_num_parameters equals LlamaForCausalLM's count (GQA, tied/untied head, biases, head_dim)."""
    config = llama_config(**LLAMA_CASES[case])
    got = lab.llama_num_parameters(config.to_dict())
    check(type(got) is int, "llama_num_parameters should return a Python int")
    check(got == meta_count(LlamaForCausalLM, config), f"{case}: the count differs from LlamaForCausalLM's parameters")


@pytest.mark.points(2)
def test_parameter_bytes(lab):
    """parameter_bytes is the count times the bytes per element of the dtype, as a model built in that dtype."""
    config = llama_config()
    n = lab.llama_num_parameters(config.to_dict())
    for name, dtype in [("float32", torch.float32), ("float16", torch.float16), ("bfloat16", torch.bfloat16),
                        ("float64", torch.float64)]:
        with torch.device("meta"):
            model = LlamaForCausalLM(config).to(dtype)
        expected = sum(p.numel() * p.element_size() for p in model.parameters())
        got = lab.parameter_bytes(n, name)
        check(type(got) is int and got == expected, f"parameter_bytes(n, {name!r}) differs from the model's bytes in {name}")
    check(lab.parameter_bytes(1000, "int8") == 1000, "int8 takes one byte per parameter")
    check(lab.parameter_bytes(0, "float32") == 0, "no parameters take no bytes")
    for args in [(10, "float8"), (10, "fp32"), (-1, "float32")]:
        with pytest.raises(ValueError):
            lab.parameter_bytes(*args)


@pytest.mark.points(2)
def test_training_bytes(lab):
    """training_bytes: weights + gradients + AdamW's two float32 states (+ a float32 master copy in mixed precision)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(7, 5), torch.nn.Linear(5, 3))
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.randn(2, 7)).sum().backward()
    optimizer.step()
    n = sum(p.numel() for p in model.parameters())
    real = sum(p.numel() * p.element_size() + p.grad.numel() * p.grad.element_size() for p in model.parameters())
    real += sum(v.numel() * v.element_size() for state in optimizer.state.values() for key, v in state.items() if key != "step")
    got = lab.training_bytes(n)
    check(type(got) is int and got == real, "training_bytes(n) (float32) differs from a real AdamW run's parameters + gradients + states")
    check(lab.training_bytes(n, "".join(["float", "32"])) == real, "training_bytes(n, 'float32') differs from the default")
    for name in ("float16", "bfloat16"):
        check(lab.training_bytes(1000, name) == 1000 * (2 + 2 + 4 + 4 + 4), f"{name}: expected 2+2 bytes (weight, grad) + 8 (AdamW) + 4 (master)")
    check(lab.training_bytes(0) == 0, "no parameters take no bytes")
    for args in [(10, "float64"), (10, "int8"), (-5, "float32"), (-1, "float32")]:
        with pytest.raises(ValueError):
            lab.training_bytes(*args)


# ---- 2. RoPE -----------------------------------------------------------------------------------------------

ROPE_CASES = {
    "default_theta": (8, 10000.0, torch.arange(6)[None].expand(2, 6)),
    "theta_500_offsets": (8, 500.0, torch.tensor([[3, 4, 5, 6, 7], [0, 9, 2, 11, 1]])),
    "large_positions": (16, 1e6, torch.tensor([[0, 1, 511, 1023, 4000]])),
}


@pytest.mark.parametrize("case", [pytest.param("default_theta", marks=pytest.mark.points(2)),
                                  pytest.param("theta_500_offsets", marks=pytest.mark.points(2)),
                                  pytest.param("large_positions", marks=pytest.mark.points(1))])
def test_rope_cos_sin_matches_llama(lab, case):
    """rope_cos_sin equals LlamaRotaryEmbedding's (cos, sin) for the given positions and rope_theta."""
    head_dim, theta, positions = ROPE_CASES[case]
    config = llama_config(hidden_size=4 * head_dim, rope_theta=theta)
    cos, sin = hf_llama.LlamaRotaryEmbedding(config)(torch.zeros(1, dtype=torch.float32), positions)
    got_cos, got_sin = lab.rope_cos_sin(positions, head_dim, theta)
    tol = dict(atol=2e-4, rtol=1e-5) if case == "large_positions" else F32  # float32 angles in the thousands
    assert_close(got_cos, cos, **tol, what=f"cos ({case})")
    assert_close(got_sin, sin, **tol, what=f"sin ({case})")


@pytest.mark.points(1)
def test_rope_cos_sin_shapes_and_errors(lab):
    """rope_cos_sin: 1-D positions give (seq, head_dim), the default theta is 10000; odd or zero head_dim is an error."""
    positions = torch.tensor([2, 0, 5, 3000])
    cos, sin = lab.rope_cos_sin(positions, 6)
    config = llama_config(hidden_size=24)
    ref_cos, ref_sin = hf_llama.LlamaRotaryEmbedding(config)(torch.zeros(1), positions[None])
    assert_close(cos, ref_cos[0], atol=1e-4, rtol=1e-5, what="cos for 1-D positions with the default theta")
    assert_close(sin, ref_sin[0], atol=1e-4, rtol=1e-5, what="sin for 1-D positions with the default theta")
    for head_dim in (7, 0, -2):
        with pytest.raises(ValueError):
            lab.rope_cos_sin(positions, head_dim)


@pytest.mark.points(1)
def test_rotate_half(lab):
    """rotate_half equals transformers' (cat(-x2, x1)), float32 and float64."""
    g = torch.Generator().manual_seed(1)
    for dtype in (torch.float32, torch.float64):
        x = torch.randn(2, 3, 4, 8, generator=g, dtype=dtype)
        assert_close(lab.rotate_half(x), hf_llama.rotate_half(x), atol=0, rtol=0, what=f"rotate_half ({dtype})")


@pytest.mark.points(3)
def test_apply_rope_matches_llama(lab):
    """apply_rope equals apply_rotary_pos_emb, and rotated q.k depends only on the distance of the positions."""
    g = torch.Generator().manual_seed(2)
    config = llama_config(rope_theta=100.0)
    positions = torch.tensor([[0, 1, 2, 3, 4], [7, 3, 9, 1, 0]])
    cos, sin = hf_llama.LlamaRotaryEmbedding(config)(torch.zeros(1), positions)
    q, k = torch.randn(2, 4, 5, 8, generator=g), torch.randn(2, 2, 5, 8, generator=g)
    ref_q, ref_k = hf_llama.apply_rotary_pos_emb(q, k, cos, sin)
    assert_close(lab.apply_rope(q, cos, sin), ref_q, **F32, what="rotated queries")
    assert_close(lab.apply_rope(k, cos, sin), ref_k, **F32, what="rotated keys")
    # relative positions: the same q, k at positions (m, n) and (m + 5, n + 5) give the same dot product
    one_q, one_k = torch.randn(1, 1, 1, 8, generator=g, dtype=torch.float64), torch.randn(1, 1, 1, 8, generator=g, dtype=torch.float64)
    dots = []
    for shift in (0, 5):
        c, s = hf_llama.LlamaRotaryEmbedding(config)(torch.zeros(1), torch.tensor([[2 + shift, 6 + shift]]))
        c, s = c.double(), s.double()
        rq = lab.apply_rope(one_q, c[:, :1], s[:, :1])
        rk = lab.apply_rope(one_k, c[:, 1:], s[:, 1:])
        dots.append(float((rq * rk).sum()))
    check(abs(dots[0] - dots[1]) < 1e-4, "after RoPE, q.k should depend only on the distance between the positions")


# ---- 3. SiLU, SwiGLU, RMSNorm ------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_silu(lab):
    """silu equals F.silu (float32 and float64, magnitudes up to 1e4, finite) and has the right gradient."""
    x = torch.tensor([-1e4, -80.0, -3.0, -0.5, 0.0, 0.25, 2.0, 50.0, 1e4])
    got = lab.silu(x)
    check(bool(torch.isfinite(got).all()), "silu should be finite for large |x|")
    assert_close(got, F.silu(x), **F32, what="silu (float32)")
    x64 = torch.linspace(-6, 6, 25, dtype=torch.float64)
    result = lab.vjp(lab.silu, x64, grad_output=torch.linspace(1, 2, 25, dtype=torch.float64))
    ref = x64.clone().requires_grad_(True)
    F.silu(ref).backward(torch.linspace(1, 2, 25, dtype=torch.float64))
    assert_close(result.output, F.silu(x64), atol=1e-12, rtol=1e-12, what="silu (float64)")
    assert_close(result.grads[0], ref.grad, atol=1e-10, rtol=1e-10, what="the gradient of silu")


@pytest.mark.points(2)
def test_swiglu_matches_llama_mlp(lab):
    """swiglu equals LlamaMLP with the same weights (SiLU on the gate projection, intermediate not 4*hidden)."""
    torch.manual_seed(3)
    mlp = hf_llama.LlamaMLP(llama_config(intermediate_size=44))
    x = torch.randn(2, 5, 32)
    with torch.no_grad():
        expected = mlp(x)
    got = lab.swiglu(x, mlp.gate_proj.weight.detach(), mlp.up_proj.weight.detach(), mlp.down_proj.weight.detach())
    assert_close(got, expected, **F32, what="swiglu")


def rms_oracle(x, weight, eps):
    return F.rms_norm(x, (x.shape[-1],), weight, eps)


@pytest.mark.points(3)
def test_rms_norm(lab):
    """rms_norm equals LlamaRMSNorm / F.rms_norm: no mean subtracted, eps inside the sqrt, float64 kept, gradients."""
    g = torch.Generator().manual_seed(4)
    norm = hf_llama.LlamaRMSNorm(16, eps=1e-6)
    with torch.no_grad():
        norm.weight.copy_(1 + 0.3 * torch.randn(16, generator=g))
    x = torch.randn(3, 4, 16, generator=g) + 5.0  # a large mean: subtracting it changes everything
    with torch.no_grad():
        assert_close(lab.rms_norm(x, norm.weight.detach(), 1e-6), norm(x), **F32, what="rms_norm against LlamaRMSNorm")
    x64 = torch.randn(5, 8, generator=g, dtype=torch.float64) * 0.5
    w64 = 1 + 0.2 * torch.randn(8, generator=g, dtype=torch.float64)
    for eps in (1.0, 0.25):
        assert_close(lab.rms_norm(x64, w64, eps), rms_oracle(x64, w64, eps), atol=1e-12, rtol=1e-10,
                     what=f"rms_norm in float64 with eps={eps} (eps inside the square root)")
    assert_close(lab.rms_norm(x64, w64), rms_oracle(x64, w64, 1e-6), atol=1e-12, rtol=1e-10, what="rms_norm with the default eps")
    grad_out = torch.randn(5, 8, generator=g, dtype=torch.float64)
    result = lab.vjp(lab.rms_norm, x64, w64, 0.1, grad_output=grad_out, wrt=(0, 1))
    rx, rw = x64.clone().requires_grad_(True), w64.clone().requires_grad_(True)
    rms_oracle(rx, rw, 0.1).backward(grad_out)
    assert_close(result.grads[0], rx.grad, atol=1e-10, rtol=1e-8, what="the gradient with respect to x")
    assert_close(result.grads[1], rw.grad, atol=1e-10, rtol=1e-8, what="the gradient with respect to weight")


# ---- 4. GQA ------------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_repeat_kv(lab):
    """repeat_kv equals transformers' (each head repeated in place: k0 k0 k1 k1), n_rep=1 unchanged, n_rep<1 rejected."""
    g = torch.Generator().manual_seed(5)
    x = torch.randn(2, 3, 4, 6, generator=g)
    for n_rep in (1, 2, 3):
        assert_close(lab.repeat_kv(x, n_rep), hf_llama.repeat_kv(x, n_rep), atol=0, rtol=0, what=f"repeat_kv with n_rep={n_rep}")
    for n_rep in (0, -1):
        with pytest.raises(ValueError):
            lab.repeat_kv(x, n_rep)


def attention_oracle(q, k, v):
    n_rep = q.shape[1] // k.shape[1]
    return F.scaled_dot_product_attention(q, hf_llama.repeat_kv(k, n_rep), hf_llama.repeat_kv(v, n_rep), is_causal=True)


@pytest.mark.points(3)
def test_gqa_attention(lab):
    """gqa_attention equals causal attention over repeat_kv'd keys and values (4/2, 6/3, 4/1 and 2/2 heads)."""
    g = torch.Generator().manual_seed(6)
    for heads, kv_heads, seq in [(4, 2, 5), (6, 3, 4), (4, 1, 6), (2, 2, 3)]:
        q = torch.randn(2, heads, seq, 8, generator=g)
        k, v = torch.randn(2, kv_heads, seq, 8, generator=g), torch.randn(2, kv_heads, seq, 8, generator=g)
        assert_close(lab.gqa_attention(q, k, v), attention_oracle(q, k, v), **F32,
                     what=f"attention with {heads} query heads and {kv_heads} key/value heads")
    with pytest.raises(ValueError):
        lab.gqa_attention(torch.randn(1, 4, 3, 8), torch.randn(1, 3, 3, 8), torch.randn(1, 3, 3, 8))


@pytest.mark.points(1)
def test_gqa_attention_is_causal(lab):
    """gqa_attention: changing the last position's keys and values leaves every earlier output unchanged."""
    g = torch.Generator().manual_seed(7)
    q, k, v = torch.randn(1, 2, 6, 4, generator=g), torch.randn(1, 1, 6, 4, generator=g), torch.randn(1, 1, 6, 4, generator=g)
    k2, v2 = k.clone(), v.clone()
    k2[:, :, -1] += 10.0
    v2[:, :, -1] -= 10.0
    a, b = lab.gqa_attention(q, k, v), lab.gqa_attention(q, k2, v2)
    assert_close(a[:, :, :-1], b[:, :, :-1], atol=1e-6, rtol=1e-6, what="outputs before the changed position")
    check(float((a[:, :, -1] - b[:, :, -1]).abs().max()) > 1e-2, "the last position should attend to itself")


# ---- 5. the decoder layer ----------------------------------------------------------------------------------

LAYER_CASES = {
    "gqa": (dict(num_attention_heads=4, num_key_value_heads=2), {}, "2d"),
    "mha_theta_eps": (dict(num_attention_heads=4, num_key_value_heads=4, rope_theta=500.0, rms_norm_eps=1e-2,
                           intermediate_size=20),
                      dict(rope_theta=500.0, rms_norm_eps=1e-2), "2d"),
    "mqa_head_dim": (dict(num_attention_heads=2, num_key_value_heads=1, head_dim=12, intermediate_size=40), dict(head_dim=12), "1d"),
}


def random_llama_layer(config, seed):
    torch.manual_seed(seed)
    layer = hf_llama.LlamaDecoderLayer(config, layer_idx=0).eval()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in layer.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            p.copy_(1 + 0.2 * noise if "norm" in name else 0.3 * noise)
    return layer


def run_llama_layer(layer, config, x, positions):
    seq = x.shape[1]
    positions = positions.expand(x.shape[0], seq)
    cos, sin = hf_llama.LlamaRotaryEmbedding(config)(x, positions)
    mask = torch.full((seq, seq), float("-inf")).triu(1)[None, None]
    with torch.no_grad():
        return layer(x, attention_mask=mask, position_ids=positions, position_embeddings=(cos, sin))


@pytest.mark.points(1)
def test_decoder_layer_structure(lab):
    """LlamaDecoderLayer has LlamaDecoderLayer's state_dict keys and shapes, RMSNorm weights start at one; bad heads rejected."""
    config = llama_config()
    ref = hf_llama.LlamaDecoderLayer(config, layer_idx=0)
    layer = lab.LlamaDecoderLayer(32, 4, 2, 44)
    params = {name: tuple(p.shape) for name, p in layer.named_parameters()}
    check(params == {name: tuple(p.shape) for name, p in ref.named_parameters()},
          "parameter names or shapes differ from transformers' LlamaDecoderLayer (self_attn.q_proj.weight, mlp.gate_proj.weight, input_layernorm.weight, ...)")
    for name, p in layer.named_parameters():
        if "layernorm" in name:
            check(bool((p == 1).all()), f"{name} should be initialised to ones")
    with pytest.raises(ValueError):
        lab.LlamaDecoderLayer(32, 4, 3, 44)


@pytest.mark.points(2)
def test_llama_modules_with_defaults(lab):
    """RMSNorm, LlamaMLP and LlamaAttention alone, with default eps, head_dim and rope_theta, equal transformers'."""
    config = llama_config()
    ref = random_llama_layer(config, seed=12)
    x = torch.randn(2, 6, 32, generator=torch.Generator().manual_seed(13))
    norm = lab.RMSNorm(32)
    norm.load_state_dict({"weight": ref.input_layernorm.weight.detach().clone()})
    with torch.no_grad():
        expected = ref.input_layernorm(x)
    assert_close(norm(x * 1e-3), ref.input_layernorm(x * 1e-3).detach(), **F32, what="RMSNorm with the default eps on small inputs")
    assert_close(norm(x), expected, **F32, what="RMSNorm with the default eps")
    mlp = lab.LlamaMLP(32, 44)
    mlp.load_state_dict({k: v.detach().clone() for k, v in ref.mlp.state_dict().items()})
    with torch.no_grad():
        assert_close(mlp(x), ref.mlp(x), **F32, what="LlamaMLP")
    attention = lab.LlamaAttention(32, 4, 2)
    attention.load_state_dict({k: v.detach().clone() for k, v in ref.self_attn.state_dict().items()})
    positions = torch.tensor([[0, 1, 2, 3, 4, 5], [500, 501, 502, 503, 504, 505]])
    cos, sin = hf_llama.LlamaRotaryEmbedding(config)(x, positions)
    mask = torch.full((6, 6), float("-inf")).triu(1)[None, None]
    with torch.no_grad():
        expected, _ = ref.self_attn(x, position_embeddings=(cos, sin), attention_mask=mask)
    assert_close(attention(x, positions), expected, **F32, what="LlamaAttention with the default rope_theta")


@pytest.mark.parametrize("case", [pytest.param("gqa", marks=pytest.mark.points(2)),
                                  pytest.param("mha_theta_eps", marks=pytest.mark.points(2)),
                                  pytest.param("mqa_head_dim", marks=pytest.mark.points(1))])
def test_decoder_layer_matches_llama(lab, case):
    """LlamaDecoderLayer equals transformers' LlamaDecoderLayer with the same weights (causal, positions given)."""
    fields, kwargs, pos_kind = LAYER_CASES[case]
    config = llama_config(**fields)
    ref = random_llama_layer(config, seed=8)
    x = torch.randn(2, 6, 32, generator=torch.Generator().manual_seed(9))
    positions = torch.tensor([[4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5]]) if pos_kind == "2d" else torch.tensor([3, 1, 4, 1, 5, 9])
    expected = run_llama_layer(ref, config, x, positions)
    layer = lab.LlamaDecoderLayer(32, fields["num_attention_heads"], fields["num_key_value_heads"],
                                  fields.get("intermediate_size", 44), **kwargs)
    layer.load_state_dict({k: v.detach().clone() for k, v in ref.state_dict().items()})
    layer.eval()
    assert_close(layer(x, positions), expected, **F32, what=f"the decoder layer's output ({case})")


@pytest.mark.points(1)
def test_decoder_layer_default_positions(lab):
    """LlamaDecoderLayer with position_ids=None uses positions 0..seq-1."""
    config = llama_config()
    ref = random_llama_layer(config, seed=10)
    x = torch.randn(3, 5, 32, generator=torch.Generator().manual_seed(11))
    expected = run_llama_layer(ref, config, x, torch.arange(5)[None])
    layer = lab.LlamaDecoderLayer(32, 4, 2, 44)
    layer.load_state_dict({k: v.detach().clone() for k, v in ref.state_dict().items()})
    assert_close(layer(x), expected, **F32, what="the output with default positions")


# ---- 6. mixture of experts ---------------------------------------------------------------------------------


def routing_oracle(logits, k, normalize):
    probs = torch.softmax(logits.float(), dim=-1)
    weights, experts = torch.topk(probs, k, dim=-1)
    if normalize:
        weights = weights / weights.sum(-1, keepdim=True)
    return weights, experts


ROUTING_CASES = {
    "top1": (1, True, (10, 4), torch.float32),
    "top2_mixtral": (2, True, (3, 5, 8), torch.float32),
    "top3_unnormalized_float64": (3, False, (7, 6), torch.float64),
}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(2)) for c in ROUTING_CASES])
def test_top_k_routing(lab, case):
    """top_k_routing: softmax, the k best experts in decreasing order, weights renormalised only with normalize."""
    k, normalize, shape, dtype = ROUTING_CASES[case]
    logits = 2 * torch.randn(*shape, generator=torch.Generator().manual_seed(12), dtype=dtype)
    weights, experts = lab.top_k_routing(logits, k, normalize=normalize)
    ref_w, ref_e = routing_oracle(logits, k, normalize)
    check(experts.dtype == torch.long and tuple(experts.shape) == tuple(ref_e.shape), "experts should be a long tensor of shape (..., k)")
    check(torch.equal(experts, ref_e), f"{case}: the chosen experts (or their order) are wrong")
    assert_close(weights, ref_w, **F32, what=f"the routing weights ({case})")
    if normalize:
        default_w, _ = lab.top_k_routing(logits, k)
        assert_close(default_w, ref_w, **F32, what="the weights with the default normalize=True")


@pytest.mark.points(3)
def test_top_k_routing_ties(lab):
    """top_k_routing: equal probabilities go by increasing expert index."""
    logits = torch.tensor([[0.0, 1.0, 1.0, 0.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 3.0, 3.0, -1.0]])
    weights, experts = lab.top_k_routing(logits, 3)
    check(experts.tolist() == [[1, 2, 4], [0, 1, 2], [2, 3, 0]], "ties between experts should be broken by the lower index first")
    expected = torch.tensor([[1 / 3] * 3, [1 / 3] * 3, [0.0, 0.0, 0.0]])
    p = torch.softmax(logits[2], -1)
    expected[2] = torch.stack([p[2], p[3], p[0]]) / (p[2] + p[3] + p[0])
    assert_close(weights, expected, **F32, what="the renormalised weights with ties")
    _, experts1 = lab.top_k_routing(logits, 1, normalize=False)
    check(experts1.tolist() == [[1], [0], [2]], "k=1 with ties should pick the lowest index among the best")
    many = torch.zeros(2, 64)
    many[1, 40:] = 1.0
    weights, experts = lab.top_k_routing(many, 4)
    check(experts.tolist() == [[0, 1, 2, 3], [40, 41, 42, 43]], "ties among 64 experts should be broken by the lower index first")
    assert_close(weights, torch.full((2, 4), 0.25), **F32, what="the renormalised weights of tied experts")


@pytest.mark.points(1)
def test_top_k_routing_errors(lab):
    """top_k_routing accepts 1 <= k <= num_experts and raises ValueError otherwise."""
    logits = torch.randn(4, 5, generator=torch.Generator().manual_seed(13))
    weights, _ = lab.top_k_routing(logits, 5)
    assert_close(weights.sum(-1), torch.ones(4), **F32, what="k = num_experts: the weights add up to 1")
    for k in (0, 6, -1):
        with pytest.raises(ValueError):
            lab.top_k_routing(logits, k)
    wide = torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(16))
    weights, experts = lab.top_k_routing(wide, 5)
    check(tuple(experts.shape) == (2, 3, 5), "k counts experts along the last dimension, whatever the other dimensions are")
    with pytest.raises(ValueError):
        lab.top_k_routing(torch.randn(2, 8, 4, generator=torch.Generator().manual_seed(17)), 5)


LB_CASES = {"top1": (1, (12, 4)), "top2": (2, (20, 8)), "top2_batched": (2, (3, 7, 6)), "top3": (3, (9, 5))}


@pytest.mark.parametrize("case", [pytest.param("top1", marks=pytest.mark.points(2)),
                                  pytest.param("top2", marks=pytest.mark.points(2)),
                                  pytest.param("top2_batched", marks=pytest.mark.points(1)),
                                  pytest.param("top3", marks=pytest.mark.points(1))])
def test_load_balancing_loss_matches_mixtral(lab, case):
    """load_balancing_loss equals Mixtral's load_balancing_loss_func (num_experts * sum f_i * P_i)."""
    k, shape = LB_CASES[case]
    logits = 1.5 * torch.randn(*shape, generator=torch.Generator().manual_seed(14))
    expected = load_balancing_loss_func((logits.reshape(-1, shape[-1]),), shape[-1], k)
    got = lab.load_balancing_loss(logits, k)
    check(got.dim() == 0, "load_balancing_loss should return a scalar tensor")
    assert_close(got, expected.float(), **F32, what=f"the load-balancing loss ({case})")


@pytest.mark.points(2)
def test_load_balancing_loss_gradient(lab):
    """load_balancing_loss: the gradient flows through the mean probabilities only, as in Mixtral's."""
    logits = torch.randn(10, 6, generator=torch.Generator().manual_seed(15))
    result = lab.vjp(lab.load_balancing_loss, logits, 2, grad_output=torch.tensor(1.0))
    ref = logits.clone().requires_grad_(True)
    load_balancing_loss_func((ref,), 6, 2).backward()
    assert_close(result.grads[0], ref.grad, **F32, what="the gradient of the loss with respect to the logits")


@pytest.mark.points(2)
def test_load_balancing_loss_named_values(lab):
    """load_balancing_loss: an even router gives k, one hot expert gives num_experts; no tokens or bad k are errors."""
    E = 4
    balanced = torch.full((8, E), -20.0)
    balanced[torch.arange(8), torch.arange(8) % E] = 20.0  # token t sends all its mass to expert t % E
    assert_close(lab.load_balancing_loss(balanced, 1), torch.tensor(1.0), atol=1e-4, rtol=0, what="a balanced top-1 router")
    collapsed = torch.full((6, E), -20.0)
    collapsed[:, 2] = 20.0
    assert_close(lab.load_balancing_loss(collapsed, 1), torch.tensor(float(E)), atol=1e-4, rtol=0,
                 what="a router that sends every token to one expert")
    assert_close(lab.load_balancing_loss(torch.zeros(5, E), 2), torch.tensor(2.0), **F32, what="uniform probabilities with k=2")
    for logits, k in [(torch.zeros(0, E), 1), (torch.zeros(3, E), 0), (torch.zeros(3, E), E + 1)]:
        with pytest.raises(ValueError):
            lab.load_balancing_loss(logits, k)


# ---- 7. retrieval-augmented generation ---------------------------------------------------------------------

CORPUS = [
    "The cat sat on the mat.",
    "Dogs and cats: a history of pets. Cats purr; dogs bark.",
    "A mat is a small rug. The mat was very red.",
    "",
    "Quantum chromodynamics describes the strong force between quarks and gluons in great detail.",
    "The cat! The CAT? the cat, the cat.",
]


def words(text):
    return re.findall(r"\w+", text.lower())


def bm25_oracle(documents, query, k1, b):
    docs = [Counter(words(d)) for d in documents]
    lengths = [sum(c.values()) for c in docs]
    avgdl = sum(lengths) / len(docs)
    N = len(docs)
    out = []
    for counts, length in zip(docs, lengths):
        total = 0.0
        for term in set(words(query)):
            n = sum(1 for c in docs if term in c)
            idf = math.log(1 + (N - n + 0.5) / (n + 0.5))
            tf = counts[term]
            if tf:
                total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avgdl))
        out.append(total)
    return out


@pytest.mark.points(1)
def test_tokenize(lab):
    """tokenize lower-cases and keeps runs of word characters (letters, digits, underscores, non-ASCII letters)."""
    cases = {
        "The CAT sat.": ["the", "cat", "sat"],
        "snake_case x2 3.14": ["snake_case", "x2", "3", "14"],
        "Café, naïve-ÉLAN!": ["café", "naïve", "élan"],
        "  ...  ": [],
    }
    for text, expected in cases.items():
        check(list(lab.tokenize(text)) == expected, f"tokenize({text!r}) should be {expected}")


BM25_CASES = {
    "defaults": ("the cat on a mat", None, None),
    "k1_2_b_0_3": ("cats dogs mat red", 2.0, 0.3),
    "b_zero_k1_zero": ("cat mat quarks", 0.0, 0.0),
    "b_one": ("the cat", 1.2, 1.0),
}


@pytest.mark.parametrize("case", [pytest.param("defaults", marks=pytest.mark.points(2)),
                                  pytest.param("k1_2_b_0_3", marks=pytest.mark.points(2)),
                                  pytest.param("b_zero_k1_zero", marks=pytest.mark.points(1)),
                                  pytest.param("b_one", marks=pytest.mark.points(1))])
def test_bm25_scores(lab, case):
    """BM25.scores equals the stated formula (Lucene idf, k1, b, length normalisation) on a small corpus."""
    query, k1, b = BM25_CASES[case]
    kwargs = {} if k1 is None else dict(k1=k1, b=b)
    index = lab.BM25(CORPUS, **kwargs)
    got = index.scores(query)
    expected = bm25_oracle(CORPUS, query, k1 if k1 is not None else 1.5, b if b is not None else 0.75)
    check(len(got) == len(CORPUS) and all(type(s) is float for s in got), "scores should be one Python float per document")
    for i, (s, e) in enumerate(zip(got, expected)):
        check(abs(s - e) <= 1e-9 + 1e-9 * abs(e), f"{case}: the score of document {i} is wrong")


@pytest.mark.points(2)
def test_bm25_idf(lab):
    """BM25.idf is ln(1 + (N - n + 0.5) / (n + 0.5)): positive even for a term in most documents."""
    docs = ["a b", "a c", "a d", "a", "b e"]
    index = lab.BM25(docs)
    for term, n in [("a", 4), ("b", 2), ("e", 1), ("zzz", 0)]:
        expected = math.log(1 + (5 - n + 0.5) / (n + 0.5))
        got = index.idf(term)
        check(abs(got - expected) < 1e-12, f"idf({term!r}) with {n} of 5 documents containing it is wrong")
    check(index.idf("a") > 0, "the idf of a term in most documents must stay positive")
    check(abs(index.idf("A") - math.log(1 + 5.5 / 0.5)) < 1e-12, "idf uses the term as given: 'A' is not a token of the lower-cased documents")


@pytest.mark.points(2)
def test_bm25_query_rules(lab):
    """BM25.scores: a repeated query term counts once, case and punctuation ignored, unknown terms add 0, empty documents."""
    index = lab.BM25(CORPUS)
    once = index.scores("cat")
    for query in ("cat cat cat", "CAT!", "cat zebra"):
        got = index.scores(query)
        check(all(abs(a - b) < 1e-12 for a, b in zip(got, once)), f"scores({query!r}) should equal scores('cat')")
    check(index.scores("")[0] == 0.0 and index.scores("zebra") == [0.0] * len(CORPUS), "a query with no known term scores 0")
    empty = lab.BM25(["", "  !! "])
    check(list(empty.scores("cat")) == [0.0, 0.0], "a corpus of empty documents scores 0 everywhere")
    check(list(empty.retrieve("cat", 2)) == [], "nothing is retrieved from empty documents")


@pytest.mark.points(2)
def test_bm25_retrieve(lab):
    """BM25.retrieve: best first, equal scores by index, only positive scores, at most k, k=0 gives []."""
    index = lab.BM25(CORPUS)
    for query in ("the cat on a mat", "cats dogs", "mat", "strong force"):
        scores = bm25_oracle(CORPUS, query, 1.5, 0.75)
        ranked = [i for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i)) if scores[i] > 0]
        for k in (1, 2, 10):
            check(list(index.retrieve(query, k)) == ranked[:k], f"retrieve({query!r}, {k}) is wrong")
    twins = lab.BM25(["red fox", "blue bird", "red fox", "red fox jumps"])
    check(list(twins.retrieve("fox", 3)) == [0, 2, 3], "equal scores should be ordered by document index")
    check(list(index.retrieve("cat", 0)) == [], "k=0 should give []")


@pytest.mark.points(1)
def test_bm25_errors(lab):
    """BM25 rejects no documents, k1 < 0, b outside [0, 1]; retrieve rejects k < 0."""
    index = lab.BM25(["a b"], k1=0.0, b=1.0)
    check(list(index.retrieve("a", 1)) == [0], "a valid index should retrieve")
    for docs, kwargs in [([], {}), (["a"], dict(k1=-0.1)), (["a"], dict(b=1.5)), (["a"], dict(b=-0.1))]:
        with pytest.raises(ValueError):
            lab.BM25(docs, **kwargs)
    with pytest.raises(ValueError):
        index.retrieve("a", -1)


PACK_CASES = [  # lengths, budget, separator_tokens, expected
    ([3, 4, 2], 11, 1, [0, 1, 2]),         # exactly the budget
    ([3, 4, 2], 10, 1, [0, 1]),            # the third needs 3 more
    ([3, 4, 1], 10, 1, [0, 1, 2]),         # exactly the budget again
    ([5, 9, 2, 1], 9, 1, [0, 2]),          # the 9 is skipped, the 2 fits, the 1 does not
    ([5, 9, 2, 1], 9, 0, [0, 2, 3]),         # no separator cost: 5 + 2 + 1 = 8
    ([12, 3, 3], 7, 1, [1, 2]),            # the first is too long on its own
    ([4, 4], 8, 0, [0, 1]),
    ([4, 4], 8, 1, [0]),
    ([2, 2, 2], 8, 2, [0, 1]),             # 2 + 2 + 2 = 6, a third needs 4 more
    ([0, 0], 0, 1, [0]),                   # empty passages still pay separators
    ([0, 0], 1, 1, [0, 1]),
    ([], 5, 1, []),
    ([1, 1], 0, 1, []),
]


@pytest.mark.points(3)
def test_pack_context(lab):
    """pack_context keeps whole passages in rank order within the budget (separators counted), skipping misfits."""
    for lengths, budget, sep, expected in PACK_CASES:
        got = list(lab.pack_context(lengths, budget, separator_tokens=sep))
        check(got == expected, f"pack_context({lengths}, {budget}, separator_tokens={sep}) should be {expected}, got {got}")
    check(list(lab.pack_context([3, 4, 2], 10)) == [0, 1], "the default separator costs one token")
    check(list(lab.pack_context([3, 4, 2], 11)) == [0, 1, 2], "the default separator costs one token")


@pytest.mark.points(1)
def test_pack_context_errors(lab):
    """pack_context raises ValueError for a negative budget, separator or length."""
    check(list(lab.pack_context([1], 1)) == [0], "a valid call should work")
    for args, kwargs in [(([1], -1), {}), (([1], 3), dict(separator_tokens=-1)), (([2, -1], 5), {})]:
        with pytest.raises(ValueError):
            lab.pack_context(*args, **kwargs)


@pytest.mark.points(2)
def test_format_context(lab):
    """format_context numbers passages [1], [2], ... joined by blank lines, mapping each number to its document id."""
    text, citations = lab.format_context(["Cats purr.", "Mats are rugs.", "x"], [4, 0, 17])
    check(text == "[1] Cats purr.\n\n[2] Mats are rugs.\n\n[3] x", "the context text is not formatted as stated")
    check(dict(citations) == {1: 4, 2: 0, 3: 17}, "the citation map should send 1, 2, 3 to the documents' ids")
    text, citations = lab.format_context([], [])
    check(text == "" and dict(citations) == {}, "no passages should give ('', {})")
    many = [f"passage {i}" for i in range(300)]
    text, citations = lab.format_context(many, list(range(1000, 1300)))
    check(len(citations) == 300 and citations[300] == 1299, "300 passages should be numbered 1..300")
    for passages, ids in [(["a", "b"], [1]), (["a"], [1, 2])]:
        with pytest.raises(ValueError):
            lab.format_context(passages, ids)


@pytest.mark.points(2)
def test_extract_citations(lab):
    """extract_citations maps [n] markers to document ids: order of first citation, once each, unknown markers ignored."""
    citations = {1: 4, 2: 0, 3: 17, 10: 8}
    cases = {
        "Cats purr [3]. Mats [1][3] are rugs [2].": [17, 4, 0],
        "Nothing cited.": [],
        "See [10] and [1].": [8, 4],
        "Bad [ 2], [2,3], [7] and [x]; good [02].": [0],
        "[2] [2] [2]": [0],
    }
    for answer, expected in cases.items():
        got = list(lab.extract_citations(answer, citations))
        check(got == expected, f"extract_citations({answer!r}) should be {expected}, got {got}")
