"""Hidden tests for lab 17 (the transformer encoder).

Oracles: ``torch.nn.MultiheadAttention``, ``torch.nn.TransformerEncoderLayer``
and ``torch.nn.TransformerEncoder`` (batch_first=True) with the same weights,
copied with ``load_state_dict``; the sinusoidal formula written out in numpy;
plain ``torch.nn.functional`` for the feed-forward block. The torch modules
run with their "fast path" switched off: in eval mode it may pack padded
batches into nested tensors and return zeros at padded positions, whereas
the lab (like torch's ordinary path) computes those rows normally. No test
has a query that may attend to no key (torch gives NaN there).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.testing import assert_close, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
F64_GRAD = dict(atol=1e-9, rtol=1e-8)


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@contextlib.contextmanager
def torch_slow_path():
    """Run torch's transformer modules on their ordinary (non-fused, non-nested) path."""
    before = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        torch.backends.mha.set_fastpath_enabled(before)


def randomize(module: nn.Module, seed: int) -> dict[str, torch.Tensor]:
    """Give every parameter random values (LayerNorm weights around 1), so
    that no parameter is a no-op and layers of a stack all differ; return a
    detached copy of the state_dict."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g, dtype=p.dtype)
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * noise)
            elif p.dim() == 2:
                p.copy_(noise / p.shape[1] ** 0.5)
            else:
                p.copy_(0.3 * noise)
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def padding(lengths: list[int], seq: int) -> torch.Tensor:
    """Key padding mask, True = padding."""
    return torch.arange(seq)[None, :] >= torch.tensor(lengths)[:, None]


def forbidden_mask(seq: int, seed: int, shape: tuple | None = None) -> torch.Tensor:
    """A random bool attention mask in torch's convention (True = may NOT
    attend) that never forbids key 0, which is never padding either."""
    shape = shape or (seq, seq)
    mask = torch.rand(shape, generator=torch.Generator().manual_seed(seed)) < 0.35
    mask[..., 0] = False
    return mask


def state_shapes(sd: dict) -> dict:
    return {name: tuple(t.shape) for name, t in sd.items()}


def pe_formula(max_len: int, d_model: int, base: float = 10000.0) -> torch.Tensor:
    """PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(same), in float64."""
    pos = np.arange(max_len, dtype=np.float64)[:, None]
    col = np.arange(d_model)[None, :]
    angle = pos / np.power(base, 2 * (col // 2) / d_model)
    return torch.from_numpy(np.where(col % 2 == 0, np.sin(angle), np.cos(angle)))


# ---- padding masks --------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_padding_mask_values(lab):
    """padding_mask marks positions t >= length as True, with the default and an explicit max_len."""
    assert_close(lab.padding_mask([3, 0, 5], 6), padding([3, 0, 5], 6), what="padding_mask([3, 0, 5], 6)")
    out = lab.padding_mask(torch.tensor([2, 4, 1]))
    check(torch.is_tensor(out) and out.dtype == torch.bool, "padding_mask should return a bool tensor")
    assert_close(out, padding([2, 4, 1], 4), what="padding_mask with the default max_len")


@pytest.mark.points(1)
def test_padding_mask_invalid_lengths(lab):
    """padding_mask raises ValueError for a length above max_len or below 0."""
    for lengths, max_len in (([3, 7], 5), ([2, -1], 4)):
        with pytest.raises(ValueError):
            lab.padding_mask(lengths, max_len)
            pytest.fail(f"no ValueError for lengths {lengths} with max_len {max_len}")


# ---- sinusoidal positional encoding ---------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(([(50, 16), (3, 2)], 1e-5), id="even_d_model", marks=pytest.mark.points(3)),
        pytest.param(([(37, 7), (6, 1)], 1e-5), id="odd_d_model", marks=pytest.mark.points(2)),
        pytest.param(([(3000, 64)], 1e-9), id="long_float64_precision", marks=pytest.mark.points(2)),
    ],
)
def test_sinusoidal_matches_formula(lab, case):
    """The float64 table equals sin on even and cos on odd columns of pos / 10000^(2i/d_model) (3000 positions: to 1e-9)."""
    cases, atol = case
    for max_len, d_model in cases:
        out = lab.sinusoidal_positional_encoding(max_len, d_model, dtype=torch.float64)
        assert_close(out, pe_formula(max_len, d_model), atol=atol, rtol=0, what=f"the table for max_len={max_len}, d_model={d_model}")


@pytest.mark.points(2)
def test_sinusoidal_dtype_and_base(lab):
    """The default dtype is float32, and the base argument replaces 10000."""
    out = lab.sinusoidal_positional_encoding(100, 12)
    assert_close(out, pe_formula(100, 12).float(), atol=1e-4, rtol=0, what="the float32 table")
    out = lab.sinusoidal_positional_encoding(40, 10, base=500.0, dtype=torch.float64)
    assert_close(out, pe_formula(40, 10, base=500.0), atol=1e-5, rtol=0, what="the table with base=500")


@pytest.mark.points(1)
def test_sinusoidal_invalid_sizes(lab):
    """sinusoidal_positional_encoding raises ValueError for max_len < 0 or d_model < 1; max_len=0 is empty."""
    out = lab.sinusoidal_positional_encoding(0, 8)
    check(torch.is_tensor(out) and tuple(out.shape) == (0, 8), "max_len=0 should give an empty (0, d_model) table")
    for max_len, d_model in ((-1, 8), (5, 0)):
        with pytest.raises(ValueError):
            lab.sinusoidal_positional_encoding(max_len, d_model)
            pytest.fail(f"no ValueError for max_len={max_len}, d_model={d_model}")


@pytest.mark.points(3)
def test_sinusoidal_module_adds_table(lab):
    """SinusoidalPositionalEncoding has no state and returns x + PE[:seq] for short and long sequences, keeping the dtype."""
    m = lab.SinusoidalPositionalEncoding(16)
    check(len(m.state_dict()) == 0, "SinusoidalPositionalEncoding should have nothing in its state_dict")
    x = randn(2, 5, 16, seed=1)
    assert_close(m(x), x + pe_formula(5, 16).float(), **F32, what="the output for a (2, 5, 16) float32 input")
    x = randn(2, 700, 16, seed=2, dtype=torch.float64)
    assert_close(m(x), x + pe_formula(700, 16), atol=1e-4, rtol=0, what="the output for a (2, 700, 16) float64 input")


# ---- learned positional embedding -----------------------------------------------------------------


@pytest.mark.points(2)
def test_learned_embedding_parameters(lab):
    """LearnedPositionalEmbedding has one parameter 'weight' (max_len, d_model), initialised N(0, 0.02^2)."""
    lab.manual_seed(0)
    sd = lab.LearnedPositionalEmbedding(512, 64).state_dict()
    check(set(sd) == {"weight"}, "the state_dict should hold exactly one entry, 'weight'")
    w = sd["weight"]
    check(tuple(w.shape) == (512, 64), "'weight' should have shape (max_len, d_model)")
    check(abs(float(w.mean())) < 0.002, "the initial weights should have mean about 0")
    check(abs(float(w.std()) - 0.02) < 0.002, "the initial weights should have standard deviation about 0.02")


@pytest.mark.points(2)
def test_learned_embedding_forward(lab):
    """LearnedPositionalEmbedding adds weight[:seq] to every sequence; seq == max_len works, seq > max_len raises ValueError."""
    w = randn(9, 4, seed=3)
    m = lab.LearnedPositionalEmbedding(9, 4)
    m.load_state_dict({"weight": w})
    for batch, seq in ((5, 3), (2, 9)):
        x = randn(batch, seq, 4, seed=4 + seq)
        assert_close(m(x), x + w[:seq], **F32, what=f"the output for a ({batch}, {seq}, 4) input")
    with pytest.raises(ValueError):
        m(randn(2, 10, 4, seed=5))
        pytest.fail("no ValueError for a sequence longer than max_len")


@pytest.mark.points(2)
def test_learned_embedding_gradient(lab):
    """The gradient of 'weight' is the batch sum of the output gradient on rows < seq and zero after."""
    m = lab.LearnedPositionalEmbedding(10, 4)
    m.double()
    x = randn(3, 6, 4, seed=6, dtype=torch.float64)
    g = randn(3, 6, 4, seed=7, dtype=torch.float64)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True)
    assert_close(result.grads[0], g, **F64, what="the gradient for x")
    check(set(result.param_grads) == {"weight"}, "the parameters should be exactly {'weight'}")
    expected = torch.zeros(10, 4, dtype=torch.float64)
    expected[:6] = g.sum(dim=0)
    assert_close(result.param_grads["weight"], expected, **F64, what="the gradient for weight")


# ---- feed-forward block ---------------------------------------------------------------------------


@pytest.mark.points(1)
def test_feed_forward_parameters(lab):
    """FeedForward holds linear1 (d_model -> dim_feedforward) and linear2 (back), with biases only when bias=True."""
    for bias in (True, False):
        sd = lab.FeedForward(8, 20, bias=bias).state_dict()
        expected = {"linear1.weight": (20, 8), "linear2.weight": (8, 20)}
        if bias:
            expected.update({"linear1.bias": (20,), "linear2.bias": (8,)})
        check(set(sd) == set(expected), f"the state_dict keys (bias={bias}) should be {sorted(expected)}")
        check(state_shapes(sd) == expected, f"the state_dict shapes (bias={bias}) are wrong")


@pytest.mark.points(2)
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_feed_forward_matches_formula(lab, activation):
    """FeedForward(eval) computes linear2(activation(linear1(x))) with the exact GELU or ReLU."""
    m = lab.FeedForward(8, 20, activation=activation, dropout=0.2)
    sd = {
        "linear1.weight": randn(20, 8, seed=10) / 8**0.5,
        "linear1.bias": randn(20, seed=11),
        "linear2.weight": randn(8, 20, seed=12) / 20**0.5,
        "linear2.bias": randn(8, seed=13),
    }
    m.load_state_dict(sd)
    m.eval()
    x = randn(3, 5, 8, seed=14)
    act = F.relu if activation == "relu" else F.gelu
    expected = F.linear(act(F.linear(x, sd["linear1.weight"], sd["linear1.bias"])), sd["linear2.weight"], sd["linear2.bias"])
    assert_close(m(x), expected, **F32, what=f"the FeedForward output ({activation})")


@pytest.mark.points(1)
def test_invalid_arguments_raise_value_error(lab):
    """Unknown activations, num_heads not dividing d_model and num_layers < 1 raise ValueError."""
    cases = {
        "FeedForward with activation='tanh'": lambda: lab.FeedForward(8, 16, activation="tanh"),
        "EncoderLayer with activation='swish'": lambda: lab.EncoderLayer(8, 2, 16, activation="swish"),
        "MultiHeadSelfAttention(10, num_heads=3)": lambda: lab.MultiHeadSelfAttention(10, 3),
        "EncoderLayer(12, num_heads=5)": lambda: lab.EncoderLayer(12, 5, 16),
        "Encoder with num_layers=0": lambda: lab.Encoder(8, 2, 0, 16),
    }
    for what, call in cases.items():
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"no ValueError for {what}")


# ---- multi-head self-attention --------------------------------------------------------------------


def torch_mha(d: int, heads: int, seed: int, bias: bool = True, dtype=torch.float32) -> tuple[nn.Module, dict]:
    mha = nn.MultiheadAttention(d, heads, bias=bias, batch_first=True, dtype=dtype)
    return mha, randomize(mha, seed)


def mha_oracle(mha: nn.Module, x: torch.Tensor, **masks) -> torch.Tensor:
    with torch_slow_path():
        return mha(x, x, x, need_weights=False, **masks)[0]


@pytest.mark.points(2)
def test_attention_parameters(lab):
    """MultiHeadSelfAttention has the state_dict keys and shapes of nn.MultiheadAttention (bias on and off)."""
    for bias in (True, False):
        expected = state_shapes(nn.MultiheadAttention(12, 3, bias=bias, batch_first=True).state_dict())
        shapes = state_shapes(lab.MultiHeadSelfAttention(12, 3, bias=bias).state_dict())
        check(set(shapes) == set(expected), f"the state_dict keys (bias={bias}) differ from nn.MultiheadAttention's")
        check(shapes == expected, f"the state_dict shapes (bias={bias}) differ from nn.MultiheadAttention's")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("plain", marks=pytest.mark.points(3)),
        pytest.param("padding", marks=pytest.mark.points(3)),
        pytest.param("bool_mask", marks=pytest.mark.points(2)),
        pytest.param("float_mask", marks=pytest.mark.points(2)),
        pytest.param("per_head_mask", marks=pytest.mark.points(1)),
        pytest.param("no_bias", marks=pytest.mark.points(1)),
    ],
)
def test_attention_matches_torch(lab, case):
    """MultiHeadSelfAttention with copied weights matches nn.MultiheadAttention (masks in torch's convention)."""
    batch, seq, d, heads = 3, 7, 16, 4
    mha, sd = torch_mha(d, heads, seed=20, bias=case != "no_bias")
    x = randn(batch, seq, d, seed=21)
    masks = {}
    if case == "padding":
        masks = {"key_padding_mask": padding([7, 4, 1], seq)}
    elif case == "bool_mask":
        masks = {"attn_mask": forbidden_mask(seq, seed=22), "key_padding_mask": padding([7, 5, 3], seq)}
    elif case == "float_mask":
        masks = {"attn_mask": randn(seq, seq, seed=23).masked_fill(forbidden_mask(seq, seed=24), float("-inf"))}
    elif case == "per_head_mask":
        masks = {"attn_mask": forbidden_mask(seq, seed=25, shape=(batch * heads, seq, seq))}
    m = lab.MultiHeadSelfAttention(d, heads, bias=case != "no_bias")
    m.load_state_dict(sd)
    m.eval()
    assert_close(m(x, **masks), mha_oracle(mha, x, **masks), **F32, what=f"the attention output ({case})")


@pytest.mark.points(3)
def test_attention_gradients(lab):
    """MultiHeadSelfAttention (float64, padding and bool mask): input and parameter gradients match nn.MultiheadAttention."""
    batch, seq, d, heads = 2, 6, 8, 2
    mha, sd = torch_mha(d, heads, seed=30, dtype=torch.float64)
    x = randn(batch, seq, d, seed=31, dtype=torch.float64)
    g = randn(batch, seq, d, seed=32, dtype=torch.float64)
    masks = {"attn_mask": forbidden_mask(seq, seed=33), "key_padding_mask": padding([6, 3], seq)}
    m = lab.MultiHeadSelfAttention(d, heads)
    m.double()
    m.load_state_dict(sd)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True, **masks)

    xr = x.clone().requires_grad_(True)
    mha_oracle(mha, xr, **masks).backward(g)
    assert_close(result.grads[0], xr.grad, **F64_GRAD, what="the gradient for x")
    expected = dict(mha.named_parameters())
    check(set(result.param_grads) == set(expected), "the parameter names differ from nn.MultiheadAttention's")
    for name, p in expected.items():
        assert_close(result.param_grads[name], p.grad, **F64_GRAD, what=f"the gradient for {name}")


# ---- encoder layer --------------------------------------------------------------------------------


def torch_layer(seed: int, d=16, heads=4, ff=32, dtype=torch.float32, **config) -> tuple[nn.Module, dict]:
    layer = nn.TransformerEncoderLayer(d, heads, ff, batch_first=True, dtype=dtype, **{"dropout": 0.0, **config})
    return layer, randomize(layer, seed)


def student_layer(lab, sd: dict, d=16, heads=4, ff=32, dtype=torch.float32, **config):
    layer = lab.EncoderLayer(d, heads, ff, **{"dropout": 0.0, **config})
    if dtype == torch.float64:
        layer.double()
    layer.load_state_dict(sd)
    return layer


def layer_oracle(layer: nn.Module, x: torch.Tensor, **masks) -> torch.Tensor:
    with torch_slow_path():
        return layer(x, **masks)


@pytest.mark.points(2)
def test_layer_parameters_match_torch(lab):
    """EncoderLayer's state_dict keys and shapes equal nn.TransformerEncoderLayer's (bias on and off)."""
    for bias in (True, False):
        expected = state_shapes(nn.TransformerEncoderLayer(16, 4, 40, batch_first=True, bias=bias).state_dict())
        shapes = state_shapes(lab.EncoderLayer(16, 4, 40, bias=bias).state_dict())
        check(set(shapes) == set(expected), f"the state_dict keys (bias={bias}) differ from nn.TransformerEncoderLayer's")
        check(shapes == expected, f"the state_dict shapes (bias={bias}) differ from nn.TransformerEncoderLayer's")


LAYER_CONFIGS = {
    "post_relu": dict(norm_first=False, activation="relu"),
    "post_gelu": dict(norm_first=False, activation="gelu"),
    "pre_relu": dict(norm_first=True, activation="relu"),
    "pre_gelu": dict(norm_first=True, activation="gelu"),
}


@pytest.mark.points(3)
@pytest.mark.parametrize("config", list(LAYER_CONFIGS))
def test_layer_matches_torch(lab, config):
    """EncoderLayer (eval) matches nn.TransformerEncoderLayer with copied weights, without and with a padding mask."""
    cfg = LAYER_CONFIGS[config]
    torch_mod, sd = torch_layer(seed=40, **cfg)
    torch_mod.eval()
    layer = student_layer(lab, sd, **cfg)
    layer.eval()
    x = randn(3, 7, 16, seed=41)
    assert_close(layer(x), layer_oracle(torch_mod, x), **F32, what=f"the layer output ({config}, no mask)")
    pad = padding([7, 5, 2], 7)
    assert_close(
        layer(x, src_key_padding_mask=pad),
        layer_oracle(torch_mod, x, src_key_padding_mask=pad),
        **F32,
        what=f"the layer output ({config}, padding mask), all positions",
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", ["bool", "float"])
def test_layer_src_mask(lab, kind):
    """EncoderLayer applies src_mask as torch does: bool True = may NOT attend, float = added to the scores."""
    seq = 6
    for norm_first in (False, True):
        torch_mod, sd = torch_layer(seed=50, norm_first=norm_first)
        layer = student_layer(lab, sd, norm_first=norm_first)
        x = randn(2, seq, 16, seed=51)
        if kind == "bool":
            masks = {"src_mask": forbidden_mask(seq, seed=52), "src_key_padding_mask": padding([6, 4], seq)}
        else:
            masks = {"src_mask": randn(seq, seq, seed=53).masked_fill(forbidden_mask(seq, seed=54), float("-inf"))}
        assert_close(
            layer(x, **masks),
            layer_oracle(torch_mod, x, **masks),
            **F32,
            what=f"the layer output with a {kind} src_mask (norm_first={norm_first})",
        )


@pytest.mark.points(2)
def test_layer_without_bias_and_custom_eps(lab):
    """EncoderLayer with bias=False (no biases in linears and norms) and layer_norm_eps=0.1 matches torch."""
    for norm_first in (False, True):
        cfg = dict(norm_first=norm_first, bias=False, layer_norm_eps=0.1, activation="gelu")
        torch_mod, sd = torch_layer(seed=55, **cfg)
        layer = student_layer(lab, sd, **cfg)
        x = 0.5 * randn(2, 5, 16, seed=56)
        pad = padding([5, 3], 5)
        assert_close(
            layer(x, src_key_padding_mask=pad),
            layer_oracle(torch_mod, x, src_key_padding_mask=pad),
            **F32,
            what=f"the layer output (bias=False, eps=0.1, norm_first={norm_first})",
        )


@pytest.mark.points(3)
@pytest.mark.parametrize("norm_first", [False, True], ids=["post_norm", "pre_norm"])
def test_layer_gradients(lab, norm_first):
    """EncoderLayer (float64, padding mask): the gradients for x and for every parameter match torch's."""
    cfg = dict(norm_first=norm_first, activation="gelu")
    torch_mod, sd = torch_layer(seed=60, d=8, heads=2, ff=12, dtype=torch.float64, **cfg)
    layer = student_layer(lab, sd, d=8, heads=2, ff=12, dtype=torch.float64, **cfg)
    x = randn(2, 5, 8, seed=61, dtype=torch.float64)
    g = randn(2, 5, 8, seed=62, dtype=torch.float64)
    pad = padding([5, 3], 5)
    result = lab.vjp(layer, x, grad_output=g, wrt=(0,), params=True, src_key_padding_mask=pad)

    xr = x.clone().requires_grad_(True)
    expected_out = layer_oracle(torch_mod, xr, src_key_padding_mask=pad)
    expected_out.backward(g)
    assert_close(result.output, expected_out.detach(), **F64, what="the layer output (float64)")
    assert_close(result.grads[0], xr.grad, **F64_GRAD, what="the gradient for x")
    expected = dict(torch_mod.named_parameters())
    check(set(result.param_grads) == set(expected), "the parameter names differ from nn.TransformerEncoderLayer's")
    for name, p in expected.items():
        assert_close(result.param_grads[name], p.grad, **F64_GRAD, what=f"the gradient for {name}")


@pytest.mark.points(2)
def test_layer_eval_disables_dropout(lab):
    """An EncoderLayer built with dropout=0.3 matches torch after eval(): no dropout anywhere in eval mode."""
    for norm_first in (False, True):
        torch_mod, sd = torch_layer(seed=70, norm_first=norm_first, dropout=0.3)
        torch_mod.eval()
        layer = student_layer(lab, sd, norm_first=norm_first, dropout=0.3)
        layer.eval()
        x = randn(3, 6, 16, seed=71)
        pad = padding([6, 6, 4], 6)
        lab.manual_seed(72)
        assert_close(
            layer(x, src_key_padding_mask=pad),
            layer_oracle(torch_mod, x, src_key_padding_mask=pad),
            **F32,
            what=f"the eval-mode output with dropout=0.3 (norm_first={norm_first})",
        )


@pytest.mark.points(1)
def test_layer_dropout_in_training(lab):
    """In training mode an EncoderLayer with dropout=0.5 is random (seeded) and differs from eval mode."""
    torch_mod, sd = torch_layer(seed=75, dropout=0.5)
    torch_mod.eval()
    layer = student_layer(lab, sd, dropout=0.5)
    x = randn(2, 6, 16, seed=76)
    layer.train()
    runs = []
    for seed in (77, 77, 78):
        lab.manual_seed(seed)
        runs.append(layer(x))
    assert_close(runs[1], runs[0], atol=0, rtol=0, what="a second training-mode run with the same seed")
    check(not torch.allclose(runs[2], runs[0]), "training-mode runs with different seeds gave the same output")
    check(not torch.allclose(runs[0], layer_oracle(torch_mod, x)), "dropout had no effect in training mode")


# ---- encoder stack --------------------------------------------------------------------------------


def torch_encoder(seed: int, num_layers: int, final_norm: bool, d=16, heads=4, ff=32, dtype=torch.float32, **config):
    layer = nn.TransformerEncoderLayer(d, heads, ff, batch_first=True, dtype=dtype, **{"dropout": 0.0, **config})
    norm = nn.LayerNorm(d, eps=config.get("layer_norm_eps", 1e-5), bias=config.get("bias", True), dtype=dtype) if final_norm else None
    encoder = nn.TransformerEncoder(layer, num_layers, norm=norm, enable_nested_tensor=False)
    return encoder, randomize(encoder, seed)


def encoder_oracle(encoder: nn.Module, x: torch.Tensor, **masks) -> torch.Tensor:
    with torch_slow_path():
        return encoder(x, **masks)


@pytest.mark.points(2)
def test_encoder_parameters_match_torch(lab):
    """Encoder's state_dict keys and shapes equal nn.TransformerEncoder's, with and without the final norm."""
    for final_norm in (False, True):
        encoder, _ = torch_encoder(0, num_layers=3, final_norm=final_norm)
        expected = state_shapes(encoder.state_dict())
        shapes = state_shapes(lab.Encoder(16, 4, 3, 32, final_norm=final_norm).state_dict())
        check(set(shapes) == set(expected), f"the state_dict keys (final_norm={final_norm}) differ from nn.TransformerEncoder's")
        check(shapes == expected, f"the state_dict shapes (final_norm={final_norm}) differ from nn.TransformerEncoder's")


ENCODER_CONFIGS = {
    "post_norm": dict(norm_first=False, final_norm=False, activation="relu"),
    "pre_norm_final_norm": dict(norm_first=True, final_norm=True, activation="gelu"),
    "post_norm_final_norm": dict(norm_first=False, final_norm=True, activation="gelu", layer_norm_eps=1e-3),
}


@pytest.mark.parametrize(
    "config",
    [
        pytest.param("post_norm", marks=pytest.mark.points(3)),
        pytest.param("pre_norm_final_norm", marks=pytest.mark.points(3)),
        pytest.param("post_norm_final_norm", marks=pytest.mark.points(2)),
    ],
)
def test_encoder_matches_torch(lab, config):
    """A 3-layer Encoder (eval) matches nn.TransformerEncoder with copied weights, with padding and a bool mask."""
    cfg = dict(ENCODER_CONFIGS[config])
    final_norm = cfg.pop("final_norm")
    encoder, sd = torch_encoder(seed=80, num_layers=3, final_norm=final_norm, **cfg)
    encoder.eval()
    m = lab.Encoder(16, 4, 3, 32, final_norm=final_norm, **cfg)
    m.load_state_dict(sd)
    m.eval()
    x = randn(3, 7, 16, seed=81)
    pad = padding([7, 6, 3], 7)
    assert_close(
        m(x, src_key_padding_mask=pad),
        encoder_oracle(encoder, x, src_key_padding_mask=pad),
        **F32,
        what=f"the encoder output ({config}, padding mask)",
    )
    masks = {"mask": forbidden_mask(7, seed=82), "src_key_padding_mask": pad}
    assert_close(m(x, **masks), encoder_oracle(encoder, x, **masks), **F32, what=f"the encoder output ({config}, bool mask and padding)")


@pytest.mark.points(2)
def test_encoder_gradients(lab):
    """A 2-layer pre-norm Encoder with final norm (float64): gradients for x and every parameter match torch's."""
    encoder, sd = torch_encoder(seed=85, num_layers=2, final_norm=True, d=8, heads=2, ff=12, dtype=torch.float64, norm_first=True)
    m = lab.Encoder(8, 2, 2, 12, dropout=0.0, norm_first=True, final_norm=True)
    m.double()
    m.load_state_dict(sd)
    x = randn(2, 5, 8, seed=86, dtype=torch.float64)
    g = randn(2, 5, 8, seed=87, dtype=torch.float64)
    pad = padding([5, 2], 5)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True, src_key_padding_mask=pad)

    xr = x.clone().requires_grad_(True)
    encoder_oracle(encoder, xr, src_key_padding_mask=pad).backward(g)
    assert_close(result.grads[0], xr.grad, **F64_GRAD, what="the gradient for x")
    expected = dict(encoder.named_parameters())
    check(set(result.param_grads) == set(expected), "the parameter names differ from nn.TransformerEncoder's")
    for name, p in expected.items():
        assert_close(result.param_grads[name], p.grad, **F64_GRAD, what=f"the gradient for {name}")


# ---- the functional encoder (the timed kernel) ----------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(dict(norm_first=True, final_norm=True, activation="gelu"), id="pre_norm_final_norm", marks=pytest.mark.points(2)),
        pytest.param(
            dict(norm_first=False, final_norm=False, activation="relu", bias=False, layer_norm_eps=1e-3),
            id="post_norm_no_bias",
            marks=pytest.mark.points(2),
        ),
    ],
)
def test_encoder_forward_matches_torch(lab, config):
    """encoder_forward(x, state_dict, num_heads, ...) equals nn.TransformerEncoder in eval mode with that state_dict."""
    cfg = dict(config)
    final_norm = cfg.pop("final_norm")
    bias = cfg.pop("bias", True)
    encoder, sd = torch_encoder(seed=90, num_layers=2, final_norm=final_norm, bias=bias, dropout=0.2, **cfg)
    encoder.eval()
    x = randn(3, 7, 16, seed=91)
    pad = padding([7, 4, 5], 7)
    kwargs = {k: v for k, v in cfg.items() if k in ("norm_first", "activation", "layer_norm_eps")}
    assert_close(
        lab.encoder_forward(x, sd, 4, src_key_padding_mask=pad, **kwargs),
        encoder_oracle(encoder, x, src_key_padding_mask=pad),
        **F32,
        what="the encoder_forward output",
    )
