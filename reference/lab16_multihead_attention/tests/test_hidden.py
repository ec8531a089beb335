"""Hidden tests for lab 16 (multi-head attention).

The oracle is ``torch.nn.MultiheadAttention`` loaded with random weights (biases
included, so that a misplaced bias shows); the student's modules get the same
weights, either unchanged (the fused variants share its ``state_dict`` keys)
or split into ``q_proj``/``k_proj``/``v_proj``. Masks never leave a query
without any key (``nn.MultiheadAttention`` gives NaN there and the lab leaves
it unspecified). Dropout is compared only in eval mode; in train mode it is
only checked to change the output. Timings from ``compare_heads`` are only
checked to be positive floats.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from autograder.testing import assert_close, assert_equal, check

F32 = dict(atol=1e-5, rtol=1e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
F64_GRAD = dict(atol=1e-9, rtol=1e-8)

D, H = 16, 4  # d_model, num_heads
B, L, S = 3, 5, 7  # batch, queries, keys (cross-attention); self-attention uses S = L
NEG_INF = float("-inf")
PROJ = ("q_proj", "k_proj", "v_proj")
ROW_KEYS = ("num_heads", "head_dim", "parameters", "flops", "time_s")


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def oracle_with_weights(
    *, bias: bool = True, batch_first: bool = False, dtype: torch.dtype = torch.float32, seed: int = 0, d: int = D, h: int = H
) -> tuple[nn.MultiheadAttention, dict]:
    """nn.MultiheadAttention in eval mode with random weights and biases, and its state_dict."""
    mha = nn.MultiheadAttention(d, h, bias=bias, batch_first=batch_first, dtype=dtype)
    sd = {}
    for i, (name, t) in enumerate(mha.state_dict().items()):
        scale = d**-0.5 if t.dim() == 2 else 0.25
        sd[name] = randn(*t.shape, seed=seed + i, dtype=dtype) * scale
    mha.load_state_dict(sd)
    return mha.eval(), sd


def to_separate(sd: dict, d: int = D) -> dict:
    """nn.MultiheadAttention's state_dict in MultiHeadAttention's names (q_proj, k_proj, v_proj, out_proj)."""
    out = {}
    for i, name in enumerate(PROJ):
        out[f"{name}.weight"] = sd["in_proj_weight"][i * d : (i + 1) * d].clone()
        if "in_proj_bias" in sd:
            out[f"{name}.bias"] = sd["in_proj_bias"][i * d : (i + 1) * d].clone()
    for name in ("out_proj.weight", "out_proj.bias"):
        if name in sd:
            out[name] = sd[name].clone()
    return out


def right_padding(lengths: list[int], length: int) -> torch.Tensor:
    """Key padding mask (True = padding) for sequences of the given lengths."""
    return torch.arange(length)[None, :] >= torch.tensor(lengths)[:, None]


def forbidden(shape: tuple, seed: int, p: float = 0.35) -> torch.Tensor:
    """A random bool attn_mask in nn.MultiheadAttention's convention (True = may NOT attend); key 0 is always allowed."""
    mask = torch.rand(*shape, generator=torch.Generator().manual_seed(seed)) < p
    mask[..., 0] = False
    return mask


def float_mask(shape: tuple, seed: int) -> torch.Tensor:
    """A float attn_mask: a random bias with some -inf entries (never in key column 0)."""
    return randn(*shape, seed=seed).masked_fill(forbidden(shape, seed + 1), NEG_INF)


# ---- the option combinations compared with nn.MultiheadAttention --------------------------------------

CASES = {
    "self_attention": dict(self_attn=True, batch_first=True),
    "cross_attention_seq_first": dict(batch_first=False),
    "cross_attention_batch_first": dict(batch_first=True),
    "key_padding_mask": dict(batch_first=True, padding=True),
    "attn_mask_bool": dict(batch_first=False, attn="bool"),
    "attn_mask_float": dict(batch_first=True, attn="float"),
    "attn_mask_per_head": dict(batch_first=False, attn="bool_3d"),
    "padding_and_attn_mask": dict(batch_first=True, padding=True, attn="bool"),
    "causal": dict(self_attn=True, batch_first=True, causal=True),
    "causal_and_padding": dict(self_attn=True, batch_first=False, causal=True, padding=True),
    "per_head_weights": dict(batch_first=True, padding=True, average=False),
    "no_bias": dict(batch_first=False, bias=False),
}


def case_data(name: str, dtype: torch.dtype = torch.float32, seed: int = 0):
    """Inputs and keyword arguments for one case: (q, k, v), kwargs for the student, kwargs for the oracle."""
    c = CASES[name]
    if c.get("self_attn"):
        x = randn(B, L, D, seed=seed + 10, dtype=dtype)
        q = k = v = x
        s = L
    else:
        q = randn(B, L, D, seed=seed + 11, dtype=dtype)
        k, v = randn(B, S, D, seed=seed + 12, dtype=dtype), randn(B, S, D, seed=seed + 13, dtype=dtype)
        s = S
    if not c["batch_first"]:
        q, k, v = (t.transpose(0, 1).contiguous() for t in (q, k, v))
    student, oracle = {}, {}
    if c.get("padding"):
        student["key_padding_mask"] = oracle["key_padding_mask"] = right_padding([s, s - 2, 2], s)
    attn = c.get("attn")
    if attn == "bool":
        student["attn_mask"] = oracle["attn_mask"] = forbidden((L, s), seed + 14)
    elif attn == "float":
        student["attn_mask"] = oracle["attn_mask"] = float_mask((L, s), seed + 15).to(dtype)
    elif attn == "bool_3d":
        student["attn_mask"] = oracle["attn_mask"] = forbidden((B * H, L, s), seed + 16)
    if c.get("causal"):
        student["is_causal"] = True
        oracle["attn_mask"] = ~torch.ones(L, s, dtype=torch.bool).tril()
    if c.get("average") is False:
        student["average_attn_weights"] = oracle["average_attn_weights"] = False
    return (q, k, v), student, oracle


def oracle_for(name: str, dtype: torch.dtype = torch.float32, seed: int = 0):
    c = CASES[name]
    return oracle_with_weights(bias=c.get("bias", True), batch_first=c["batch_first"], dtype=dtype, seed=seed)


def student_module(lab, cls: str, name: str, sd: dict, dtype: torch.dtype = torch.float32, **kwargs):
    """The student's module for a case, with the oracle's weights, in eval mode."""
    c = CASES[name]
    m = getattr(lab, cls)(d_model=D, num_heads=H, bias=c.get("bias", True), batch_first=c["batch_first"], **kwargs)
    if dtype == torch.float64:
        m.double()
    m.load_state_dict(sd if cls != "MultiHeadAttention" else to_separate(sd))
    m.eval()
    return m


def compare_with_oracle(lab, cls: str, name: str) -> None:
    oracle, sd = oracle_for(name)
    m = student_module(lab, cls, name, sd)
    (q, k, v), kwargs, oracle_kwargs = case_data(name)
    expected_out, expected_weights = (t.detach() for t in oracle(q, k, v, need_weights=True, **oracle_kwargs))
    result = m(q, k, v, need_weights=True, **kwargs)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "forward should return a tuple (output, weights)")
    out, weights = result
    assert_close(out, expected_out, **F32, what=f"{cls} output ({name})")
    check(weights is not None, f"{cls} returned no attention weights with need_weights=True ({name})")
    assert_close(weights, expected_weights, **F32, what=f"{cls} attention weights ({name})")


def case_params(names: list[str], points: dict[str, int]) -> list:
    return [pytest.param(name, marks=pytest.mark.points(points[name])) for name in names]


# ---- split / merge heads ------------------------------------------------------------------------


@pytest.mark.points(3)
def test_split_heads(lab):
    """split_heads gives head h the h-th block of head_dim features of every position, with any leading dims."""
    for shape, h in (((2, 5, 12), 3), ((5, 12), 4), ((2, 3, 4, 8), 2)):
        x = randn(*shape, seed=sum(shape))
        *lead, length, d = shape
        expected = x.reshape(*lead, length, h, d // h).transpose(-3, -2)
        assert_close(lab.split_heads(x, h), expected, atol=0, rtol=0, what=f"split_heads of shape {shape} into {h} heads")


@pytest.mark.points(2)
def test_merge_heads_inverts_split(lab):
    """merge_heads maps (..., H, L, head_dim) to (..., L, H * head_dim) and undoes split_heads."""
    x = randn(2, 3, 5, 4, seed=1)
    assert_close(lab.merge_heads(x), x.transpose(1, 2).reshape(2, 5, 12), atol=0, rtol=0, what="merge_heads")
    y = randn(4, 6, 12, seed=2)
    assert_close(lab.merge_heads(lab.split_heads(y, 3)), y, atol=0, rtol=0, what="merge_heads(split_heads(x))")


# ---- build_attention_mask -----------------------------------------------------------------------


def additive(mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype).masked_fill(mask, NEG_INF)
    return mask.to(dtype)


MASK_CASES = {
    "bool_attn_mask": 2,
    "float_attn_mask_per_head": 1,
    "key_padding_mask": 2,
    "causal": 1,
    "all_combined": 1,
}


@pytest.mark.points(1)
def test_build_attention_mask_none(lab):
    """build_attention_mask returns None when no mask is given."""
    check(lab.build_attention_mask(B, H, L, S) is None, "build_attention_mask should return None without masks")


@pytest.mark.parametrize("case", case_params(list(MASK_CASES), MASK_CASES))
def test_build_attention_mask(lab, case):
    """build_attention_mask gives the (B, H, L, S) additive mask: bool True = -inf, float added, padding on the key axis."""
    dtype = torch.float64 if case == "all_combined" else torch.float32
    kwargs, expected = {}, torch.zeros(B, H, L, S, dtype=dtype)
    if case in ("bool_attn_mask", "all_combined"):
        kwargs["attn_mask"] = forbidden((L, S), seed=20)
        expected = expected + additive(kwargs["attn_mask"], dtype)
    if case == "float_attn_mask_per_head":
        kwargs["attn_mask"] = float_mask((B * H, L, S), seed=21)
        expected = expected + kwargs["attn_mask"].view(B, H, L, S)
    if case in ("key_padding_mask", "all_combined"):
        kwargs["key_padding_mask"] = right_padding([S, 4, 1], S)
        expected = expected + additive(kwargs["key_padding_mask"], dtype)[:, None, None, :]
    if case in ("causal", "all_combined"):
        kwargs["is_causal"] = True
        expected = expected + additive(~torch.ones(L, S, dtype=torch.bool).tril(), dtype)
    actual = lab.build_attention_mask(B, H, L, S, dtype=dtype, **kwargs)
    check(actual is not None, "build_attention_mask returned None although a mask was given")
    check(torch.is_tensor(actual) and tuple(actual.shape) == (B, H, L, S), f"the combined mask ({case}) should be (B, H, L, S)")
    check(torch.equal(actual.isneginf(), expected.isneginf()), f"the combined mask ({case}) has -inf in the wrong places")
    finite = expected.isfinite()
    actual_finite, expected_finite = actual.masked_fill(~finite, 0), expected.masked_fill(~finite, 0)
    assert_close(actual_finite, expected_finite, atol=0, rtol=0, what=f"the finite entries of the combined mask ({case})")


# ---- MultiHeadAttention (separate projections) --------------------------------------------------


@pytest.mark.points(2)
def test_mha_state_dict(lab):
    """MultiHeadAttention has exactly q_proj, k_proj, v_proj, out_proj (d_model x d_model), biases only with bias=True."""
    for bias in (True, False):
        m = lab.MultiHeadAttention(d_model=D, num_heads=H, bias=bias)
        shapes = {name: tuple(t.shape) for name, t in m.state_dict().items()}
        _, sd = oracle_with_weights(bias=bias)
        expected = {name: tuple(t.shape) for name, t in to_separate(sd).items()}
        check(set(shapes) == set(expected), f"state_dict keys (bias={bias}) are not the four projections' weight/bias")
        check(shapes == expected, f"state_dict shapes (bias={bias}) are wrong")


MHA_POINTS = {
    "self_attention": 2,
    "cross_attention_seq_first": 2,
    "cross_attention_batch_first": 2,
    "key_padding_mask": 3,
    "attn_mask_bool": 2,
    "attn_mask_float": 2,
    "attn_mask_per_head": 2,
    "padding_and_attn_mask": 1,
    "causal": 2,
    "causal_and_padding": 2,
    "per_head_weights": 3,
    "no_bias": 1,
}


@pytest.mark.parametrize("case", case_params(list(MHA_POINTS), MHA_POINTS))
def test_mha_matches_torch(lab, case):
    """MultiHeadAttention with nn.MultiheadAttention's weights gives its output and attention weights."""
    compare_with_oracle(lab, "MultiHeadAttention", case)


@pytest.mark.points(2)
def test_mha_need_weights_false(lab):
    """need_weights=False returns (output, None) with the same output."""
    oracle, sd = oracle_for("key_padding_mask")
    m = student_module(lab, "MultiHeadAttention", "key_padding_mask", sd)
    (q, k, v), kwargs, oracle_kwargs = case_data("key_padding_mask", seed=30)
    result = m(q, k, v, need_weights=False, **kwargs)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "forward should return a tuple (output, None)")
    check(result[1] is None, "the weights should be None with need_weights=False")
    assert_close(result[0], oracle(q, k, v, **oracle_kwargs)[0].detach(), **F32, what="output with need_weights=False")


@pytest.mark.points(2)
def test_mha_float64(lab):
    """In float64 (module.double()) the output and weights match nn.MultiheadAttention to float64 precision."""
    name = "padding_and_attn_mask"
    oracle, sd = oracle_for(name, dtype=torch.float64, seed=40)
    m = student_module(lab, "MultiHeadAttention", name, sd, dtype=torch.float64)
    (q, k, v), kwargs, oracle_kwargs = case_data(name, dtype=torch.float64, seed=41)
    expected_out, expected_weights = (t.detach() for t in oracle(q, k, v, **oracle_kwargs))
    out, weights = m(q, k, v, **kwargs)
    assert_close(out, expected_out, **F64, what="float64 output")
    assert_close(weights, expected_weights, **F64, what="float64 attention weights")


def oracle_grads(oracle: nn.MultiheadAttention, q, k, v, g, **kwargs):
    leaves = [t.clone().requires_grad_(True) for t in (q, k, v)]
    oracle.zero_grad()
    out, _ = oracle(*leaves, need_weights=False, **kwargs)
    out.backward(g)
    return out.detach(), [t.grad for t in leaves], {name: p.grad for name, p in oracle.named_parameters()}


@pytest.mark.points(4)
def test_mha_gradients(lab):
    """MultiHeadAttention (float64, seq first, masks): gradients for query, key, value and every parameter match."""
    name = "padding_and_attn_mask"
    oracle, sd = oracle_with_weights(batch_first=False, dtype=torch.float64, seed=50)
    m = lab.MultiHeadAttention(d_model=D, num_heads=H)
    m.double()
    m.load_state_dict(to_separate(sd))
    (q, k, v), kwargs, oracle_kwargs = case_data(name, dtype=torch.float64, seed=51)
    q, k, v = (t.transpose(0, 1).contiguous() for t in (q, k, v))  # this case is batch first; the module is not
    g = randn(L, B, D, seed=52, dtype=torch.float64)
    result = lab.vjp(m, q, k, v, grad_output=g, wrt=(0, 1, 2), params=True, need_weights=False, **kwargs)
    expected_out, expected_grads, expected_params = oracle_grads(oracle, q, k, v, g, **oracle_kwargs)

    output = result.output[0] if isinstance(result.output, (tuple, list)) else result.output
    assert_close(output, expected_out, **F64, what="output (float64)")
    for which, grad, expected in zip(("query", "key", "value"), result.grads, expected_grads):
        assert_close(grad, expected, **F64_GRAD, what=f"the gradient for {which}")
    expected_separate = to_separate(expected_params)
    check(set(result.param_grads) == set(expected_separate), "the parameter gradients are not for the four projections")
    for pname, expected in expected_separate.items():
        assert_close(result.param_grads[pname], expected, **F64_GRAD, what=f"the gradient for {pname}")


@pytest.mark.points(2)
def test_mha_dropout_only_in_training(lab):
    """MultiHeadAttention(dropout=0.5) changes the output in train mode and matches nn.MultiheadAttention in eval mode."""
    oracle, sd = oracle_for("self_attention", seed=60)
    (x, _, _), _, _ = case_data("self_attention", seed=61)
    m = lab.MultiHeadAttention(d_model=D, num_heads=H, dropout=0.5, batch_first=True)
    m.load_state_dict(to_separate(sd))
    expected = oracle(x, x, x)[0].detach()
    m.train()
    lab.manual_seed(62)
    training = m(x, x, x)[0]
    check(not torch.allclose(training, expected), "dropout had no effect in train mode")
    m.eval()
    assert_close(m(x, x, x)[0], expected, **F32, what="output in eval mode with dropout=0.5")


# ---- FusedMultiHeadAttention and the functional form --------------------------------------------


@pytest.mark.points(3)
def test_fused_state_dict_matches_torch(lab):
    """FusedMultiHeadAttention's state_dict has nn.MultiheadAttention's keys and shapes (bias on and off), finite at init."""
    for bias in (True, False):
        m = lab.FusedMultiHeadAttention(d_model=D, num_heads=H, bias=bias)
        sd = m.state_dict()
        expected = {name: tuple(t.shape) for name, t in nn.MultiheadAttention(D, H, bias=bias).state_dict().items()}
        check(set(sd) == set(expected), f"state_dict keys (bias={bias}) differ from nn.MultiheadAttention's")
        check({name: tuple(t.shape) for name, t in sd.items()} == expected, f"state_dict shapes (bias={bias}) are wrong")
        check(all(bool(torch.isfinite(t).all()) for t in sd.values()), "a freshly built module has non-finite parameters")


FUSED_POINTS = {"self_attention": 2, "cross_attention_seq_first": 2, "padding_and_attn_mask": 2, "per_head_weights": 2}


@pytest.mark.parametrize("case", case_params(list(FUSED_POINTS), FUSED_POINTS))
def test_fused_matches_torch(lab, case):
    """FusedMultiHeadAttention loads nn.MultiheadAttention's state_dict unchanged and gives its output and weights."""
    compare_with_oracle(lab, "FusedMultiHeadAttention", case)


@pytest.mark.points(3)
def test_fused_gradients(lab):
    """FusedMultiHeadAttention (float64): input and parameter gradients match, under nn.MultiheadAttention's names."""
    name = "causal_and_padding"
    oracle, sd = oracle_for(name, dtype=torch.float64, seed=70)
    m = student_module(lab, "FusedMultiHeadAttention", name, sd, dtype=torch.float64)
    (q, k, v), kwargs, oracle_kwargs = case_data(name, dtype=torch.float64, seed=71)
    g = randn(L, B, D, seed=72, dtype=torch.float64)
    result = lab.vjp(m, q, k, v, grad_output=g, wrt=(0, 1, 2), params=True, need_weights=False, **kwargs)
    expected_out, expected_grads, expected_params = oracle_grads(oracle, q, k, v, g, **oracle_kwargs)

    output = result.output[0] if isinstance(result.output, (tuple, list)) else result.output
    assert_close(output, expected_out, **F64, what="output (float64)")
    for which, grad, expected in zip(("query", "key", "value"), result.grads, expected_grads):
        assert_close(grad, expected, **F64_GRAD, what=f"the gradient for {which}")
    check(set(result.param_grads) == set(expected_params), "the parameter names differ from nn.MultiheadAttention's")
    for pname, expected in expected_params.items():
        assert_close(result.param_grads[pname], expected, **F64_GRAD, what=f"the gradient for {pname}")


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("self_attention_causal", marks=pytest.mark.points(2)),
        pytest.param("cross_attention", marks=pytest.mark.points(2)),
    ],
)
def test_functional_matches_torch(lab, case):
    """multi_head_attention_forward (batch first) with nn.MultiheadAttention's weights gives its output and weights."""
    oracle, sd = oracle_with_weights(batch_first=True, seed=80)
    weights = (sd["in_proj_weight"], sd["in_proj_bias"], sd["out_proj.weight"], sd["out_proj.bias"])
    if case == "self_attention_causal":
        x = randn(B, L, D, seed=81)
        causal = ~torch.ones(L, L, dtype=torch.bool).tril()
        expected_out, expected_weights = oracle(x, x, x, attn_mask=causal)
        out, actual_weights = lab.multi_head_attention_forward(x, *weights, H, is_causal=True, need_weights=True)
    else:
        q, k, v = randn(B, L, D, seed=82), randn(B, S, D, seed=83), randn(B, S, D, seed=84)
        padding = right_padding([S, 3, 5], S)
        expected_out, expected_weights = oracle(q, k, v, key_padding_mask=padding, average_attn_weights=False)
        out, actual_weights = lab.multi_head_attention_forward(
            q, *weights, H, key=k, value=v, key_padding_mask=padding, need_weights=True, average_attn_weights=False
        )
    assert_close(out, expected_out.detach(), **F32, what=f"output ({case})")
    assert_close(actual_weights, expected_weights.detach(), **F32, what=f"attention weights ({case})")


# ---- EfficientMultiHeadAttention (SDPA) ---------------------------------------------------------

EFFICIENT_POINTS = {"causal": 2, "padding_and_attn_mask": 2, "cross_attention_seq_first": 2}


@pytest.mark.parametrize("case", case_params(list(EFFICIENT_POINTS), EFFICIENT_POINTS))
def test_efficient_matches_torch(lab, case):
    """EfficientMultiHeadAttention matches nn.MultiheadAttention: with need_weights=False (None weights) and True."""
    oracle, sd = oracle_for(case, seed=90)
    m = student_module(lab, "EfficientMultiHeadAttention", case, sd)
    (q, k, v), kwargs, oracle_kwargs = case_data(case, seed=91)
    expected_out, expected_weights = (t.detach() for t in oracle(q, k, v, **oracle_kwargs))
    out, weights = m(q, k, v, need_weights=False, **kwargs)
    check(weights is None, "the weights should be None with need_weights=False")
    assert_close(out, expected_out, **F32, what=f"output with need_weights=False ({case})")
    out, weights = m(q, k, v, need_weights=True, **kwargs)
    assert_close(out, expected_out, **F32, what=f"output with need_weights=True ({case})")
    assert_close(weights, expected_weights, **F32, what=f"attention weights ({case})")


@pytest.mark.points(2)
def test_efficient_gradients(lab):
    """EfficientMultiHeadAttention (float64, need_weights=False): input and parameter gradients match."""
    name = "padding_and_attn_mask"
    oracle, sd = oracle_for(name, dtype=torch.float64, seed=95)
    m = student_module(lab, "EfficientMultiHeadAttention", name, sd, dtype=torch.float64)
    (q, k, v), kwargs, oracle_kwargs = case_data(name, dtype=torch.float64, seed=96)
    g = randn(B, L, D, seed=97, dtype=torch.float64)
    result = lab.vjp(m, q, k, v, grad_output=g, wrt=(0, 1, 2), params=True, need_weights=False, **kwargs)
    _, expected_grads, expected_params = oracle_grads(oracle, q, k, v, g, **oracle_kwargs)
    for which, grad, expected in zip(("query", "key", "value"), result.grads, expected_grads):
        assert_close(grad, expected, **F64_GRAD, what=f"the gradient for {which}")
    check(set(result.param_grads) == set(expected_params), "the parameter names differ from nn.MultiheadAttention's")
    for pname, expected in expected_params.items():
        assert_close(result.param_grads[pname], expected, **F64_GRAD, what=f"the gradient for {pname}")


# ---- cost: FLOPs, parameters, time --------------------------------------------------------------


def flops_formula(b: int, lq: int, lk: int, d: int, h: int) -> int:
    projections = 2 * b * lq * d * d * 2 + 2 * b * lk * d * d * 2  # q and out; k and v
    attention = 2 * (2 * b * h * lq * lk * (d // h))  # scores and weights @ V
    return projections + attention


@pytest.mark.points(4)
def test_attention_flops_formula(lab):
    """attention_flops counts 2*m*n*k per matmul: four projections plus scores and weights @ V, as an int."""
    for args in ((2, 5, 7, 16, 4), (1, 1, 1, 8, 8), (3, 128, 64, 96, 12), (1, 10, 10, 64, 1), (4, 9, 3, 24, 6)):
        assert_equal(lab.attention_flops(*args), flops_formula(*args), what=f"attention_flops{args}")


def torch_parameter_count(d: int, h: int, bias: bool) -> int:
    return sum(p.numel() for p in nn.MultiheadAttention(d, h, bias=bias).parameters())


@pytest.mark.points(4)
def test_compare_heads_rows(lab):
    """compare_heads returns one row per head count, in order, with exactly the keys of ROW_KEYS, the right head_dim and flops."""
    head_counts = (1, 2, 8)
    rows = lab.compare_heads(32, 6, head_counts=head_counts, batch_size=2, repeats=2)
    check(isinstance(rows, list) and len(rows) == len(head_counts), "compare_heads should return one row per head count")
    for h, row in zip(head_counts, rows):
        check(isinstance(row, dict), "each row should be a dict")
        check(set(row) == set(ROW_KEYS), "a row should have exactly the keys of ROW_KEYS")
        assert_equal(row["num_heads"], h, what="num_heads")
        assert_equal(row["head_dim"], 32 // h, what=f"head_dim for {h} heads")
        assert_equal(row["flops"], flops_formula(2, 6, 6, 32, h), what=f"flops for {h} heads")


@pytest.mark.points(3)
def test_compare_heads_parameters_match_torch(lab):
    """compare_heads' parameter counts equal nn.MultiheadAttention's, with and without bias."""
    for bias in (True, False):
        rows = lab.compare_heads(24, 4, head_counts=(1, 6), bias=bias, repeats=1)
        for h, row in zip((1, 6), rows):
            assert_equal(row["parameters"], torch_parameter_count(24, h, bias), what=f"parameters for {h} heads (bias={bias})")


@pytest.mark.points(1)
def test_compare_heads_times_are_positive(lab):
    """compare_heads' time_s values are positive floats."""
    rows = lab.compare_heads(16, 4, head_counts=(1, 4), repeats=2)
    for row in rows:
        check(isinstance(row["time_s"], float) and row["time_s"] > 0, "time_s should be a positive float")


# ---- input checks -------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_invalid_inputs_raise_value_error(lab):
    """Indivisible d_model, bad dropout, wrong mask shapes, key without value and bad repeats raise ValueError."""
    x = randn(2, 4, 16, seed=100)
    w = randn(48, 16, seed=101)
    cases = {
        "MultiHeadAttention(10, 3)": lambda: lab.MultiHeadAttention(d_model=10, num_heads=3),
        "FusedMultiHeadAttention(10, 4)": lambda: lab.FusedMultiHeadAttention(d_model=10, num_heads=4),
        "dropout = 1": lambda: lab.MultiHeadAttention(d_model=16, num_heads=4, dropout=1.0),
        "split_heads with 12 features into 5 heads": lambda: lab.split_heads(randn(2, 3, 12, seed=102), 5),
        "attn_mask of the wrong shape": lambda: lab.build_attention_mask(
            2, 4, 5, 6, attn_mask=torch.zeros(6, 5, dtype=torch.bool)
        ),
        "key_padding_mask of the wrong shape": lambda: lab.build_attention_mask(
            2, 4, 5, 6, key_padding_mask=torch.zeros(2, 5, dtype=torch.bool)
        ),
        "key without value": lambda: lab.multi_head_attention_forward(x, w, None, w[:16], None, 4, key=x),
        "attention_flops with 10 features and 3 heads": lambda: lab.attention_flops(1, 4, 4, 10, 3),
        "compare_heads with 3 heads for 10 features": lambda: lab.compare_heads(10, 4, head_counts=(1, 3), repeats=1),
        "compare_heads with repeats=0": lambda: lab.compare_heads(8, 4, head_counts=(1,), repeats=0),
    }
    for what, call in cases.items():
        with pytest.raises(ValueError):
            call()
            pytest.fail(f"no ValueError for {what}")
