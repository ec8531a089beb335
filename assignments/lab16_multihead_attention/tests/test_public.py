"""Public sanity checks for lab 16 (multi-head attention).

Run with ``autograder test lab16_multihead_attention`` or
``pytest assignments/lab16_multihead_attention``. Passing these does not mean
the hidden tests pass: they compare every module with
``torch.nn.MultiheadAttention`` for many option combinations (layouts, masks,
per-head weights, float64), check gradients, the FLOP formula and more.
"""

from __future__ import annotations

import torch
from torch import nn

from autograder.testing import assert_close, check


def test_split_and_merge_heads(lab):
    """split_heads maps (B, L, D) to (B, H, L, D // H), head 0 holds the first features, merge_heads undoes it."""
    x = torch.arange(2 * 3 * 8, dtype=torch.float32).reshape(2, 3, 8)
    heads = lab.split_heads(x, 4)
    check(tuple(heads.shape) == (2, 4, 3, 2), f"split_heads shape should be (2, 4, 3, 2), got {tuple(heads.shape)}")
    assert_close(heads[0, 0], x[0, :, 0:2], atol=0, rtol=0, what="head 0 of batch 0 (the first 2 features of every position)")
    assert_close(lab.merge_heads(heads), x, atol=0, rtol=0, what="merge_heads(split_heads(x))")


def test_build_attention_mask_padding(lab):
    """No mask gives None; a padded key gets -inf for every head and every query, other entries 0."""
    check(lab.build_attention_mask(2, 3, 4, 5) is None, "without masks build_attention_mask should return None")
    padding = torch.tensor([[False] * 5, [False, False, False, True, True]])
    mask = lab.build_attention_mask(2, 3, 4, 5, key_padding_mask=padding)
    check(tuple(mask.shape) == (2, 3, 4, 5), f"mask shape should be (2, 3, 4, 5), got {tuple(mask.shape)}")
    check(bool(torch.isneginf(mask[1, :, :, 3:]).all()), "padded keys should be -inf for every head and query")
    check(bool((mask[1, :, :, :3] == 0).all()) and bool((mask[0] == 0).all()), "keys that are not padding should be 0")


def test_module_shapes_sequence_first(lab):
    """MultiHeadAttention defaults to (L, B, D) inputs and returns weights (B, L, S) averaged over heads."""
    m = lab.MultiHeadAttention(d_model=8, num_heads=2)
    keys = set(m.state_dict())
    expected = {f"{p}.{w}" for p in ("q_proj", "k_proj", "v_proj", "out_proj") for w in ("weight", "bias")}
    check(keys == expected, f"state_dict keys should be {sorted(expected)}, got {sorted(keys)}")
    q, kv = torch.randn(4, 2, 8), torch.randn(6, 2, 8)
    out, weights = m(q, kv, kv)
    check(tuple(out.shape) == (4, 2, 8), f"output shape should be (L, B, D) = (4, 2, 8), got {tuple(out.shape)}")
    check(tuple(weights.shape) == (2, 4, 6), f"weights shape should be (B, L, S) = (2, 4, 6), got {tuple(weights.shape)}")
    assert_close(weights.sum(dim=-1), torch.ones(2, 4), what="the row sums of the attention weights")


def test_fused_matches_torch_without_masks(lab):
    """FusedMultiHeadAttention loads nn.MultiheadAttention's state_dict and gives the same output (batch first, no masks)."""
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(12, 3, batch_first=True).eval()
    with torch.no_grad():
        for p in ref.parameters():
            p.normal_(0.0, 0.3)
    m = lab.FusedMultiHeadAttention(d_model=12, num_heads=3, batch_first=True)
    keys = set(m.state_dict())
    check(keys == set(ref.state_dict()), f"state_dict keys should be nn.MultiheadAttention's, got {sorted(keys)}")
    m.load_state_dict(ref.state_dict())
    m.eval()
    x = torch.randn(2, 5, 12)
    expected_out, expected_weights = ref(x, x, x)
    out, weights = m(x, x, x)
    assert_close(out, expected_out.detach(), atol=1e-5, rtol=1e-5, what="output")
    assert_close(weights, expected_weights.detach(), atol=1e-5, rtol=1e-5, what="attention weights")


def test_efficient_returns_no_weights(lab):
    """EfficientMultiHeadAttention with need_weights=False returns (output, None) with the fused module's output."""
    fused = lab.FusedMultiHeadAttention(d_model=8, num_heads=2, batch_first=True)
    efficient = lab.EfficientMultiHeadAttention(d_model=8, num_heads=2, batch_first=True)
    efficient.load_state_dict(fused.state_dict())
    x = torch.randn(3, 4, 8)
    out, weights = efficient(x, x, x, need_weights=False)
    check(weights is None, "with need_weights=False the weights should be None")
    assert_close(out, fused(x, x, x)[0], atol=1e-5, rtol=1e-5, what="output compared with FusedMultiHeadAttention")


def test_heads_do_not_change_the_cost(lab):
    """With the same d_model, 1 head and 4 heads have the same FLOPs; compare_heads returns one row per head count."""
    flops = [lab.attention_flops(2, 6, 6, 16, h) for h in (1, 4)]
    check(all(isinstance(f, int) and f > 0 for f in flops), "attention_flops should return a positive int")
    check(flops[0] == flops[1], "splitting d_model into heads should not change the FLOPs")
    rows = lab.compare_heads(16, 6, head_counts=(1, 4), repeats=1)
    check(isinstance(rows, list) and len(rows) == 2, "compare_heads should return one row per head count")
    check(set(rows[0]) == set(lab.get("ROW_KEYS")), "each row should have exactly the keys of ROW_KEYS")
    check(rows[0]["parameters"] == rows[1]["parameters"], "splitting d_model into heads should not change the parameter count")
