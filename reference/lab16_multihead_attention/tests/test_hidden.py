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

import time

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


def additive(mask: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype).masked_fill(mask, NEG_INF)
    return mask.to(dtype)


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
    "float_key_padding_mask": dict(batch_first=True, padding="float"),
    "float_padding_and_bool_attn_mask": dict(batch_first=False, padding="float", attn="bool", causal=True),
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
    if c.get("padding") == "float":  # a bias on each key, -inf on the padding
        padding = randn(B, s, seed=seed + 17, dtype=dtype).masked_fill(right_padding([s, s - 2, 2], s), NEG_INF)
        student["key_padding_mask"] = oracle["key_padding_mask"] = padding
    elif c.get("padding"):
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
        causal = ~torch.ones(L, s, dtype=torch.bool).tril()
        oracle["attn_mask"] = causal if "attn_mask" not in oracle else oracle["attn_mask"] | causal
    if c.get("average") is False:
        student["average_attn_weights"] = oracle["average_attn_weights"] = False
    if any(m.dtype != torch.bool for m in oracle.values() if torch.is_tensor(m)):  # the oracle wants one mask type
        for name in ("attn_mask", "key_padding_mask"):
            if name in oracle:
                oracle[name] = additive(oracle[name], dtype)
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


@pytest.mark.points(1)
def test_split_heads(lab):
    """split_heads gives head h the h-th block of head_dim features of every position, with any leading dims."""
    for shape, h in (((2, 5, 12), 3), ((5, 12), 4), ((2, 3, 4, 8), 2)):
        x = randn(*shape, seed=sum(shape))
        *lead, length, d = shape
        expected = x.reshape(*lead, length, h, d // h).transpose(-3, -2)
        assert_close(lab.split_heads(x, h), expected, atol=0, rtol=0, what=f"split_heads of shape {shape} into {h} heads")


@pytest.mark.points(1)
def test_merge_heads_inverts_split(lab):
    """merge_heads maps (..., H, L, head_dim) to (..., L, H * head_dim) and undoes split_heads."""
    x = randn(2, 3, 5, 4, seed=1)
    assert_close(lab.merge_heads(x), x.transpose(1, 2).reshape(2, 5, 12), atol=0, rtol=0, what="merge_heads")
    y = randn(4, 6, 12, seed=2)
    assert_close(lab.merge_heads(lab.split_heads(y, 3)), y, atol=0, rtol=0, what="merge_heads(split_heads(x))")


@pytest.mark.points(1)
def test_split_merge_edge_cases(lab):
    """One head and D heads, 3-d and 5-d inputs to merge_heads, keyword arguments, and gradients of both."""
    x = randn(2, 5, 6, seed=3)
    for h in (1, 6):
        expected = x.reshape(2, 5, h, 6 // h).transpose(-3, -2)
        assert_close(lab.split_heads(x=x, num_heads=h), expected, atol=0, rtol=0, what=f"split_heads into {h} heads")
    for shape in ((3, 5, 4), (2, 2, 3, 5, 4)):
        y = randn(*shape, seed=len(shape))
        expected = y.transpose(-3, -2).reshape(*shape[:-3], shape[-2], shape[-3] * shape[-1])
        assert_close(lab.merge_heads(x=y), expected, atol=0, rtol=0, what=f"merge_heads of shape {shape}")
    g = randn(2, 3, 5, 2, seed=4)
    result = lab.vjp(lab.split_heads, x, 3, grad_output=g)
    assert_close(result.grads[0], g.transpose(1, 2).reshape(2, 5, 6), atol=0, rtol=0, what="the gradient of split_heads")
    result = lab.vjp(lab.merge_heads, g, grad_output=x)
    assert_close(result.grads[0], x.reshape(2, 5, 3, 2).transpose(1, 2), atol=0, rtol=0, what="the gradient of merge_heads")


# ---- build_attention_mask -----------------------------------------------------------------------


MASK_CASES = {
    "bool_attn_mask": 1,
    "float_attn_mask_per_head": 1,
    "key_padding_mask": 1,
    "causal": 1,
    "all_combined": 1,
    "float_key_padding_mask": 1,
    "float32_masks_into_float64": 1,
    "bool_per_head_and_causal": 1,
    "one_head_keywords": 1,
}


@pytest.mark.parametrize("case", case_params(list(MASK_CASES), MASK_CASES))
def test_build_attention_mask(lab, case):
    """build_attention_mask gives the (B, H, L, S) additive mask: bool True = -inf, float added (any float dtype), padding on the key axis."""
    dtype = torch.float64 if case in ("all_combined", "float32_masks_into_float64") else torch.float32
    b, h = (1, 1) if case == "one_head_keywords" else (B, H)
    kwargs, expected = {}, torch.zeros(b, h, L, S, dtype=dtype)
    if case in ("bool_attn_mask", "all_combined"):
        kwargs["attn_mask"] = forbidden((L, S), seed=20)
    if case in ("float_attn_mask_per_head", "float32_masks_into_float64"):
        kwargs["attn_mask"] = float_mask((B * H, L, S), seed=21)  # float32
    if case == "bool_per_head_and_causal":
        kwargs["attn_mask"] = forbidden((B * H, L, S), seed=22)
    if case in ("key_padding_mask", "all_combined", "one_head_keywords"):
        kwargs["key_padding_mask"] = right_padding([S, 4, 1][:b], S)
    if case in ("float_key_padding_mask", "float32_masks_into_float64"):
        kwargs["key_padding_mask"] = randn(B, S, seed=23).masked_fill(right_padding([S, 4, 1], S), NEG_INF)
    if case in ("causal", "all_combined", "bool_per_head_and_causal", "one_head_keywords"):
        kwargs["is_causal"] = True
        expected = expected + additive(~torch.ones(L, S, dtype=torch.bool).tril(), dtype)
    if "attn_mask" in kwargs:
        attn = additive(kwargs["attn_mask"], dtype)
        expected = expected + (attn.view(b, h, L, S) if attn.dim() == 3 else attn)
    if "key_padding_mask" in kwargs:
        expected = expected + additive(kwargs["key_padding_mask"], dtype)[:, None, None, :]
    if case == "one_head_keywords":
        actual = lab.build_attention_mask(batch_size=b, num_heads=h, query_len=L, key_len=S, dtype=dtype, **kwargs)
    else:
        actual = lab.build_attention_mask(b, h, L, S, dtype=dtype, **kwargs)
    check(actual is not None, "build_attention_mask returned None although a mask was given")
    check(torch.is_tensor(actual) and tuple(actual.shape) == (b, h, L, S), f"the combined mask ({case}) should be (B, H, L, S)")
    check(actual.dtype == dtype, f"the combined mask ({case}) should have the dtype given")
    check(torch.equal(actual.isneginf(), expected.isneginf()), f"the combined mask ({case}) has -inf in the wrong places")
    finite = expected.isfinite()
    actual_finite, expected_finite = actual.masked_fill(~finite, 0), expected.masked_fill(~finite, 0)
    assert_close(actual_finite, expected_finite, atol=1e-6, rtol=1e-6, what=f"the finite entries of the combined mask ({case})")


@pytest.mark.points(1)
def test_build_attention_mask_errors(lab):
    """No mask gives None; valid (L, S) and (B * H, L, S) masks work; every other mask shape, and int masks, raise ValueError."""
    b, h, l, s = 2, 3, 5, 6
    check(lab.build_attention_mask(b, h, l, s) is None, "build_attention_mask should return None without masks")
    check(lab.build_attention_mask(b, h, l, s, is_causal=False, dtype=torch.float64) is None, "is_causal=False alone is no mask: expected None")
    ok = lab.build_attention_mask(b, h, l, s, attn_mask=torch.zeros(l, s, dtype=torch.bool), key_padding_mask=torch.zeros(b, s))
    check(torch.is_tensor(ok) and tuple(ok.shape) == (b, h, l, s), "a valid (L, S) attn_mask with a float key_padding_mask failed")
    ok = lab.build_attention_mask(b, h, l, s, attn_mask=torch.zeros(b * h, l, s, dtype=torch.bool))
    check(torch.is_tensor(ok) and tuple(ok.shape) == (b, h, l, s), "a valid (B * H, L, S) attn_mask failed")
    bad_attn = [(s, l), (l - 1, s), (l, s + 1), (1, l, s), (b * h - 1, l, s), (b * h + 1, l, s), (b * h, l, s + 1), (b, h, l, s)]
    for shape in bad_attn:
        with pytest.raises(ValueError):
            lab.build_attention_mask(b, h, l, s, attn_mask=torch.zeros(*shape, dtype=torch.bool))
            pytest.fail(f"no ValueError for an attn_mask of shape {shape}")
    for shape in [(b, s - 1), (b, s + 1), (b + 1, s), (b - 1, s), (s,), (b, 1, s)]:
        with pytest.raises(ValueError):
            lab.build_attention_mask(b, h, l, s, key_padding_mask=torch.zeros(*shape, dtype=torch.bool))
            pytest.fail(f"no ValueError for a key_padding_mask of shape {shape}")
    for name, mask in (("attn_mask", torch.zeros(l, s, dtype=torch.int64)), ("key_padding_mask", torch.zeros(b, s, dtype=torch.int32))):
        with pytest.raises(ValueError):
            lab.build_attention_mask(b, h, l, s, **{name: mask})
            pytest.fail(f"no ValueError for an integer {name}")


# ---- attention_heads on its own -----------------------------------------------------------------

HB, HH, HL, HS, HD = 2, 2, 4, 6, 12  # head_dim 6 differs from the number of heads


def heads_oracle(q, k, v, h: int, mask):
    """Output (B, L, D) by SDPA on the heads, and per-head weights (B, H, L, S) by torch.softmax."""
    split = lambda t: t.unflatten(-1, (h, t.shape[-1] // h)).transpose(1, 2)  # noqa: E731
    qh, kh, vh = split(q), split(k), split(v)
    out = torch.nn.functional.scaled_dot_product_attention(qh, kh, vh, attn_mask=mask)
    scores = qh @ kh.transpose(-2, -1) / (q.shape[-1] // h) ** 0.5
    weights = torch.softmax(scores if mask is None else scores + mask, dim=-1)
    return out.transpose(1, 2).flatten(-2), weights


def heads_inputs(dtype=torch.float32, seed=200, batch=HB):
    return randn(batch, HL, HD, seed=seed, dtype=dtype), randn(batch, HS, HD, seed=seed + 1, dtype=dtype), randn(
        batch, HS, HD, seed=seed + 2, dtype=dtype
    )


def heads_masks(case: dict, seed: int, batch: int = HB):
    """(student kwargs, the additive oracle mask (B, H, L, S) or None) for an attention_heads case."""
    kwargs, mask = {}, torch.zeros(batch, HH, HL, HS, dtype=torch.float64)
    if case.get("causal"):
        kwargs["is_causal"] = True
        mask = mask + additive(~torch.ones(HL, HS, dtype=torch.bool).tril(), torch.float64)
    attn = case.get("attn")
    if attn == "bool":
        kwargs["attn_mask"] = forbidden((HL, HS), seed)
    elif attn == "float":
        kwargs["attn_mask"] = float_mask((HL, HS), seed)
    elif attn == "float_per_head":
        kwargs["attn_mask"] = float_mask((batch * HH, HL, HS), seed)
    if "attn_mask" in kwargs:
        a = additive(kwargs["attn_mask"], torch.float64)
        mask = mask + (a.view(batch, HH, HL, HS) if a.dim() == 3 else a)
    padding = case.get("padding")
    if padding:
        kpm = right_padding([HS, 3][:batch] + [HS] * max(0, batch - 2), HS)
        if padding == "float":
            kpm = randn(batch, HS, seed=seed + 5).masked_fill(kpm, NEG_INF)  # float32, whatever the dtype of q
        kwargs["key_padding_mask"] = kpm
        mask = mask + additive(kpm, torch.float64)[:, None, None, :]
    return kwargs, (mask if kwargs else None)


HEAD_CASES = {
    "defaults": dict(),
    "explicit_no_mask": dict(need_weights=True),
    "sdpa_no_mask": dict(use_sdpa=True),
    "sdpa_causal": dict(use_sdpa=True, causal=True),
    "sdpa_padding": dict(use_sdpa=True, padding="bool"),
    "sdpa_attn_mask": dict(use_sdpa=True, attn="bool"),
    "sdpa_causal_and_padding": dict(use_sdpa=True, causal=True, padding="bool"),
    "sdpa_float_padding_float64": dict(use_sdpa=True, causal=True, padding="float", dtype=torch.float64),
    "sdpa_eval_with_dropout": dict(use_sdpa=True, causal=True, padding="bool", dropout=0.5, training=False),
    "sdpa_needs_weights": dict(use_sdpa=True, need_weights=True, causal=True, padding="float", average=False),
    "explicit_eval_with_dropout": dict(need_weights=True, average=False, attn="float_per_head", padding="bool", dropout=0.5),
    "explicit_float_masks_float64": dict(need_weights=True, attn="float", padding="float", dtype=torch.float64),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("name", list(HEAD_CASES))
def test_attention_heads_matches_sdpa(lab, name):
    """attention_heads (explicit and use_sdpa paths, masks together, eval with dropout_p > 0, defaults) matches SDPA on the heads."""
    case = HEAD_CASES[name]
    dtype = case.get("dtype", torch.float32)
    q, k, v = heads_inputs(dtype, seed=200 + len(name))
    kwargs, mask = heads_masks(case, seed=210 + len(name))
    for key, option in (("use_sdpa", "use_sdpa"), ("need_weights", "need_weights"), ("dropout_p", "dropout"), ("training", "training")):
        if option in case:
            kwargs[key] = case[option]
    if "average" in case:
        kwargs["average_attn_weights"] = case["average"]
    if name == "defaults":
        result = lab.attention_heads(q, k, v, HH)
    else:
        result = lab.attention_heads(q=q, k=k, v=v, num_heads=HH, **kwargs)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "attention_heads should return a tuple (output, weights)")
    out, weights = result
    expected_out, expected_weights = heads_oracle(q, k, v, HH, None if mask is None else mask.to(dtype))
    tol = F64 if dtype == torch.float64 else F32
    assert_close(out, expected_out, **tol, what=f"attention_heads output ({name})")
    if not case.get("need_weights"):
        check(weights is None, f"the weights should be None without need_weights ({name})")
    else:
        if case.get("average", True):
            expected_weights = expected_weights.mean(dim=1)
        assert_close(weights, expected_weights, **tol, what=f"attention_heads weights ({name})")


@pytest.mark.points(1)
def test_attention_heads_dropout_in_training(lab):
    """In training each weight of each head and copy is dropped with probability p, the rest scaled by 1/(1-p); the weights returned are those used."""
    p, copies = 0.4, 200
    q, k, v = (t.expand(copies, -1, -1).contiguous() for t in heads_inputs(seed=230, batch=1))
    kwargs = dict(is_causal=True, need_weights=True, dropout_p=p, training=True)
    lab.manual_seed(231)
    out, weights = lab.attention_heads(q, k, v, HH, average_attn_weights=False, **kwargs)
    _, clean = heads_oracle(q, k, v, HH, additive(~torch.ones(HL, HS, dtype=torch.bool).tril()))
    check(torch.is_tensor(weights) and weights.shape == clean.shape, "the per-head weights in training have the wrong shape")
    allowed, kept = clean > 0, weights != 0
    check(not bool((kept & ~allowed).any()), "dropout gave weight to a masked key")
    assert_close(weights.masked_fill(~kept, 0), (clean / (1 - p)).masked_fill(~kept, 0), **F32, what="the kept weights")
    fraction = float((allowed & ~kept).sum()) / float(allowed.sum())
    check(abs(fraction - p) < 0.04, "dropout did not drop about a fraction p of the weights")
    vh = v.unflatten(-1, (HH, HD // HH)).transpose(1, 2)
    assert_close(out, (weights @ vh).transpose(1, 2).flatten(-2), **F32, what="the output compared with the returned weights @ V")
    pattern = kept.flatten(2)  # (copies, H, L * S); two independent heads agree with probability about 0.5 ** 10
    same_copy = float((pattern[1:] == pattern[:-1]).flatten(1).all(dim=-1).double().mean())
    same_head = float((pattern[:, 0] == pattern[:, 1]).all(dim=-1).double().mean())
    check(same_copy < 0.05, "identical batch elements got the same dropout pattern")
    check(same_head < 0.05, "different heads got the same dropout pattern")
    lab.manual_seed(231)
    out_avg, averaged = lab.attention_heads(q, k, v, HH, **kwargs)
    assert_close(averaged, weights.mean(dim=1), **F32, what="the averaged weights in training (the mean of the dropped-out heads)")
    assert_close(out_avg, out, **F32, what="the output with averaged weights, same seed")


@pytest.mark.points(1)
def test_attention_heads_sdpa_dropout_in_training(lab):
    """use_sdpa with training=True applies dropout: outputs of identical copies differ and average to the dropout-free output."""
    copies = 3000
    q, k, v = (t.expand(copies, -1, -1).contiguous() for t in heads_inputs(seed=240, batch=1))
    padding = right_padding([HS - 2] * copies, HS)
    lab.manual_seed(241)
    out, weights = lab.attention_heads(q, k, v, HH, key_padding_mask=padding, dropout_p=0.5, training=True, use_sdpa=True)
    check(weights is None, "the weights should be None with use_sdpa and need_weights=False")
    expected, _ = heads_oracle(q[:1], k[:1], v[:1], HH, additive(padding[:1])[:, None, None, :])
    check(not torch.allclose(out[0], out[1]), "use_sdpa in training with dropout_p=0.5 gave identical copies (no dropout)")
    assert_close(out.mean(dim=0), expected[0], atol=0.1, rtol=0, what="the average output with dropout (use_sdpa)")


@pytest.mark.points(1)
def test_attention_heads_no_random_numbers_without_dropout(lab):
    """training=False or dropout_p=0 draws no random numbers, on both paths (torch's global generator unchanged)."""
    torch_in_worker = lab.get("torch")
    q, k, v = heads_inputs(seed=250)
    for use_sdpa in (False, True):
        for kwargs in ({"dropout_p": 0.0, "training": True}, {"dropout_p": 0.5, "training": False}):
            lab.manual_seed(251)
            lab.attention_heads(q, k, v, HH, use_sdpa=use_sdpa, is_causal=True, **kwargs)
            after_call = torch_in_worker.rand(8)
            lab.manual_seed(251)
            check(torch.equal(torch_in_worker.rand(8), after_call), f"attention_heads with {kwargs}, use_sdpa={use_sdpa} drew random numbers")


@pytest.mark.points(1)
def test_attention_heads_errors(lab):
    """A valid call works; non 3-d inputs, mismatched batch, feature or key/value lengths, indivisible D and dropout_p outside [0, 1) raise ValueError."""
    q, k, v = heads_inputs(seed=260)
    out, _ = lab.attention_heads(q, k, v, HH, dropout_p=0.0)
    assert_close(out, heads_oracle(q, k, v, HH, None)[0], **F32, what="a valid attention_heads call")
    cases = {
        "2-d q": (q[0], k, v, {}),
        "4-d q": (q[None], k, v, {}),
        "2-d k": (q, k[0], v, {}),
        "4-d k": (q, k[None], v, {}),
        "2-d v": (q, k, v[0], {}),
        "4-d v": (q, k, v[None], {}),
        "k with a larger batch": (q, torch.cat([k, k]), v, {}),
        "v with a smaller batch": (q, k, v[:1], {}),
        "k with fewer features": (q, k[..., :6], v, {}),
        "v with more features": (q, k, torch.cat([v, v], dim=-1), {}),
        "k longer than v": (q, k, v[:, :4], {}),
        "v longer than k": (q, k[:, :4], v, {}),
        "12 features into 5 heads": (q, k, v, {"num_heads": 5}),
        "dropout_p = 1": (q, k, v, {"dropout_p": 1.0}),
        "dropout_p = 1.5": (q, k, v, {"dropout_p": 1.5}),
        "dropout_p < 0": (q, k, v, {"dropout_p": -0.1}),
        "an attn_mask of the wrong shape": (q, k, v, {"attn_mask": torch.zeros(HS, HL, dtype=torch.bool)}),
    }
    for what, (qq, kk, vv, kwargs) in cases.items():
        kwargs = {"num_heads": HH, **kwargs}
        with pytest.raises(ValueError):
            lab.attention_heads(qq, kk, vv, **kwargs)
            pytest.fail(f"no ValueError for {what}")


# ---- MultiHeadAttention (separate projections) --------------------------------------------------


@pytest.mark.points(1)
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
    "self_attention": 1,
    "cross_attention_seq_first": 1,
    "cross_attention_batch_first": 1,
    "key_padding_mask": 1,
    "attn_mask_bool": 1,
    "attn_mask_float": 1,
    "attn_mask_per_head": 1,
    "padding_and_attn_mask": 1,
    "causal": 1,
    "causal_and_padding": 1,
    "per_head_weights": 1,
    "no_bias": 1,
    "float_key_padding_mask": 1,
    "float_padding_and_bool_attn_mask": 1,
}


@pytest.mark.parametrize("case", case_params(list(MHA_POINTS), MHA_POINTS))
def test_mha_matches_torch(lab, case):
    """MultiHeadAttention with nn.MultiheadAttention's weights gives its output and attention weights."""
    compare_with_oracle(lab, "MultiHeadAttention", case)


@pytest.mark.points(1)
def test_mha_need_weights_false(lab):
    """need_weights=False returns (output, None) with the same output."""
    oracle, sd = oracle_for("key_padding_mask")
    m = student_module(lab, "MultiHeadAttention", "key_padding_mask", sd)
    (q, k, v), kwargs, oracle_kwargs = case_data("key_padding_mask", seed=30)
    result = m(q, k, v, need_weights=False, **kwargs)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "forward should return a tuple (output, None)")
    check(result[1] is None, "the weights should be None with need_weights=False")
    assert_close(result[0], oracle(q, k, v, **oracle_kwargs)[0].detach(), **F32, what="output with need_weights=False")


@pytest.mark.points(1)
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


@pytest.mark.points(2)
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


@pytest.mark.points(1)
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


CLASSES = ("MultiHeadAttention", "FusedMultiHeadAttention", "EfficientMultiHeadAttention")


def load_for(cls: str, sd: dict) -> dict:
    return to_separate(sd) if cls == "MultiHeadAttention" else sd


@pytest.mark.points(1)
@pytest.mark.parametrize("cls", CLASSES)
def test_module_attributes_and_defaults(lab, cls):
    """Attributes as given (ints, float dropout, bool batch_first), positional arguments, and the defaults: bias, sequence first, weights averaged."""
    m = getattr(lab, cls)(12, 3)
    for name, value in {"d_model": 12, "num_heads": 3, "head_dim": 4, "dropout": 0.0, "batch_first": False}.items():
        assert_equal(getattr(m, name), value, what=f"{cls}(12, 3).{name}")
    check(any(name.endswith("bias") for name in m.state_dict()), f"{cls} should have biases by default")
    m = getattr(lab, cls)(8, 8, 0, False, True)
    for name, value in {"d_model": 8, "num_heads": 8, "head_dim": 1, "dropout": 0.0, "batch_first": True}.items():
        assert_equal(getattr(m, name), value, what=f"{cls}(8, 8, 0, False, True).{name}")
    check(not any(name.endswith("bias") for name in m.state_dict()), f"{cls} with bias=False (positional) has biases")
    if cls != "MultiHeadAttention":
        check(m.in_proj_bias is None, f"{cls}(bias=False).in_proj_bias should be None")
        check(m.use_sdpa is (cls == "EfficientMultiHeadAttention"), f"{cls}.use_sdpa has the wrong value")

    oracle, sd = oracle_with_weights(seed=270)  # sequence first, like the default
    m = getattr(lab, cls)(D, H)
    m.load_state_dict(load_for(cls, sd))
    m.eval()
    q, k, v = randn(L, B, D, seed=271), randn(S, B, D, seed=272), randn(S, B, D, seed=273)
    expected_out, expected_weights = (t.detach() for t in oracle(q, k, v))
    result = m(q, k, v)
    check(isinstance(result, (tuple, list)) and len(result) == 2, "forward should return a tuple (output, weights)")
    assert_close(result[0], expected_out, **F32, what=f"{cls} output with the default arguments")
    assert_close(result[1], expected_weights, **F32, what=f"{cls} weights with the default arguments (averaged, batch first)")


@pytest.mark.points(1)
@pytest.mark.parametrize("cls", CLASSES)
def test_module_weights_in_training(lab, cls):
    """In train mode with dropout the per-head weights returned are the dropped-out ones used: output == out_proj(merge(weights @ V))."""
    p = 0.5
    oracle, sd = oracle_with_weights(batch_first=True, seed=280)
    m = getattr(lab, cls)(D, H, dropout=p, batch_first=True)
    m.load_state_dict(load_for(cls, sd))
    m.train()
    q, k, v = randn(B, L, D, seed=281), randn(B, S, D, seed=282), randn(B, S, D, seed=283)
    padding = right_padding([S, S - 2, 2], S)
    lab.manual_seed(284)
    out, weights = m(q, k, v, key_padding_mask=padding, need_weights=True, average_attn_weights=False)
    check(bool(m.training), f"{cls}.forward left the module in eval mode")
    _, clean = oracle(q, k, v, key_padding_mask=padding, average_attn_weights=False)
    clean = clean.detach()
    check(torch.is_tensor(weights) and weights.shape == clean.shape, "the per-head weights in train mode have the wrong shape")
    kept = weights != 0
    assert_close(weights.masked_fill(~kept, 0), (clean / (1 - p)).masked_fill(~kept, 0), **F32, what="the kept weights in train mode")
    fraction = float((~kept & (clean > 0)).sum()) / float((clean > 0).sum())
    check(0.3 < fraction < 0.7, "train mode did not drop about a fraction p of the weights")
    w_v, b_v = sd["in_proj_weight"][2 * D :], sd["in_proj_bias"][2 * D :]
    vh = torch.nn.functional.linear(v, w_v, b_v).unflatten(-1, (H, D // H)).transpose(1, 2)
    merged = (weights @ vh).transpose(1, 2).flatten(-2)
    expected = torch.nn.functional.linear(merged, sd["out_proj.weight"], sd["out_proj.bias"])
    assert_close(out, expected, **F32, what="the output compared with out_proj(merge(returned weights @ V)) in train mode")
    m.eval()
    assert_close(m(q, k, v, key_padding_mask=padding)[0], oracle(q, k, v, key_padding_mask=padding)[0].detach(), **F32, what="the output in eval mode after training calls")
    after = m.state_dict()
    for name, t in load_for(cls, sd).items():
        assert_close(after[name], t, atol=0, rtol=0, what=f"{name} after forward calls")


@pytest.mark.points(1)
def test_efficient_dropout_only_in_training(lab):
    """EfficientMultiHeadAttention(dropout=0.5): exact in eval mode (causal + padding, need_weights=False); dropout in train mode."""
    name = "causal_and_padding"
    oracle, sd = oracle_for(name, seed=290)
    m = student_module(lab, "EfficientMultiHeadAttention", name, sd, dropout=0.5)
    (q, k, v), kwargs, oracle_kwargs = case_data(name, seed=291)
    expected = oracle(q, k, v, **oracle_kwargs)[0].detach()
    out, weights = m(q, k, v, need_weights=False, **kwargs)
    check(weights is None, "the weights should be None with need_weights=False")
    assert_close(out, expected, **F32, what="output in eval mode with dropout=0.5 (need_weights=False)")
    check(not bool(m.training), "forward put the module in train mode")
    m.train()
    lab.manual_seed(292)
    training, _ = m(q, k, v, need_weights=False, **kwargs)
    check(not torch.allclose(training, expected), "dropout had no effect in train mode (need_weights=False)")


# ---- FusedMultiHeadAttention and the functional form --------------------------------------------


@pytest.mark.points(1)
def test_fused_state_dict_matches_torch(lab):
    """FusedMultiHeadAttention's state_dict has nn.MultiheadAttention's keys and shapes (bias on and off), finite at init."""
    for bias in (True, False):
        m = lab.FusedMultiHeadAttention(d_model=D, num_heads=H, bias=bias)
        sd = m.state_dict()
        expected = {name: tuple(t.shape) for name, t in nn.MultiheadAttention(D, H, bias=bias).state_dict().items()}
        check(set(sd) == set(expected), f"state_dict keys (bias={bias}) differ from nn.MultiheadAttention's")
        check({name: tuple(t.shape) for name, t in sd.items()} == expected, f"state_dict shapes (bias={bias}) are wrong")
        check(all(bool(torch.isfinite(t).all()) for t in sd.values()), "a freshly built module has non-finite parameters")


FUSED_POINTS = {
    "self_attention": 1,
    "cross_attention_seq_first": 1,
    "padding_and_attn_mask": 1,
    "per_head_weights": 1,
    "float_padding_and_bool_attn_mask": 1,
}


@pytest.mark.parametrize("case", case_params(list(FUSED_POINTS), FUSED_POINTS))
def test_fused_matches_torch(lab, case):
    """FusedMultiHeadAttention loads nn.MultiheadAttention's state_dict unchanged and gives its output and weights."""
    compare_with_oracle(lab, "FusedMultiHeadAttention", case)


@pytest.mark.points(2)
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
        pytest.param("self_attention_causal", marks=pytest.mark.points(1)),
        pytest.param("cross_attention", marks=pytest.mark.points(1)),
        pytest.param("no_biases_keywords", marks=pytest.mark.points(1)),
        pytest.param("defaults_float64", marks=pytest.mark.points(1)),
    ],
)
def test_functional_matches_torch(lab, case):
    """multi_head_attention_forward (batch first) with nn.MultiheadAttention's weights gives its output and weights (biases None, defaults, float64)."""
    dtype = torch.float64 if case == "defaults_float64" else torch.float32
    oracle, sd = oracle_with_weights(batch_first=True, seed=80, bias=case != "no_biases_keywords", dtype=dtype)
    weights = (sd["in_proj_weight"], sd.get("in_proj_bias"), sd["out_proj.weight"], sd.get("out_proj.bias"))
    if case == "no_biases_keywords":
        q, k, v = randn(B, L, D, seed=85), randn(B, S, D, seed=86), randn(B, S, D, seed=87)
        mask = forbidden((L, S), seed=88)
        expected_out, expected_weights = oracle(q, k, v, attn_mask=mask)
        out, actual_weights = lab.multi_head_attention_forward(
            query=q, in_proj_weight=weights[0], in_proj_bias=None, out_proj_weight=weights[2], out_proj_bias=None,
            num_heads=H, key=k, value=v, attn_mask=mask, need_weights=True,
        )
    elif case == "defaults_float64":
        x = randn(B, L, D, seed=89, dtype=dtype)
        expected_out, _ = oracle(x, x, x)
        result = lab.multi_head_attention_forward(x, *weights, H)
        check(isinstance(result, (tuple, list)) and len(result) == 2, "multi_head_attention_forward should return (output, weights)")
        check(result[1] is None, "the weights should be None by default (need_weights=False)")
        assert_close(result[0], expected_out.detach(), **F64, what="output with the default arguments (float64)")
        out, _ = lab.multi_head_attention_forward(x, *weights, H, dropout_p=0.5)  # training defaults to False
        assert_close(out, expected_out.detach(), **F64, what="output with dropout_p=0.5 and the default training=False")
        return
    elif case == "self_attention_causal":
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


@pytest.mark.points(1)
def test_functional_gradients(lab):
    """multi_head_attention_forward (float64, self-attention, causal): gradients for the input and all four weights match."""
    oracle, sd = oracle_with_weights(batch_first=True, dtype=torch.float64, seed=300)
    x = randn(B, L, D, seed=301, dtype=torch.float64)
    g = randn(B, L, D, seed=302, dtype=torch.float64)
    args = (x, sd["in_proj_weight"], sd["in_proj_bias"], sd["out_proj.weight"], sd["out_proj.bias"], H)
    result = lab.vjp(lab.multi_head_attention_forward, *args, grad_output=(g, None), wrt=(0, 1, 2, 3, 4), is_causal=True)
    causal = ~torch.ones(L, L, dtype=torch.bool).tril()
    _, expected_grads, expected_params = oracle_grads(oracle, x, x, x, g, attn_mask=causal)
    expected_x = expected_grads[0] + expected_grads[1] + expected_grads[2]  # x is query, key and value
    assert_close(result.grads[0], expected_x, **F64_GRAD, what="the gradient for query")
    for grad, pname in zip(result.grads[1:], ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")):
        assert_close(grad, expected_params[pname], **F64_GRAD, what=f"the gradient for {pname}")


@pytest.mark.points(1)
def test_functional_errors(lab):
    """A valid call works; key without value, value without key and an in_proj_weight that is not (3D, D) raise ValueError."""
    x = randn(2, 4, 16, seed=100)
    w = randn(48, 16, seed=101) / 4
    out, _ = lab.multi_head_attention_forward(x, w, None, w[:16], None, 4, key=x, value=x)
    check(torch.is_tensor(out) and out.shape == (2, 4, 16), "a valid multi_head_attention_forward call failed")
    cases = {
        "key without value": dict(key=x),
        "value without key": dict(value=x),
        "an in_proj_weight of shape (2D, D)": dict(in_proj_weight=w[:32]),
        "an in_proj_weight of shape (4D, D)": dict(in_proj_weight=torch.cat([w, w[:16]])),
        "an in_proj_weight of shape (3D, D + 1)": dict(in_proj_weight=torch.cat([w, w[:, :1]], dim=1)),
        "an in_proj_weight of shape (3D, D - 1)": dict(in_proj_weight=w[:, :15]),
        "an in_proj_weight of shape (D, 3D)": dict(in_proj_weight=w.T.contiguous()),
    }
    for what, kwargs in cases.items():
        call = dict(query=x, in_proj_weight=w, in_proj_bias=None, out_proj_weight=w[:16], out_proj_bias=None, num_heads=4)
        call.update(kwargs)
        with pytest.raises(ValueError):
            lab.multi_head_attention_forward(**call)
            pytest.fail(f"no ValueError for {what}")


# ---- EfficientMultiHeadAttention (SDPA) ---------------------------------------------------------

EFFICIENT_POINTS = {
    "causal": 1,
    "padding_and_attn_mask": 1,
    "cross_attention_seq_first": 1,
    "causal_and_padding": 1,
    "key_padding_mask": 1,
    "attn_mask_bool": 1,
    "attn_mask_per_head": 1,
    "float_key_padding_mask": 1,
    "float_padding_and_bool_attn_mask": 1,
}


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


@pytest.mark.points(1)
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


@pytest.mark.points(2)
def test_attention_flops_formula(lab):
    """attention_flops counts 2*m*n*k per matmul: four projections plus scores and weights @ V, as an int."""
    for args in ((2, 5, 7, 16, 4), (1, 1, 1, 8, 8), (3, 128, 64, 96, 12), (1, 10, 10, 64, 1), (4, 9, 3, 24, 6)):
        assert_equal(lab.attention_flops(*args), flops_formula(*args), what=f"attention_flops{args}")


def torch_parameter_count(d: int, h: int, bias: bool) -> int:
    return sum(p.numel() for p in nn.MultiheadAttention(d, h, bias=bias).parameters())


@pytest.mark.points(1)
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


@pytest.mark.points(1)
def test_compare_heads_parameters_match_torch(lab):
    """compare_heads' parameter counts equal nn.MultiheadAttention's, with and without bias."""
    for bias in (True, False):
        rows = lab.compare_heads(24, 4, head_counts=(1, 6), bias=bias, repeats=1)
        for h, row in zip((1, 6), rows):
            assert_equal(row["parameters"], torch_parameter_count(24, h, bias), what=f"parameters for {h} heads (bias={bias})")


@pytest.mark.points(1)
def test_compare_heads_defaults_and_order(lab):
    """compare_heads(d_model, seq_len) uses heads (1, 8), batch 1 and biases; row keys come in ROW_KEYS' order; no head counts give []."""
    rows = lab.compare_heads(16, 4, repeats=1)
    check(isinstance(rows, list) and len(rows) == 2, "compare_heads with the default head_counts should return two rows")
    for h, row in zip((1, 8), rows):
        check(list(row) == list(ROW_KEYS), "the keys of a row should come in the order of ROW_KEYS")
        assert_equal(row["num_heads"], h, what="num_heads with the default head_counts")
        assert_equal(row["flops"], flops_formula(1, 4, 4, 16, h), what=f"flops for {h} heads with the default batch size")
        assert_equal(row["parameters"], torch_parameter_count(16, h, True), what=f"parameters for {h} heads with the default bias")
    assert_equal(lab.compare_heads(8, 3, head_counts=[], repeats=1), [], what="compare_heads with no head counts")
    rows = lab.compare_heads(24, 3, head_counts=[1, 8, 3], repeats=1)
    assert_equal([row["head_dim"] for row in rows], [24, 3, 8], what="head_dim for 1, 8 and 3 heads of 24 features")


@pytest.mark.points(1)
def test_compare_heads_times_are_positive(lab):
    """compare_heads' time_s values are positive floats, the median of single passes (at most half the whole call for 3 repeats)."""
    start = time.perf_counter()
    rows = lab.compare_heads(8, 2, head_counts=(1, 2), repeats=3)
    elapsed = time.perf_counter() - start
    for row in rows:
        check(isinstance(row["time_s"], float) and row["time_s"] > 0, "time_s should be a positive float")
        # two of the three timed passes take at least the median, and the call contains them all
        check(2 * row["time_s"] <= elapsed, "time_s is longer than one forward pass can be (is it the time of one pass?)")


# ---- input checks -------------------------------------------------------------------------------


@pytest.mark.points(1)
def test_split_heads_errors(lab):
    """split_heads with a valid head count works; 0, negative and non-dividing head counts raise ValueError."""
    x = randn(2, 3, 12, seed=102)
    check(tuple(lab.split_heads(x, 12).shape) == (2, 12, 3, 1), "split_heads into 12 heads of 12 features failed")
    for h in (5, 0, -3, 24):
        with pytest.raises(ValueError):
            lab.split_heads(x, h)
            pytest.fail(f"no ValueError for {h} heads")


@pytest.mark.points(1)
def test_module_errors(lab):
    """Valid settings (dropout 0 and 0.99, num_heads = d_model) build; indivisible d_model, 0 heads and dropout outside [0, 1) raise ValueError."""
    for cls in CLASSES:
        for kwargs in (dict(d_model=16, num_heads=4, dropout=0.0), dict(d_model=16, num_heads=16, dropout=0.99)):
            m = getattr(lab, cls)(**kwargs)
            check(m.dropout == kwargs["dropout"], f"{cls}({kwargs}) failed")
        cases = [dict(d_model=10, num_heads=3), dict(d_model=10, num_heads=0), dict(d_model=10, num_heads=-5), dict(d_model=8, num_heads=16)]
        cases += [dict(d_model=16, num_heads=4, dropout=p) for p in (1.0, 1.5, -0.1)]
        for kwargs in cases:
            with pytest.raises(ValueError):
                getattr(lab, cls)(**kwargs)
                pytest.fail(f"no ValueError for {cls}({kwargs})")


@pytest.mark.points(1)
def test_attention_flops_errors(lab):
    """attention_flops of valid sizes (all 1 included) works; a size of 0 or below, or indivisible d_model, raises ValueError."""
    assert_equal(lab.attention_flops(1, 1, 1, 1, 1), flops_formula(1, 1, 1, 1, 1), what="attention_flops(1, 1, 1, 1, 1)")
    for i in range(5):
        for bad in (0, -2):
            args = [2, 4, 4, 8, 2]
            args[i] = bad
            with pytest.raises(ValueError):
                lab.attention_flops(*args)
                pytest.fail(f"no ValueError for attention_flops{tuple(args)}")
    with pytest.raises(ValueError):
        lab.attention_flops(1, 4, 4, 10, 3)
        pytest.fail("no ValueError for 10 features and 3 heads")


@pytest.mark.points(1)
def test_compare_heads_errors(lab):
    """compare_heads with repeats=1 works; a head count of 0 or one that does not divide d_model, and repeats < 1, raise ValueError."""
    check(len(lab.compare_heads(8, 2, head_counts=(2,), repeats=1)) == 1, "compare_heads with repeats=1 failed")
    cases = {
        "a head count of 0": dict(head_counts=(1, 0)),
        "3 heads for 10 features": dict(head_counts=(1, 3)),
        "repeats=0": dict(head_counts=(1,), repeats=0),
        "repeats=0 and no head counts": dict(head_counts=(), repeats=0),
        "repeats=-1": dict(head_counts=(2,), repeats=-1),
    }
    for what, kwargs in cases.items():
        kwargs = {"repeats": 1, **kwargs}
        with pytest.raises(ValueError):
            lab.compare_heads(10, 2, **kwargs)
            pytest.fail(f"no ValueError for compare_heads with {what}")
