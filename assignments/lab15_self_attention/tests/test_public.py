"""Public sanity checks for lab 15 (self-attention).

Run with ``autograder test lab15_self_attention`` or
``pytest assignments/lab15_self_attention``. Passing these does not mean the
hidden tests pass: they also check masks against PyTorch's
``scaled_dot_product_attention``, gradients, dropout statistics and more.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_softmax_rows_sum_to_one(lab):
    """softmax keeps shape and dtype, and each row is a probability distribution."""
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    out = lab.softmax(x)
    check(torch.is_tensor(out), "softmax should return a tensor")
    check(out.shape == x.shape and out.dtype == x.dtype, "softmax should keep the shape and dtype of its input")
    assert_close(out.sum(dim=-1), torch.ones(2), what="the row sums of softmax")
    assert_close(out[1], torch.full((3,), 1 / 3), what="softmax of a constant row (should be uniform)")


def test_softmax_of_minus_inf_row_is_zero(lab):
    """softmax of a row that is entirely -inf gives zeros, not NaN."""
    out = lab.softmax(torch.full((1, 4), float("-inf")))
    check(not bool(torch.isnan(out).any()), "softmax of an all -inf row gave NaN; the docstring asks for zeros")
    assert_close(out, torch.zeros(1, 4), what="softmax of an all -inf row")


def test_attention_shapes(lab):
    """The output has shape (..., L, Ev) and the dtype of the query."""
    q, k, v = torch.randn(2, 3, 4, 8), torch.randn(2, 3, 6, 8), torch.randn(2, 3, 6, 5)
    out = lab.scaled_dot_product_attention(q, k, v)
    check(torch.is_tensor(out), "scaled_dot_product_attention should return a tensor by default")
    check(tuple(out.shape) == (2, 3, 4, 5), f"output shape should be (2, 3, 4, 5), got {tuple(out.shape)}")
    check(out.dtype == torch.float32, "output dtype should be the query's dtype")


def test_identical_keys_average_the_values(lab):
    """When all keys are equal every query attends uniformly, so the output is the mean of the values."""
    q = torch.randn(3, 4)
    k = torch.ones(5, 4)
    v = torch.arange(10.0).reshape(5, 2)
    out = lab.scaled_dot_product_attention(q, k, v)
    assert_close(out, v.mean(dim=0).expand(3, 2), what="attention output with identical keys")


def test_causal_first_query_sees_only_first_key(lab):
    """With is_causal=True, query 0 may attend only key 0, so its output is value[0]."""
    q, k, v = torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 3)
    out = lab.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert_close(out[0], v[0], what="the causal output of the first query")


def test_matches_torch_without_masks(lab):
    """Without masks the result matches torch.nn.functional.scaled_dot_product_attention."""
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 5, 16, generator=g) for _ in range(3))
    expected = F.scaled_dot_product_attention(q, k, v)
    assert_close(lab.scaled_dot_product_attention(q, k, v), expected, atol=1e-5, rtol=1e-5, what="attention output")


def test_need_weights(lab):
    """need_weights=True returns (output, weights) with weights of shape (..., L, S) whose rows sum to 1."""
    q, k, v = torch.randn(2, 4, 8), torch.randn(2, 6, 8), torch.randn(2, 6, 8)
    result = lab.scaled_dot_product_attention(q, k, v, need_weights=True)
    check(isinstance(result, tuple) and len(result) == 2, "need_weights=True should return a tuple (output, weights)")
    _, weights = result
    check(tuple(weights.shape) == (2, 4, 6), f"weights shape should be (2, 4, 6), got {tuple(weights.shape)}")
    assert_close(weights.sum(dim=-1), torch.ones(2, 4), what="the row sums of the attention weights")


def test_gradients_flow(lab):
    """Gradients reach the query, key and value and are finite."""
    q, k, v = torch.randn(2, 4, 8), torch.randn(2, 4, 8), torch.randn(2, 4, 8)
    result = lab.vjp(lab.scaled_dot_product_attention, q, k, v, grad_output=torch.ones(2, 4, 8), wrt=(0, 1, 2), is_causal=True)
    for name, grad in zip("qkv", result.grads):
        check(grad is not None, f"no gradient reached {name}")
        check(bool(torch.isfinite(grad).all()), f"the gradient for {name} is not finite")


def test_self_attention_module(lab):
    """SelfAttention(d_model) has the four projections and maps (batch, seq, d_model) to the same shape."""
    m = lab.SelfAttention(8)
    keys = set(m.state_dict())
    expected = {f"{p}.{w}" for p in ("q_proj", "k_proj", "v_proj", "out_proj") for w in ("weight", "bias")}
    check(keys == expected, f"state_dict keys should be {sorted(expected)}, got {sorted(keys)}")
    out = m(torch.randn(2, 5, 8))
    check(tuple(out.shape) == (2, 5, 8), f"output shape should be (2, 5, 8), got {tuple(out.shape)}")
