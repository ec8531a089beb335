"""Hidden tests for lab 15 (self-attention).

The oracle is ``torch.nn.functional.scaled_dot_product_attention`` (SDPA) and
``torch.softmax``; the student's code runs behind the ``lab`` fixture.
Tests avoid comparing fully masked query rows with SDPA (older PyTorch
versions return NaN there) and check the stated behaviour (zeros) directly.
Dropout is never compared with torch's random-number order: it is checked
statistically and for reproducibility.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
F64_GRAD = dict(atol=1e-9, rtol=1e-8)


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def qkv(batch: tuple, L: int, S: int, E: int, Ev: int, seed: int, dtype: torch.dtype = torch.float32):
    """Queries (*batch, L, E), keys (*batch, S, E), values (*batch, S, Ev)."""
    return (
        randn(*batch, L, E, seed=seed, dtype=dtype),
        randn(*batch, S, E, seed=seed + 1, dtype=dtype),
        randn(*batch, S, Ev, seed=seed + 2, dtype=dtype),
    )


def bool_mask(shape: tuple, seed: int, p_allowed: float = 0.6) -> torch.Tensor:
    """A random bool mask (True = may attend) with at least one True per row."""
    allowed = torch.rand(*shape, generator=torch.Generator().manual_seed(seed)) < p_allowed
    rows, cols = shape[-2], shape[-1]
    allowed[..., torch.arange(rows), torch.arange(rows) % cols] = True
    return allowed


def right_padding(lengths: list[int], S: int) -> torch.Tensor:
    """Key padding mask (True = padding) for sequences of the given lengths."""
    return torch.arange(S)[None, :] >= torch.tensor(lengths)[:, None]


def sdpa(q, k, v, **kwargs) -> torch.Tensor:
    return F.scaled_dot_product_attention(q, k, v, **kwargs)


# ---- softmax ------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("dim", [-1, 0], ids=["dim_last", "dim_first"])
def test_softmax_matches_torch(lab, dim):
    """softmax matches torch.softmax along the given dim, in float32 and float64."""
    for dtype, tol in ((torch.float32, dict(atol=1e-7, rtol=1e-5)), (torch.float64, F64)):
        x = 3 * randn(3, 4, 5, seed=10, dtype=dtype)
        assert_close(lab.softmax(x, dim=dim), torch.softmax(x, dim=dim), **tol, what=f"softmax({str(dtype)[6:]})")


@pytest.mark.points(1)
def test_softmax_default_dim_and_shapes(lab):
    """softmax without dim works over the last axis of a 3-d tensor; 1-d and empty-batch inputs keep shape and dtype."""
    x = randn(2, 3, 4, seed=16, dtype=torch.float64)
    assert_close(lab.softmax(x), torch.softmax(x, dim=-1), **F64, what="softmax(x) with the default dim")
    x1 = randn(5, seed=17)
    assert_close(lab.softmax(x1), torch.softmax(x1, dim=-1), atol=1e-7, rtol=1e-5, what="softmax of a 1-d tensor")
    assert_close(lab.softmax(x1, dim=0), torch.softmax(x1, dim=0), atol=1e-7, rtol=1e-5, what="softmax of a 1-d tensor, dim=0")
    empty = torch.zeros(0, 5, dtype=torch.float64)
    assert_close(lab.softmax(empty, dim=-1), empty, what="softmax of an empty batch of rows")


@pytest.mark.points(3)
def test_softmax_large_inputs_are_stable(lab):
    """softmax stays finite and correct for float32 inputs around +1e4 and -1e4 (max subtraction)."""
    x = torch.cat([1e4 + 5 * randn(3, 8, seed=11), -1e4 + 5 * randn(3, 8, seed=12), 1e4 * randn(2, 8, seed=13)])
    out = lab.softmax(x, dim=-1)
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "softmax of inputs around 1e4 gave inf or NaN")
    # rtol 2e-3: a log-sum-exp softmax rounds m + log(sum) to float32's spacing near 1e4 (about 1e-3)
    assert_close(out, torch.softmax(x, dim=-1), atol=1e-6, rtol=2e-3, what="softmax of large inputs")


@pytest.mark.points(3)
def test_softmax_fully_masked_rows_are_zero(lab):
    """softmax of an all -inf row is all zeros (no NaN), in value and gradient; partly -inf rows are exact."""
    x = randn(4, 6, seed=14, dtype=torch.float64)
    x[1] = float("-inf")
    x[2, ::2] = float("-inf")
    out = lab.softmax(x, dim=-1)
    check(not bool(torch.isnan(out).any()), "softmax gave NaN for a row that is entirely -inf")
    assert_close(out[1], torch.zeros(6, dtype=torch.float64), what="softmax of an all -inf row")
    keep = [0, 2, 3]
    assert_close(out[keep], torch.softmax(x[keep], dim=-1), **F64, what="softmax of the other rows")

    g = randn(4, 6, seed=15, dtype=torch.float64)
    result = lab.vjp(lab.softmax, x, grad_output=g, dim=-1)
    (grad,) = result.grads
    check(grad is not None and not bool(torch.isnan(grad).any()), "the gradient of softmax has NaN")
    xr = x.clone().requires_grad_(True)
    torch.softmax(xr, dim=-1).backward(g)
    expected = torch.nan_to_num(xr.grad, nan=0.0)
    expected[1] = 0.0
    assert_close(grad, expected, **F64_GRAD, what="the gradient of softmax")


# ---- attention against SDPA ---------------------------------------------------------------------


@pytest.mark.points(3)
def test_attention_matches_sdpa_float32(lab):
    """No mask, float32, batch and head dims: output matches SDPA and stays float32."""
    q, k, v = qkv((2, 3), 6, 6, 8, 8, seed=20)
    assert_close(lab.scaled_dot_product_attention(q, k, v), sdpa(q, k, v), **F32, what="attention output")


@pytest.mark.points(2)
def test_attention_matches_sdpa_float64(lab):
    """No mask, float64: output matches SDPA to float64 precision and stays float64."""
    q, k, v = qkv((2, 3), 6, 6, 8, 8, seed=21, dtype=torch.float64)
    assert_close(lab.scaled_dot_product_attention(q, k, v), sdpa(q, k, v), **F64, what="attention output (float64)")


@pytest.mark.points(2)
def test_value_dim_differs_from_key_dim(lab):
    """With Ev != E and L != S the output has shape (..., L, Ev) and is scaled by 1/sqrt(E), as SDPA."""
    for E, Ev in ((8, 3), (4, 16)):
        q, k, v = qkv((2,), 5, 7, E, Ev, seed=22 + E)
        assert_close(lab.scaled_dot_product_attention(q, k, v), sdpa(q, k, v), **F32, what=f"output with E={E}, Ev={Ev}")


@pytest.mark.parametrize(
    "scale",
    [
        pytest.param(0.0, id="zero", marks=pytest.mark.points(2)),
        pytest.param(None, id="none", marks=pytest.mark.points(1)),
        pytest.param(1.0, id="one", marks=pytest.mark.points(1)),
        pytest.param(0.37, id="other", marks=pytest.mark.points(1)),
        pytest.param(-0.5, id="negative", marks=pytest.mark.points(1)),
    ],
)
def test_explicit_scale(lab, scale):
    """An explicit scale replaces 1/sqrt(E) as it is (0.0 gives uniform weights, 1.0 no scaling); None means 1/sqrt(E)."""
    q, k, v = qkv((2,), 5, 6, 8, 4, seed=25)
    mask = bool_mask((5, 6), seed=26)
    for kwargs in ({}, {"attn_mask": mask}):
        out, weights = lab.scaled_dot_product_attention(q, k, v, scale=scale, need_weights=True, **kwargs)
        what = f"scale={scale}" + (" with a bool mask" if kwargs else "")
        assert_close(out, sdpa(q, k, v, scale=scale, **kwargs), **F32, what=f"output with {what}")
        scores = q @ k.transpose(-2, -1) * (8**-0.5 if scale is None else scale)
        if kwargs:
            scores = scores.masked_fill(~mask, float("-inf"))
        assert_close(weights, torch.softmax(scores, dim=-1), **F32, what=f"weights with {what}")


@pytest.mark.points(3)
def test_causal_matches_sdpa_square(lab):
    """is_causal=True with L == S: query i attends keys 0..i, matching SDPA."""
    q, k, v = qkv((2, 2), 7, 7, 8, 8, seed=30)
    assert_close(
        lab.scaled_dot_product_attention(q, k, v, is_causal=True), sdpa(q, k, v, is_causal=True), **F32, what="causal output"
    )


@pytest.mark.points(2)
@pytest.mark.parametrize("L, S", [(4, 9), (9, 4)], ids=["more_keys", "more_queries"])
def test_causal_matches_sdpa_non_square(lab, L, S):
    """is_causal=True with L != S uses SDPA's top-left aligned lower triangle."""
    q, k, v = qkv((2,), L, S, 8, 8, seed=31 + L)
    assert_close(
        lab.scaled_dot_product_attention(q, k, v, is_causal=True),
        sdpa(q, k, v, is_causal=True),
        **F32,
        what=f"causal output with L={L}, S={S}",
    )


@pytest.mark.points(3)
def test_bool_mask_matches_sdpa(lab):
    """A bool attn_mask (True = may attend), broadcast (L, S) or full shape, matches SDPA."""
    q, k, v = qkv((2, 3), 5, 7, 8, 8, seed=40)
    for shape in ((5, 7), (2, 3, 5, 7)):
        mask = bool_mask(shape, seed=41)
        assert_close(
            lab.scaled_dot_product_attention(q, k, v, attn_mask=mask),
            sdpa(q, k, v, attn_mask=mask),
            **F32,
            what=f"output with a bool mask of shape {shape}",
        )


@pytest.mark.points(3)
def test_float_mask_matches_sdpa(lab):
    """A float attn_mask is added to the scores (-inf entries forbid), matching SDPA."""
    q, k, v = qkv((2, 3), 5, 7, 8, 8, seed=42)
    mask = randn(2, 3, 5, 7, seed=43)
    mask = mask.masked_fill(~bool_mask((2, 3, 5, 7), seed=44), float("-inf"))
    assert_close(
        lab.scaled_dot_product_attention(q, k, v, attn_mask=mask),
        sdpa(q, k, v, attn_mask=mask),
        **F32,
        what="output with a float mask",
    )


@pytest.mark.points(3)
def test_key_padding_mask_matches_sdpa(lab):
    """key_padding_mask (True = padding, not attended) matches SDPA with the equivalent attn_mask."""
    q, k, v = qkv((3,), 6, 6, 8, 8, seed=45)
    padding = right_padding([6, 4, 1], 6)
    assert_close(
        lab.scaled_dot_product_attention(q, k, v, key_padding_mask=padding),
        sdpa(q, k, v, attn_mask=~padding[:, None, :]),
        **F32,
        what="output with a (batch, S) key padding mask",
    )
    q, k, v = qkv((3, 2), 5, 6, 8, 8, seed=46)
    assert_close(
        lab.scaled_dot_product_attention(q, k, v, key_padding_mask=padding[:, None, :]),
        sdpa(q, k, v, attn_mask=~padding[:, None, None, :]),
        **F32,
        what="output with a (batch, 1, S) key padding mask and head dims",
    )


@pytest.mark.points(2)
def test_arbitrary_batch_dims(lab):
    """Any number of leading batch dims works, none included."""
    for batch in ((), (2, 1, 3)):
        q, k, v = qkv(batch, 5, 6, 8, 8, seed=50 + len(batch))
        assert_close(lab.scaled_dot_product_attention(q, k, v), sdpa(q, k, v), **F32, what=f"output with batch dims {batch}")


@pytest.mark.points(3)
def test_fully_masked_rows_give_zeros(lab):
    """A query row that may attend no key gives zero weights, zero output and zero gradient, never NaN."""
    q, k, v = qkv((2,), 5, 6, 8, 8, seed=55, dtype=torch.float64)
    mask = bool_mask((2, 5, 6), seed=56)
    mask[0, 2] = False
    out, weights = lab.scaled_dot_product_attention(q, k, v, attn_mask=mask, need_weights=True)
    check(not bool(torch.isnan(out).any()), "the output has NaN for a fully masked query row")
    assert_close(out[0, 2], torch.zeros(8, dtype=torch.float64), what="the output row of a fully masked query")
    assert_close(weights[0, 2], torch.zeros(6, dtype=torch.float64), what="the weights of a fully masked query")
    expected = sdpa(q, k, v, attn_mask=mask)
    assert_close(out[1], expected[1], **F64, what="the rows that are not fully masked")
    assert_close(out[0, [0, 1, 3, 4]], expected[0, [0, 1, 3, 4]], **F64, what="the rows that are not fully masked")

    g = randn(2, 5, 8, seed=57, dtype=torch.float64)
    result = lab.vjp(lab.scaled_dot_product_attention, q, k, v, grad_output=g, wrt=(0, 1, 2), attn_mask=mask)
    for name, grad in zip("qkv", result.grads):
        check(grad is not None and not bool(torch.isnan(grad).any()), f"the gradient for {name} has NaN")
    assert_close(result.grads[0][0, 2], torch.zeros(8, dtype=torch.float64), what="the query gradient of a fully masked row")

    padding = right_padding([6, 0], 6)  # the second sequence is all padding
    out = lab.scaled_dot_product_attention(q, k, v, key_padding_mask=padding)
    assert_close(out[1], torch.zeros(5, 8, dtype=torch.float64), what="the output when every key is padding")


@pytest.mark.points(2)
def test_large_scores_are_stable(lab):
    """Scores of several hundred (exp overflows without max subtraction) still give SDPA's result."""
    q, k, v = qkv((2,), 6, 6, 16, 16, seed=60, dtype=torch.float64)
    q, k = 20 * q, 20 * k
    out = lab.scaled_dot_product_attention(q, k, v)
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "attention with large scores gave inf or NaN")
    assert_close(out, sdpa(q, k, v), **F64, what="attention output with large scores")


@pytest.mark.points(2)
def test_large_magnitudes_float32(lab):
    """float32 scores of a few hundred and a float mask of +-5000 give SDPA's result (no overflow to inf or NaN)."""
    q, k, v = qkv((2, 2), 6, 7, 16, 8, seed=61)
    q, k = 8 * q, 8 * k  # scores of order 100: exp overflows float32 without the max shift
    out = lab.scaled_dot_product_attention(q, k, v)
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "float32 attention with scores of a few hundred gave inf or NaN")
    assert_close(out, sdpa(q, k, v), atol=2e-4, rtol=2e-4, what="float32 output with large scores")

    q, k, v = qkv((2,), 5, 7, 8, 8, seed=62)
    bias = 5000.0 + randn(5, 7, seed=63)  # a large constant bias changes nothing after the max shift
    bias[:, 3] = -5000.0
    out = lab.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    check(torch.is_tensor(out) and bool(torch.isfinite(out).all()), "a float mask of +-5000 gave inf or NaN")
    assert_close(out, sdpa(q, k, v, attn_mask=bias), atol=2e-3, rtol=2e-3, what="float32 output with a float mask of +-5000")


def combined_mask(L: int, S: int, batch: tuple, dtype, *, causal=False, mask=None, padding=None) -> torch.Tensor:
    """The additive float mask equivalent to the given masks together."""
    m = torch.zeros(*batch, L, S, dtype=dtype)
    if causal:
        m = m.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if mask is not None:
        m = m.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else m + mask
    if padding is not None:
        m = m.masked_fill(padding.unsqueeze(-2), float("-inf"))
    return m


# (name, batch, L, S, dtype, scale, causal, attn_mask kind, padding lengths)
COMBOS = [
    ("causal_padding", (3,), 6, 6, torch.float32, None, True, None, [6, 4, 1]),
    ("causal_padding_more_queries", (3,), 7, 5, torch.float64, 0.5, True, None, [5, 3, 1]),
    ("causal_padding_more_keys", (2, 2), 4, 6, torch.float32, 0.0, True, None, [6, 2]),
    ("bool_padding", (3,), 5, 7, torch.float64, 0.0, False, "bool", [7, 5, 2]),
    ("float_padding", (2, 2), 5, 6, torch.float32, None, False, "float", [6, 3]),
    ("float_bias_only", (2,), 4, 6, torch.float64, 1.0, False, "bias", None),
    ("bool_scaled", (), 5, 5, torch.float32, 0.3, False, "bool", None),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("case", COMBOS, ids=[c[0] for c in COMBOS])
def test_options_in_combination(lab, case):
    """Masks, scale, dtypes and shapes together (causal + padding, bool/float mask + padding, ...): output and weights match SDPA."""
    name, batch, L, S, dtype, scale, causal, kind, lengths = case
    q, k, v = qkv(batch, L, S, 8, 5, seed=150 + len(name), dtype=dtype)
    kwargs: dict = {"is_causal": causal, "scale": scale}
    mask = padding = None
    if kind is not None:
        mask = bool_mask((L, S), seed=151)
        mask[:, 0] = True  # key 0 is never padding: no row is fully masked
        if kind != "bool":
            bias = randn(L, S, seed=152, dtype=dtype)
            mask = bias.masked_fill(~mask, float("-inf")) if kind == "float" else 3 * bias
        kwargs["attn_mask"] = mask
    if lengths is not None:
        padding = right_padding(lengths, S)
        if len(batch) == 2:
            padding = padding[:, None, :]  # (B, 1, S) against (B, H, L, S)
        kwargs["key_padding_mask"] = padding
    out, weights = lab.scaled_dot_product_attention(q, k, v, need_weights=True, **kwargs)
    additive = combined_mask(L, S, batch, dtype, causal=causal, mask=mask, padding=padding)
    tol = F64 if dtype == torch.float64 else F32
    assert_close(out, sdpa(q, k, v, attn_mask=additive, scale=scale), **tol, what=f"output ({name})")
    scores = q @ k.transpose(-2, -1) * (8**-0.5 if scale is None else scale)
    assert_close(weights, torch.softmax(scores + additive, dim=-1), **tol, what=f"weights ({name})")


@pytest.mark.points(1)
def test_returns_weights(lab):
    """need_weights=True returns (output, weights): weights are the softmax of the scaled scores and output == weights @ v."""
    q, k, v = qkv((2, 2), 5, 6, 8, 8, seed=65)
    out, weights = lab.scaled_dot_product_attention(q, k, v, need_weights=True)
    expected = torch.softmax(q @ k.transpose(-2, -1) / 8**0.5, dim=-1)
    assert_close(weights, expected, **F32, what="the attention weights")
    assert_close(out, weights @ v, **F32, what="output compared with weights @ value")


# ---- gradients ----------------------------------------------------------------------------------


def sdpa_grads(q, k, v, g, **kwargs):
    leaves = [t.clone().requires_grad_(True) for t in (q, k, v)]
    sdpa(*leaves, **kwargs).backward(g)
    return [t.grad for t in leaves]


@pytest.mark.points(3)
def test_gradients_match_sdpa_causal(lab):
    """Causal attention: gradients for q, k and v match autograd through SDPA (float64)."""
    q, k, v = qkv((2, 2), 6, 6, 5, 5, seed=70, dtype=torch.float64)
    g = randn(2, 2, 6, 5, seed=71, dtype=torch.float64)
    result = lab.vjp(lab.scaled_dot_product_attention, q, k, v, grad_output=g, wrt=(0, 1, 2), is_causal=True)
    assert_close(result.output, sdpa(q, k, v, is_causal=True), **F64, what="the output")
    for name, grad, expected in zip("qkv", result.grads, sdpa_grads(q, k, v, g, is_causal=True)):
        assert_close(grad, expected, **F64_GRAD, what=f"the gradient for {name}")


@pytest.mark.points(2)
def test_gradients_match_sdpa_masks(lab):
    """Bool attn_mask plus key padding mask: gradients match autograd through SDPA (float64)."""
    q, k, v = qkv((3,), 5, 7, 6, 6, seed=72, dtype=torch.float64)
    mask = bool_mask((5, 7), seed=73, p_allowed=0.7)
    mask[:, 0] = True  # key 0 is never padding, so no row is fully masked
    padding = right_padding([7, 5, 3], 7)
    g = randn(3, 5, 6, seed=74, dtype=torch.float64)
    result = lab.vjp(
        lab.scaled_dot_product_attention, q, k, v, grad_output=g, wrt=(0, 1, 2), attn_mask=mask, key_padding_mask=padding
    )
    combined = mask & ~padding[:, None, :]
    for name, grad, expected in zip("qkv", result.grads, sdpa_grads(q, k, v, g, attn_mask=combined)):
        assert_close(grad, expected, **F64_GRAD, what=f"the gradient for {name}")


@pytest.mark.points(1)
def test_gradients_match_finite_differences(lab):
    """The gradients agree with finite differences of your own forward (float64, causal, Ev != E)."""
    q, k, v = qkv((2,), 4, 4, 5, 3, seed=75, dtype=torch.float64)
    g = randn(2, 4, 3, seed=76, dtype=torch.float64)
    dq, dk, dv = qkv((2,), 4, 4, 5, 3, seed=77, dtype=torch.float64)
    result = lab.vjp(lab.scaled_dot_product_attention, q, k, v, grad_output=g, wrt=(0, 1, 2), is_causal=True)
    predicted = sum(float((grad * d).sum()) for grad, d in zip(result.grads, (dq, dk, dv)))
    h = 1e-5

    def f(t: float) -> float:
        out = lab.scaled_dot_product_attention(q + t * dq, k + t * dk, v + t * dv, is_causal=True)
        return float((out * g).sum())

    numeric = (f(h) - f(-h)) / (2 * h)
    assert_close(predicted, numeric, atol=1e-6, rtol=1e-6, what="the directional derivative")


# ---- dropout ------------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_dropout_off_equals_no_dropout(lab):
    """dropout_p=0, or training=False with dropout_p > 0, gives exactly the dropout-free result."""
    q, k, v = qkv((2, 2), 6, 6, 8, 8, seed=80)
    plain = lab.scaled_dot_product_attention(q, k, v, is_causal=True)
    zero_p = lab.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=0.0, training=True)
    evaluating = lab.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=0.5, training=False)
    assert_close(zero_p, plain, atol=0, rtol=0, what="output with dropout_p=0")
    assert_close(evaluating, plain, atol=0, rtol=0, what="output with training=False")


@pytest.mark.points(1)
@pytest.mark.parametrize("p", [0.25, 0.6])
def test_dropout_statistics(lab, p):
    """Dropout zeroes a fraction p of the weights, scales the kept ones by 1/(1-p), and output == weights @ v."""
    q, k, v = qkv((64,), 32, 32, 8, 8, seed=81)
    _, clean = lab.scaled_dot_product_attention(q, k, v, need_weights=True)
    lab.manual_seed(82)
    out, dropped = lab.scaled_dot_product_attention(q, k, v, dropout_p=p, need_weights=True)
    check(dropped.shape == clean.shape, "the weights returned with dropout have the wrong shape")
    zero = dropped == 0
    fraction = float(zero.double().mean())
    check(abs(fraction - p) < 0.01, f"dropout zeroed {fraction:.3f} of the weights instead of about p")
    kept = ~zero
    assert_close(dropped[kept], clean[kept] / (1 - p), atol=1e-7, rtol=1e-5, what="the weights kept by dropout")
    assert_close(out, dropped @ v, **F32, what="output compared with the dropped-out weights @ value")


@pytest.mark.points(2)
def test_dropout_is_unbiased(lab):
    """The average output with dropout over many draws equals the output without dropout."""
    q, k, v = (t.expand(8000, -1, -1).contiguous() for t in qkv((1,), 4, 4, 8, 8, seed=83))
    clean = lab.scaled_dot_product_attention(q[:1], k[:1], v[:1])[0]
    lab.manual_seed(84)
    noisy = lab.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert_close(noisy.mean(dim=0), clean, atol=0.05, rtol=0, what="the average output with dropout")


@pytest.mark.points(1)
def test_dropout_same_seed_same_output(lab):
    """With the global seed set the same way, dropout gives the same output; another seed gives another one."""
    q, k, v = qkv((2, 2), 8, 8, 8, 8, seed=85)
    runs = []
    for seed in (86, 86, 87):
        lab.manual_seed(seed)
        runs.append(lab.scaled_dot_product_attention(q, k, v, dropout_p=0.5))
    assert_close(runs[1], runs[0], atol=0, rtol=0, what="a second run with the same seed")
    check(not torch.equal(runs[2], runs[0]), "a different seed gave the same dropout output")


@pytest.mark.points(2)
def test_dropout_each_weight_independently(lab):
    """Dropout draws each weight on its own: the zero count per row has binomial variance; rows, heads and batch copies differ."""
    p, S = 0.3, 16
    q, k, v = (t.expand(64, 4, -1, -1).contiguous() for t in qkv((1, 1), 16, S, 8, 8, seed=89))  # identical copies
    lab.manual_seed(90)
    _, dropped = lab.scaled_dot_product_attention(q, k, v, dropout_p=p, need_weights=True)
    zero = (dropped == 0).double()  # (64, 4, 16, S): the clean weights are never 0
    per_row = zero.sum(dim=-1).flatten()
    mean, var = float(per_row.mean()), float(per_row.var())
    check(abs(mean - S * p) < 0.15, "the mean number of dropped weights per row is not S * p")
    check(0.8 < var / (S * p * (1 - p)) < 1.2, "the number of dropped weights per row does not vary like independent draws per weight")
    per_column = zero.sum(dim=-2).flatten()  # the same key dropped in every row would show here
    check(0.8 < float(per_column.var()) / (16 * p * (1 - p)) < 1.2, "dropped weights are correlated along a column")
    flat = zero.reshape(64, 4, -1)
    same_copy = float((flat[1:] == flat[:-1]).all(dim=-1).double().mean())
    same_head = float((flat[:, 1:] == flat[:, :-1]).all(dim=-1).double().mean())
    same_row = float((zero[:, :, 1:] == zero[:, :, :-1]).all(dim=-1).double().mean())
    check(same_copy == 0.0, "identical batch elements got the same dropout pattern")
    check(same_head == 0.0, "different heads got the same dropout pattern")
    check(same_row < 0.01, "consecutive query rows got the same dropout pattern")


@pytest.mark.points(2)
def test_dropout_gradients(lab):
    """With dropout, gradients flow through the kept weights only (scaled by 1/(1-p)), matching your own dropout pattern."""
    p = 0.4
    q, k, v = qkv((2, 2), 5, 6, 4, 3, seed=91, dtype=torch.float64)
    g = randn(2, 2, 5, 3, seed=92, dtype=torch.float64)
    lab.manual_seed(93)
    result = lab.vjp(
        lab.scaled_dot_product_attention, q, k, v, grad_output=(g, None), wrt=(0, 1, 2), dropout_p=p, need_weights=True
    )
    out, dropped = result.output
    keep = dropped != 0
    check(0 < int(keep.sum()) < keep.numel(), "with dropout_p=0.4 either nothing or everything was dropped")
    leaves = [t.clone().requires_grad_(True) for t in (q, k, v)]
    clean = torch.softmax(leaves[0] @ leaves[1].transpose(-2, -1) / 2.0, dim=-1)
    expected_weights = clean * keep / (1 - p)
    expected = expected_weights @ leaves[2]
    expected.backward(g)
    assert_close(dropped, expected_weights.detach(), **F64, what="the kept weights")
    assert_close(out, expected.detach(), **F64, what="the output with dropout")
    for name, grad, leaf in zip("qkv", result.grads, leaves):
        assert_close(grad, leaf.grad, **F64_GRAD, what=f"the gradient for {name} with dropout")


@pytest.mark.points(1)
def test_no_random_numbers_without_dropout(lab):
    """training=False or dropout_p=0 draws no random numbers (generator and global state unchanged); dropout does draw."""
    torch_in_worker = lab.get("torch")
    q, k, v = qkv((2,), 4, 4, 8, 8, seed=94)
    for kwargs in ({"dropout_p": 0.0, "training": True}, {"dropout_p": 0.5, "training": False}):
        gen = torch_in_worker.Generator().manual_seed(5)
        before = gen.get_state()
        lab.scaled_dot_product_attention(q, k, v, generator=gen, **kwargs)
        check(torch.equal(gen.get_state(), before), f"attention with {kwargs} drew random numbers from the generator")
        lab.manual_seed(6)
        lab.scaled_dot_product_attention(q, k, v, **kwargs)
        after_call = torch_in_worker.rand(8)
        lab.manual_seed(6)
        check(torch.equal(torch_in_worker.rand(8), after_call), f"attention with {kwargs} drew from torch's global generator")
    gen = torch_in_worker.Generator().manual_seed(5)
    before = gen.get_state()
    lab.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=gen)
    check(not torch.equal(gen.get_state(), before), "dropout with a generator did not draw from it")


@pytest.mark.points(1)
def test_dropout_uses_generator(lab):
    """Dropout draws from the given torch.Generator: the same generator seed gives the same output."""
    torch_in_worker = lab.get("torch")
    q, k, v = qkv((2, 2), 8, 8, 8, 8, seed=88)
    runs = []
    for global_seed, gen_seed in ((1, 7), (2, 7), (1, 8)):
        lab.manual_seed(global_seed)
        gen = torch_in_worker.Generator().manual_seed(gen_seed)
        runs.append(lab.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=gen))
    assert_close(runs[1], runs[0], atol=0, rtol=0, what="a run with the same generator seed")
    check(not torch.equal(runs[2], runs[0]), "a different generator seed gave the same dropout output")


# ---- input checks -------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_invalid_inputs_raise_value_error(lab):
    """Valid calls (sizes above 256, dropout_p at 0 and 0.99) work; mismatched E or S, dropout_p outside [0, 1) and attn_mask with is_causal raise ValueError."""
    q, k, v = qkv((1,), 3, 300, 300, 2, seed=95, dtype=torch.float64)  # sizes above 256 are distinct int objects
    assert_close(lab.scaled_dot_product_attention(q, k, v), sdpa(q, k, v), **F64, what="output with E = S = 300")
    q, k, v = qkv((2,), 4, 5, 8, 8, seed=90)
    mask = bool_mask((4, 5), seed=96)
    valid = {
        "dropout_p=0": dict(dropout_p=0.0),
        "dropout_p=0.99 with training=False": dict(dropout_p=0.99, training=False),
        "attn_mask with is_causal=False": dict(attn_mask=mask, is_causal=False),
    }
    for what, kwargs in valid.items():
        expected = sdpa(q, k, v, **{key: val for key, val in kwargs.items() if key == "attn_mask"})
        assert_close(lab.scaled_dot_product_attention(q, k, v, **kwargs), expected, **F32, what=f"output with {what}")
    lab.manual_seed(97)
    out = lab.scaled_dot_product_attention(q, k, v, dropout_p=0.99)
    check(torch.is_tensor(out) and out.shape == (2, 4, 8), "dropout_p=0.99 (allowed) did not give an output of the right shape")
    cases = {
        "query with a larger E than key": lambda: lab.scaled_dot_product_attention(q, k[..., :6], v),
        "query with a smaller E than key": lambda: lab.scaled_dot_product_attention(q[..., :6], k, v),
        "more keys than values": lambda: lab.scaled_dot_product_attention(q, k, v[:, :4]),
        "more values than keys": lambda: lab.scaled_dot_product_attention(q, k[:, :4], v),
        "dropout_p = 1": lambda: lab.scaled_dot_product_attention(q, k, v, dropout_p=1.0),
        "dropout_p = 1.5": lambda: lab.scaled_dot_product_attention(q, k, v, dropout_p=1.5),
        "dropout_p < 0": lambda: lab.scaled_dot_product_attention(q, k, v, dropout_p=-0.1),
        "dropout_p = 1 with training=False": lambda: lab.scaled_dot_product_attention(q, k, v, dropout_p=1.0, training=False),
        "attn_mask together with is_causal": lambda: lab.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=True),
    }
    for what, call in cases.items():
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"no ValueError for {what}")


# ---- the module ---------------------------------------------------------------------------------

PROJECTIONS = ("q_proj", "k_proj", "v_proj", "out_proj")


def random_state_dict(d: int, seed: int, dtype: torch.dtype = torch.float32, bias: bool = True) -> dict:
    sd = {}
    for i, name in enumerate(PROJECTIONS):
        sd[f"{name}.weight"] = randn(d, d, seed=seed + 2 * i, dtype=dtype) / d**0.5
        if bias:
            sd[f"{name}.bias"] = randn(d, seed=seed + 2 * i + 1, dtype=dtype) / 4
    return sd


def module_oracle(sd: dict, x: torch.Tensor, padding=None, is_causal=False) -> torch.Tensor:
    def proj(name, t):
        return F.linear(t, sd[f"{name}.weight"], sd.get(f"{name}.bias"))

    L = x.shape[-2]
    mask = combined_mask(L, L, (x.shape[0],), x.dtype, causal=is_causal, padding=padding)
    out = sdpa(proj("q_proj", x), proj("k_proj", x), proj("v_proj", x), attn_mask=mask)
    return proj("out_proj", out)


@pytest.mark.points(1)
def test_module_parameters(lab):
    """SelfAttention has exactly q_proj, k_proj, v_proj, out_proj (d_model x d_model), biases only with bias=True."""
    for bias in (True, False):
        m = lab.SelfAttention(16, bias=bias)
        shapes = {name: tuple(t.shape) for name, t in m.state_dict().items()}
        expected = {name: tuple(t.shape) for name, t in random_state_dict(16, 0, bias=bias).items()}
        check(set(shapes) == set(expected), f"state_dict keys (bias={bias}) are not the four projections' weight/bias")
        check(shapes == expected, f"state_dict shapes (bias={bias}) are wrong")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("plain", marks=pytest.mark.points(1)),
        pytest.param("causal", marks=pytest.mark.points(1)),
        pytest.param("padding", marks=pytest.mark.points(1)),
        pytest.param("no_bias", marks=pytest.mark.points(1)),
        pytest.param("float64_causal_padding", marks=pytest.mark.points(1)),
    ],
)
def test_module_matches_sdpa(lab, case):
    """SelfAttention with loaded weights (eval mode) matches projections + SDPA (plain, causal, key padding, no bias, float64)."""
    dtype = torch.float64 if case.startswith("float64") else torch.float32
    bias = case != "no_bias"
    sd = random_state_dict(16, seed=100, dtype=dtype, bias=bias)
    x = randn(3, 7, 16, seed=101, dtype=dtype)
    padding = right_padding([7, 5, 2], 7)
    m = lab.SelfAttention(16, bias=bias)
    if dtype == torch.float64:
        m.double()
    m.load_state_dict(sd)
    m.eval()
    if case in ("plain", "no_bias"):
        actual, expected = m(x), module_oracle(sd, x)
    elif case == "causal":
        actual, expected = m(x, is_causal=True), module_oracle(sd, x, is_causal=True)
    elif case == "padding":
        actual, expected = m(x, key_padding_mask=padding), module_oracle(sd, x, padding=padding)
    else:
        actual = m(x, key_padding_mask=padding, is_causal=True)
        expected = module_oracle(sd, x, padding=padding, is_causal=True)
    assert_close(actual, expected, **(F64 if dtype == torch.float64 else F32), what=f"SelfAttention output ({case})")


@pytest.mark.points(2)
def test_module_gradients(lab):
    """SelfAttention (float64, causal, key padding): input and parameter gradients match autograd through SDPA."""
    sd = random_state_dict(8, seed=110, dtype=torch.float64)
    x = randn(2, 5, 8, seed=111, dtype=torch.float64)
    g = randn(2, 5, 8, seed=112, dtype=torch.float64)
    padding = right_padding([5, 3], 5)
    m = lab.SelfAttention(8)
    m.double()
    m.load_state_dict(sd)
    result = lab.vjp(m, x, grad_output=g, wrt=(0,), params=True, key_padding_mask=padding, is_causal=True)

    leaves = {name: t.clone().requires_grad_(True) for name, t in sd.items()}
    xr = x.clone().requires_grad_(True)
    proj = lambda name, t: F.linear(t, leaves[f"{name}.weight"], leaves[f"{name}.bias"])  # noqa: E731
    mask = torch.ones(5, 5, dtype=torch.bool).tril() & ~padding[:, None, :]
    out = proj("out_proj", sdpa(proj("q_proj", xr), proj("k_proj", xr), proj("v_proj", xr), attn_mask=mask))
    out.backward(g)

    assert_close(result.output, out.detach(), **F64, what="SelfAttention output (float64)")
    assert_close(result.grads[0], xr.grad, **F64_GRAD, what="the gradient for x")
    check(set(result.param_grads) == set(leaves), "the parameter gradients are not for the four projections' weight/bias")
    for name, leaf in leaves.items():
        assert_close(result.param_grads[name], leaf.grad, **F64_GRAD, what=f"the gradient for {name}")


@pytest.mark.points(1)
def test_module_dropout_only_in_training(lab):
    """SelfAttention(dropout=0.5) changes the output in train mode and not in eval mode."""
    sd = random_state_dict(16, seed=120)
    x = randn(2, 6, 16, seed=121)
    m = lab.SelfAttention(16, dropout=0.5)
    m.load_state_dict(sd)
    m.train()
    lab.manual_seed(122)
    training = m(x)
    m.eval()
    assert_close(m(x), module_oracle(sd, x), **F32, what="SelfAttention output in eval mode")
    check(not torch.allclose(training, module_oracle(sd, x)), "dropout had no effect in train mode")


@pytest.mark.points(1)
def test_module_dropout_attribute_and_errors(lab):
    """SelfAttention stores dropout as a float; dropout 0 and 0.99 are accepted, 1, 1.5 and -0.1 raise ValueError."""
    for value in (0, 0.99):
        m = lab.SelfAttention(4, dropout=value)
        stored = m.dropout
        check(isinstance(stored, float) and stored == value, f"SelfAttention(dropout={value}).dropout is not the float {float(value)}")
    for value in (1.0, 1.5, -0.1):
        with pytest.raises(ValueError):
            lab.SelfAttention(4, dropout=value)
            pytest.fail(f"no ValueError for dropout={value}")


@pytest.mark.points(1)
def test_module_default_initialisation(lab):
    """The projections have nn.Linear's default initialisation: uniform in +-1/sqrt(d_model), weights and biases, all different."""
    lab.manual_seed(130)
    sd = lab.SelfAttention(64).state_dict()
    bound = 64**-0.5
    for name, t in sd.items():
        check(float(t.abs().max()) <= bound, f"{name} has values outside nn.Linear's default range")
        if name.endswith("weight"):
            std = float(t.std())
            check(0.9 < std / (bound / 3**0.5) < 1.1, f"{name} is not spread like nn.Linear's default initialisation")
        else:
            check(float(t.std()) > 0.3 * bound, f"{name} is not initialised like nn.Linear's default bias")
    weights = [sd[f"{name}.weight"] for name in PROJECTIONS]
    check(all(not torch.equal(a, b) for i, a in enumerate(weights) for b in weights[i + 1 :]), "two projections start with the same weights")


@pytest.mark.points(1)
def test_module_state_across_calls(lab):
    """forward leaves the mode and the parameters unchanged; eval calls repeat exactly; training calls draw new dropout."""
    sd = random_state_dict(8, seed=131)
    x = randn(2, 5, 8, seed=132)
    x_before = x.clone()
    m = lab.SelfAttention(8, dropout=0.3)
    m.load_state_dict(sd)
    m.train()
    lab.manual_seed(133)
    first = m(x)
    second = m(x)
    check(bool(m.training), "a forward call in train mode left the module in eval mode")
    check(not torch.equal(first, second), "two training calls gave the same dropout (the random state is not advancing)")
    m.eval()
    third, fourth = m(x), m(x)
    check(not bool(m.training), "a forward call in eval mode put the module in train mode")
    assert_close(fourth, third, atol=0, rtol=0, what="a second call in eval mode")
    assert_close(third, module_oracle(sd, x), **F32, what="the output in eval mode after training calls")
    after = m.state_dict()
    for name, t in sd.items():
        assert_close(after[name], t, atol=0, rtol=0, what=f"{name} after forward calls")
    assert_close(x, x_before, atol=0, rtol=0, what="the input x after forward calls")


@pytest.mark.points(1)
def test_module_dropout_on_attention_weights(lab):
    """In train mode, SelfAttention drops attention weights (kept ones scaled by 1/(1-p)), not outputs or inputs."""
    d, p = 8, 0.5
    sd = random_state_dict(d, seed=134)
    eye, zero = torch.eye(d), torch.zeros(d)
    sd.update({"v_proj.weight": eye, "v_proj.bias": zero, "out_proj.weight": eye, "out_proj.bias": zero})
    x = randn(40, 3, d, seed=135)
    m = lab.SelfAttention(d, dropout=p)
    m.load_state_dict(sd)
    m.train()
    lab.manual_seed(136)
    out = m(x)
    q, k = F.linear(x, sd["q_proj.weight"], sd["q_proj.bias"]), F.linear(x, sd["k_proj.weight"], sd["k_proj.bias"])
    clean = torch.softmax(q @ k.transpose(-2, -1) / d**0.5, dim=-1)  # (40, 3, 3)
    coefficients = out @ torch.linalg.pinv(x)  # out = weights @ x with x of full row rank
    scaled = coefficients / clean  # 0 (dropped) or 1 / (1 - p) (kept), per weight
    ok = ((scaled.abs() < 1e-3) | ((scaled - 1 / (1 - p)).abs() < 1e-3)).all()
    check(bool(ok), "in train mode the output is not (attention weights with dropout) @ values")
    dropped = float((scaled.abs() < 1e-3).double().mean())
    check(0.35 < dropped < 0.65, "the module did not drop about a fraction p of the attention weights")
