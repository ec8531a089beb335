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
def test_padding_mask_named_values(lab):
    """No sequences give a (0, 0) mask, lengths equal to max_len give no padding, and int32 tensors work."""
    out = lab.padding_mask([])
    check(torch.is_tensor(out) and out.dtype == torch.bool and tuple(out.shape) == (0, 0), "padding_mask([]) should be an empty (0, 0) bool tensor")
    out = lab.padding_mask(torch.tensor([], dtype=torch.long), 3)
    check(torch.is_tensor(out) and tuple(out.shape) == (0, 3), "padding_mask of no lengths with max_len=3 should be (0, 3)")
    assert_close(lab.padding_mask([4, 4], 4), padding([4, 4], 4), what="padding_mask([4, 4], 4) (no padding)")
    assert_close(lab.padding_mask([0], 0), padding([0], 0), what="padding_mask([0], 0)")
    assert_close(lab.padding_mask(torch.tensor([1, 3], dtype=torch.int32), 5), padding([1, 3], 5), what="padding_mask of an int32 tensor")


@pytest.mark.points(1)
def test_padding_mask_invalid_lengths(lab):
    """Lengths of 0 and of max_len work; padding_mask raises ValueError for a length above max_len or below 0."""
    assert_close(lab.padding_mask([0, 5], 5), padding([0, 5], 5), what="padding_mask([0, 5], 5)")
    for lengths, max_len in (([3, 7], 5), ([2, -1], 4), ([6], 5), ([-1], None)):
        with pytest.raises(ValueError):
            lab.padding_mask(lengths, max_len)
            pytest.fail(f"no ValueError for lengths {lengths} with max_len {max_len}")


# ---- sinusoidal positional encoding ---------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(([(50, 16), (3, 2)], 1e-5), id="even_d_model", marks=pytest.mark.points(2)),
        pytest.param(([(37, 7), (6, 1)], 1e-5), id="odd_d_model", marks=pytest.mark.points(2)),
        pytest.param(([(3000, 64)], 1e-9), id="long_float64_precision", marks=pytest.mark.points(1)),
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
    """The default dtype is float32 (computed in float64 first: exact to float32 rounding at position 3000); base replaces 10000."""
    out = lab.sinusoidal_positional_encoding(100, 12)
    assert_close(out, pe_formula(100, 12).float(), atol=1e-4, rtol=0, what="the float32 table")
    out = lab.sinusoidal_positional_encoding(max_len=3000, d_model=16)
    assert_close(out, pe_formula(3000, 16).float(), atol=2e-7, rtol=0, what="the float32 table at 3000 positions (computed in float64, then converted)")
    out = lab.sinusoidal_positional_encoding(40, 10, base=500.0, dtype=torch.float64)
    assert_close(out, pe_formula(40, 10, base=500.0), atol=1e-12, rtol=0, what="the table with base=500")


@pytest.mark.points(1)
def test_sinusoidal_invalid_sizes(lab):
    """sinusoidal_positional_encoding raises ValueError for max_len < 0 or d_model < 1; max_len=0 is empty."""
    out = lab.sinusoidal_positional_encoding(0, 8)
    check(torch.is_tensor(out) and tuple(out.shape) == (0, 8), "max_len=0 should give an empty (0, d_model) table")
    out = lab.sinusoidal_positional_encoding(1, 1)
    check(torch.is_tensor(out) and tuple(out.shape) == (1, 1), "max_len=1, d_model=1 should give a (1, 1) table")
    for max_len, d_model in ((-1, 8), (5, 0), (5, -2)):
        with pytest.raises(ValueError):
            lab.sinusoidal_positional_encoding(max_len, d_model)
            pytest.fail(f"no ValueError for max_len={max_len}, d_model={d_model}")


@pytest.mark.points(2)
def test_sinusoidal_module_adds_table(lab):
    """SinusoidalPositionalEncoding has no state and returns x + PE[:seq] for short and long sequences, keeping the dtype."""
    m = lab.SinusoidalPositionalEncoding(16)
    check(len(m.state_dict()) == 0, "SinusoidalPositionalEncoding should have nothing in its state_dict")
    x = randn(2, 5, 16, seed=1)
    assert_close(m(x), x + pe_formula(5, 16).float(), **F32, what="the output for a (2, 5, 16) float32 input")
    x = randn(2, 700, 16, seed=2, dtype=torch.float64)
    assert_close(m(x), x + pe_formula(700, 16), atol=1e-9, rtol=0, what="the output for a (2, 700, 16) float64 input")


@pytest.mark.points(1)
def test_sinusoidal_module_base_and_call_order(lab):
    """SinusoidalPositionalEncoding(base=...) uses that base; a long call after a short one, then a float32 one, all stay right."""
    m = lab.SinusoidalPositionalEncoding(6, base=100.0)
    x = randn(1, 4, 6, seed=3, dtype=torch.float64)
    assert_close(m(x), x + pe_formula(4, 6, base=100.0), **F64, what="the output with base=100")
    m = lab.SinusoidalPositionalEncoding(8)
    for seq, dtype in ((3, torch.float64), (50, torch.float64), (7, torch.float32), (60, torch.float32), (2, torch.float64)):
        x = randn(2, seq, 8, seed=seq, dtype=dtype)
        tol = F64 if dtype == torch.float64 else F32
        assert_close(m(x), x + pe_formula(seq, 8).to(dtype), **tol, what=f"the output for seq={seq} ({str(dtype)[6:]}) after other calls")


# ---- learned positional embedding -----------------------------------------------------------------


@pytest.mark.points(1)
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


@pytest.mark.points(1)
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


@pytest.mark.points(1)
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


FF_SD = {
    "linear1.weight": randn(20, 8, seed=10) / 8**0.5,
    "linear1.bias": randn(20, seed=11),
    "linear2.weight": randn(8, 20, seed=12) / 20**0.5,
    "linear2.bias": randn(8, seed=13),
}


def ff_formula(x, sd=FF_SD, act=F.relu):
    return F.linear(act(F.linear(x, sd["linear1.weight"], sd.get("linear1.bias"))), sd["linear2.weight"], sd.get("linear2.bias"))


@pytest.mark.points(1)
def test_feed_forward_defaults_and_shapes(lab):
    """FeedForward's defaults (relu, no dropout even in training mode, biases), the str attribute activation, any leading dims."""
    m = lab.FeedForward(8, 20)
    check(bool(m.training), "a new module should be in training mode (as every nn.Module)")
    check(m.activation == "relu" and isinstance(m.activation, str), "FeedForward(8, 20).activation should be the str 'relu'")
    check(lab.FeedForward(8, 20, activation="gelu").activation == "gelu", "FeedForward(activation='gelu').activation should be 'gelu'")
    m.load_state_dict(FF_SD)  # fails without the default biases
    for shape in ((5, 8), (2, 3, 4, 8)):
        x = randn(*shape, seed=len(shape))
        assert_close(m(x), ff_formula(x), **F32, what=f"the default FeedForward (training mode, dropout 0) on shape {shape}")


@pytest.mark.points(1)
def test_feed_forward_dropout_after_activation(lab):
    """In training, FeedForward drops activations (kept ones scaled by 1/(1-p)) between the activation and linear2."""
    p, d = 0.5, 6
    m = lab.FeedForward(d, d, dropout=p)
    w1 = randn(d, d, seed=15) / d**0.5
    w2 = torch.eye(d) + 0.3 * randn(d, d, seed=18)  # invertible, mixes the hidden units
    m.load_state_dict({"linear1.weight": w1, "linear1.bias": torch.zeros(d), "linear2.weight": w2, "linear2.bias": torch.zeros(d)})
    x = randn(400, d, seed=16)
    lab.manual_seed(17)
    out = m(x).detach()
    hidden = F.relu(F.linear(x, w1))
    dropped_hidden = torch.linalg.solve(w2.double(), out.double().T).T  # undo linear2
    active = hidden > 0.05
    ratio = dropped_hidden[active] / hidden[active]
    ok = ((ratio.abs() < 1e-3) | ((ratio - 1 / (1 - p)).abs() < 1e-3)).all()
    check(bool(ok), "in training the output is not linear2(dropout(activation(linear1(x)))) with scaling 1/(1-p)")
    dropped = float((ratio.abs() < 1e-3).double().mean())
    check(0.4 < dropped < 0.6, "FeedForward did not drop about a fraction p of the activations")
    m.eval()
    assert_close(m(x), F.linear(hidden, w2), **F32, what="the FeedForward output in eval mode")


@pytest.mark.points(1)
def test_invalid_arguments_raise_value_error(lab):
    """Valid settings build (1 head, d_model heads, 1 layer); unknown activations, num_heads not dividing d_model or < 1, num_layers < 1 raise ValueError."""
    for build in (
        lambda: lab.FeedForward(8, 16, activation="gelu"),
        lambda: lab.MultiHeadSelfAttention(8, 1),
        lambda: lab.MultiHeadSelfAttention(8, 8),
        lambda: lab.MultiHeadSelfAttention(12, 4),
        lambda: lab.EncoderLayer(12, 4, 16, activation="gelu"),
        lambda: lab.Encoder(12, 4, 1, 16),
    ):
        check(len(build().state_dict()) > 0, "a valid module could not be built")
    cases = {
        "FeedForward with activation='tanh'": lambda: lab.FeedForward(8, 16, activation="tanh"),
        "FeedForward with activation='RELU'": lambda: lab.FeedForward(8, 16, activation="RELU"),
        "EncoderLayer with activation='swish'": lambda: lab.EncoderLayer(8, 2, 16, activation="swish"),
        "MultiHeadSelfAttention(10, num_heads=3)": lambda: lab.MultiHeadSelfAttention(10, 3),
        "MultiHeadSelfAttention(12, num_heads=0)": lambda: lab.MultiHeadSelfAttention(12, 0),
        "MultiHeadSelfAttention(12, num_heads=-4)": lambda: lab.MultiHeadSelfAttention(12, -4),
        "MultiHeadSelfAttention(8, num_heads=16)": lambda: lab.MultiHeadSelfAttention(8, 16),
        "EncoderLayer(12, num_heads=5)": lambda: lab.EncoderLayer(12, 5, 16),
        "Encoder with num_layers=0": lambda: lab.Encoder(8, 2, 0, 16),
        "Encoder with num_layers=-1": lambda: lab.Encoder(8, 2, -1, 16),
        "Encoder with num_heads=3": lambda: lab.Encoder(8, 3, 2, 16),
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
        pytest.param("plain", marks=pytest.mark.points(2)),
        pytest.param("padding", marks=pytest.mark.points(2)),
        pytest.param("bool_mask", marks=pytest.mark.points(2)),
        pytest.param("float_mask", marks=pytest.mark.points(2)),
        pytest.param("per_head_mask", marks=pytest.mark.points(1)),
        pytest.param("no_bias", marks=pytest.mark.points(1)),
        pytest.param("float_mask_and_padding", marks=pytest.mark.points(1)),
        pytest.param("per_head_float_mask_and_padding", marks=pytest.mark.points(1)),
        pytest.param("one_head_float64", marks=pytest.mark.points(1)),
    ],
)
def test_attention_matches_torch(lab, case):
    """MultiHeadSelfAttention with copied weights matches nn.MultiheadAttention (masks in torch's convention)."""
    batch, seq, d, heads = 3, 7, 16, 4
    dtype = torch.float64 if case == "one_head_float64" else torch.float32
    if case == "one_head_float64":
        heads = 1
    mha, sd = torch_mha(d, heads, seed=20, bias=case != "no_bias", dtype=dtype)
    x = randn(batch, seq, d, seed=21, dtype=dtype)
    masks = {}
    if case == "padding":
        masks = {"key_padding_mask": padding([7, 4, 1], seq)}
    elif case == "bool_mask":
        masks = {"attn_mask": forbidden_mask(seq, seed=22), "key_padding_mask": padding([7, 5, 3], seq)}
    elif case == "float_mask":
        masks = {"attn_mask": randn(seq, seq, seed=23).masked_fill(forbidden_mask(seq, seed=24), float("-inf"))}
    elif case == "per_head_mask":
        masks = {"attn_mask": forbidden_mask(seq, seed=25, shape=(batch * heads, seq, seq))}
    elif case == "float_mask_and_padding":
        masks = {
            "attn_mask": randn(seq, seq, seed=26).masked_fill(forbidden_mask(seq, seed=27), float("-inf")),
            "key_padding_mask": padding([7, 3, 5], seq),
        }
    elif case == "per_head_float_mask_and_padding":
        shape = (batch * heads, seq, seq)
        masks = {
            "attn_mask": randn(*shape, seed=28).masked_fill(forbidden_mask(seq, seed=29, shape=shape), float("-inf")),
            "key_padding_mask": padding([2, 7, 4], seq),
        }
    elif case == "one_head_float64":
        masks = {"key_padding_mask": padding([7, 1, 4], seq)}
    m = lab.MultiHeadSelfAttention(d, heads, bias=case != "no_bias")
    if dtype == torch.float64:
        m.double()
    m.load_state_dict(sd)
    m.eval()
    out = m(x, **masks)
    check(torch.is_tensor(out), "MultiHeadSelfAttention.forward should return only the output tensor")
    tol = F64 if dtype == torch.float64 else F32
    if any(mask.dtype != torch.bool for mask in masks.values()):  # torch wants one mask type
        masks = {k: torch.zeros(v.shape, dtype=dtype).masked_fill(v, float("-inf")) if v.dtype == torch.bool else v for k, v in masks.items()}
    assert_close(out, mha_oracle(mha, x, **masks), **tol, what=f"the attention output ({case})")


@pytest.mark.points(2)
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


@pytest.mark.points(1)
def test_attention_initialisation(lab):
    """MultiHeadSelfAttention starts like torch: in_proj_weight Xavier-uniform, both biases zero, out_proj.weight nn.Linear's default."""
    lab.manual_seed(34)
    d = 64
    sd = lab.MultiHeadSelfAttention(d, 4).state_dict()
    bound = (6 / (d + 3 * d)) ** 0.5  # xavier_uniform_ on (3d, d)
    w = sd["in_proj_weight"]
    check(float(w.abs().max()) <= bound and 0.9 < float(w.std()) / (bound / 3**0.5) < 1.1, "in_proj_weight is not Xavier-uniform")
    check(bool((sd["in_proj_bias"] == 0).all()) and bool((sd["out_proj.bias"] == 0).all()), "the biases should start at zero")
    w = sd["out_proj.weight"]
    bound = d**-0.5
    check(float(w.abs().max()) <= bound and 0.9 < float(w.std()) / (bound / 3**0.5) < 1.1, "out_proj.weight is not nn.Linear's default")


@pytest.mark.points(1)
def test_attention_dropout_on_weights(lab):
    """In training, MultiHeadSelfAttention drops attention weights (kept ones scaled by 1/(1-p)); in eval it matches torch."""
    d, p, seq = 8, 0.5, 3
    mha, sd = torch_mha(d, 1, seed=35)
    sd["in_proj_weight"][2 * d :] = torch.eye(d)  # values = x
    sd["in_proj_bias"][2 * d :] = 0
    sd["out_proj.weight"], sd["out_proj.bias"] = torch.eye(d), torch.zeros(d)
    mha.load_state_dict(sd)
    m = lab.MultiHeadSelfAttention(d, 1, dropout=p)
    m.load_state_dict(sd)
    x = randn(40, seq, d, seed=36)
    lab.manual_seed(37)
    out = m(x)  # training mode: the default
    q = F.linear(x, sd["in_proj_weight"][:d], sd["in_proj_bias"][:d])
    k = F.linear(x, sd["in_proj_weight"][d : 2 * d], sd["in_proj_bias"][d : 2 * d])
    clean = torch.softmax(q @ k.transpose(-2, -1) / d**0.5, dim=-1)
    scaled = (out @ torch.linalg.pinv(x)) / clean  # 0 (dropped) or 1 / (1 - p) per weight
    ok = ((scaled.abs() < 1e-3) | ((scaled - 1 / (1 - p)).abs() < 1e-3)).all()
    check(bool(ok), "in training the output is not (attention weights with dropout) @ values")
    check(0.35 < float((scaled.abs() < 1e-3).double().mean()) < 0.65, "about a fraction p of the attention weights should be dropped")
    m.eval()
    assert_close(m(x), mha_oracle(mha.eval(), x), **F32, what="the eval-mode output with dropout=0.5")


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


@pytest.mark.points(2)
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


@pytest.mark.points(1)
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


@pytest.mark.points(2)
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


@pytest.mark.points(2)
@pytest.mark.parametrize("norm_first", [False, True], ids=["post_norm", "pre_norm"])
def test_layer_training_statistics_match_torch(lab, norm_first):
    """In training, the mean and spread of the output over many draws match nn.TransformerEncoderLayer's (dropout in all four places)."""
    p, n = 0.2, 4000
    torch_mod, sd = torch_layer(seed=95, norm_first=norm_first, dropout=p, activation="gelu")
    torch_mod.train()
    layer = student_layer(lab, sd, norm_first=norm_first, dropout=p, activation="gelu")
    layer.train()
    x = randn(1, 5, 16, seed=96).expand(n, -1, -1).contiguous()  # identical copies: the spread is the dropout's
    lab.manual_seed(97)
    out = layer(x).detach()
    torch.manual_seed(98)
    with torch_slow_path(), torch.no_grad():
        expected = torch_mod(x)
    check(torch.is_tensor(out) and out.shape == expected.shape, "the training-mode output has the wrong shape")
    var_a, var_e = out.var(dim=0), expected.var(dim=0)
    ratio = float(var_a.mean() / var_e.mean())
    check(0.9 < ratio < 1.1, "the spread of the training-mode output differs from torch's (is dropout missing somewhere, or extra?)")
    z = (out.mean(dim=0) - expected.mean(dim=0)).abs() / ((var_a + var_e) / n).sqrt()
    check(float(z.max()) < 5, "the average training-mode output differs from torch's")


@pytest.mark.points(1)
def test_layer_defaults_and_state(lab):
    """EncoderLayer(d, heads) has torch's defaults (2048 hidden, dropout 0.1, relu, post-norm); it starts in training mode; eval calls repeat exactly."""
    layer = lab.EncoderLayer(16, 4)
    check(bool(layer.training), "a new EncoderLayer should be in training mode")
    expected = state_shapes(nn.TransformerEncoderLayer(16, 4, batch_first=True).state_dict())
    check(state_shapes(layer.state_dict()) == expected, "the default state_dict differs from nn.TransformerEncoderLayer(16, 4)'s (dim_feedforward 2048)")
    torch_mod = nn.TransformerEncoderLayer(16, 4, batch_first=True)
    sd = randomize(torch_mod, seed=99)
    torch_mod.eval()
    layer.load_state_dict(sd)
    x = randn(2, 5, 16, seed=100)
    lab.manual_seed(101)
    training = layer(x)
    check(bool(layer.training), "forward changed the module's mode")
    check(not torch.allclose(training, layer_oracle(torch_mod, x)), "the default dropout (0.1) had no effect in training mode")
    layer.eval()
    first, second = layer(x), layer(x)
    assert_close(first, layer_oracle(torch_mod, x), **F32, what="the eval-mode output with the default arguments")
    assert_close(second, first, atol=0, rtol=0, what="a second eval-mode call")
    check(not bool(layer.training), "forward changed the module's mode")
    after = layer.state_dict()
    for name, t in sd.items():
        assert_close(after[name], t, atol=0, rtol=0, what=f"{name} after forward calls")


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
    "pre_norm_final_norm_no_bias": dict(norm_first=True, final_norm=True, bias=False, layer_norm_eps=1e-2),
    "one_layer": dict(norm_first=True, final_norm=False, num_layers=1),
}


@pytest.mark.parametrize(
    "config",
    [
        pytest.param("post_norm", marks=pytest.mark.points(2)),
        pytest.param("pre_norm_final_norm", marks=pytest.mark.points(2)),
        pytest.param("post_norm_final_norm", marks=pytest.mark.points(2)),
        pytest.param("pre_norm_final_norm_no_bias", marks=pytest.mark.points(1)),
        pytest.param("one_layer", marks=pytest.mark.points(1)),
    ],
)
def test_encoder_matches_torch(lab, config):
    """An Encoder (eval) matches nn.TransformerEncoder with copied weights: padding, bool, float and per-head masks."""
    cfg = dict(ENCODER_CONFIGS[config])
    final_norm = cfg.pop("final_norm")
    num_layers = cfg.pop("num_layers", 3)
    encoder, sd = torch_encoder(seed=80, num_layers=num_layers, final_norm=final_norm, **cfg)
    encoder.eval()
    m = lab.Encoder(16, 4, num_layers, 32, final_norm=final_norm, **cfg)
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
    float_mask = randn(7, 7, seed=83).masked_fill(forbidden_mask(7, seed=84), float("-inf"))
    assert_close(m(x, mask=float_mask), encoder_oracle(encoder, x, mask=float_mask), **F32, what=f"the encoder output ({config}, float mask)")
    per_head = forbidden_mask(7, seed=85, shape=(3 * 4, 7, 7))
    assert_close(m(x, mask=per_head), encoder_oracle(encoder, x, mask=per_head), **F32, what=f"the encoder output ({config}, per-head mask)")


@pytest.mark.points(1)
def test_encoder_structure_and_defaults(lab):
    """Encoder's layers are initialised independently, norm is None without final_norm, and the defaults are torch's (2048, post-norm, no final norm)."""
    lab.manual_seed(86)
    m = lab.Encoder(16, 4, 2)
    sd = m.state_dict()
    expected, _ = torch_encoder(0, num_layers=2, final_norm=False, ff=2048)
    check(state_shapes(sd) == state_shapes(expected.state_dict()), "the default state_dict differs from nn.TransformerEncoder's (dim_feedforward 2048, no final norm)")
    check(m.norm is None, "Encoder(final_norm=False).norm should be None")
    check(not torch.equal(sd["layers.0.self_attn.in_proj_weight"], sd["layers.1.self_attn.in_proj_weight"]), "the layers should be initialised independently, not copies of one layer")
    check(not torch.equal(sd["layers.0.linear1.weight"], sd["layers.1.linear1.weight"]), "the layers should be initialised independently, not copies of one layer")
    check(bool(m.training), "a new Encoder should be in training mode")
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, batch_first=True), 2, enable_nested_tensor=False)
    sd = randomize(encoder, seed=87)
    encoder.eval()
    m.load_state_dict(sd)
    m.eval()
    x = randn(2, 5, 16, seed=88)
    assert_close(m(x), encoder_oracle(encoder, x), **F32, what="the eval-mode output with the default arguments")


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


ENCODER_FORWARD_CASES = {
    # name: (torch_encoder arguments, encoder_forward keyword arguments other than masks, masks)
    "eleven_layers_defaults": (dict(num_layers=11, final_norm=False, d=8, heads=2, ff=12), {}, "padding"),
    "float64_final_norm_no_bias": (
        dict(num_layers=2, final_norm=True, bias=False, dtype=torch.float64, norm_first=True, activation="gelu"),
        dict(norm_first=True, activation="gelu"),
        "float_mask",
    ),
    "per_head_mask_keywords": (dict(num_layers=3, final_norm=True, ff=24, layer_norm_eps=1e-2), dict(layer_norm_eps=1e-2), "per_head"),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(ENCODER_FORWARD_CASES))
def test_encoder_forward_cases(lab, case):
    """encoder_forward with 11 layers (numeric order) and the defaults, float64 without biases, a per-head mask by keyword; params unchanged."""
    config, kwargs, mask_kind = ENCODER_FORWARD_CASES[case]
    dtype = config.get("dtype", torch.float32)
    d, heads = config.get("d", 16), config.get("heads", 4)
    encoder, sd = torch_encoder(seed=92, **config)
    encoder.eval()
    x = randn(3, 6, d, seed=93, dtype=dtype)
    if mask_kind == "padding":
        masks = {"src_key_padding_mask": padding([6, 2, 4], 6)}
    elif mask_kind == "float_mask":
        masks = {"mask": randn(6, 6, seed=94, dtype=dtype).masked_fill(forbidden_mask(6, seed=95), float("-inf"))}
    else:
        masks = {"mask": forbidden_mask(6, seed=96, shape=(3 * heads, 6, 6)), "src_key_padding_mask": padding([6, 5, 3], 6)}
    before = {k: v.clone() for k, v in sd.items()}
    if case == "per_head_mask_keywords":
        out = lab.encoder_forward(x=x, params=sd, num_heads=heads, **kwargs, **masks)
    else:
        out = lab.encoder_forward(x, sd, heads, **kwargs, **masks)
    tol = F64 if dtype == torch.float64 else F32
    assert_close(out, encoder_oracle(encoder, x, **masks), **tol, what=f"the encoder_forward output ({case})")
    for name, t in before.items():
        assert_close(sd[name], t, atol=0, rtol=0, what=f"params[{name!r}] after encoder_forward")
