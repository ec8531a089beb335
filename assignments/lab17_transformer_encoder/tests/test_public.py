"""Public sanity checks for lab 17 (the transformer encoder).

Run with ``autograder test lab17_transformer_encoder`` or
``pytest assignments/lab17_transformer_encoder``. Passing these does not
mean the hidden tests pass: they also compare every configuration (pre- and
post-norm, ReLU and GELU, padding and attention masks, no biases, the stack
with and without a final norm, gradients) with PyTorch's own modules.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from autograder.testing import assert_close, check


def test_padding_mask(lab):
    """padding_mask([2, 3]) marks position 2 of the first sequence as padding, nothing else."""
    out = lab.padding_mask([2, 3])
    check(torch.is_tensor(out) and out.dtype == torch.bool, "padding_mask should return a bool tensor")
    check(out.tolist() == [[False, False, True], [False, False, False]], f"padding_mask([2, 3]) gave {out.tolist()}")


def test_sinusoidal_first_rows(lab):
    """Row 0 of the table is [0, 1, 0, 1, ...]; entry [3, 2] is sin(3 / 10000^(2/8))."""
    pe = lab.sinusoidal_positional_encoding(4, 8)
    check(tuple(pe.shape) == (4, 8) and pe.dtype == torch.float32, "the table should be (max_len, d_model) float32")
    assert_close(pe[0], torch.tensor([0.0, 1.0] * 4), what="row 0 (sin 0 = 0 on even columns, cos 0 = 1 on odd)")
    assert_close(float(pe[3, 2]), math.sin(3 / 10000 ** (2 / 8)), what="entry [3, 2]")
    assert_close(float(pe[3, 3]), math.cos(3 / 10000 ** (2 / 8)), what="entry [3, 3]")


def test_learned_embedding_state(lab):
    """LearnedPositionalEmbedding(10, 6) has a single (10, 6) parameter named 'weight'."""
    sd = lab.LearnedPositionalEmbedding(10, 6).state_dict()
    check(list(sd) == ["weight"], f"state_dict keys should be ['weight'], got {list(sd)}")
    check(tuple(sd["weight"].shape) == (10, 6), f"weight should be (10, 6), got {tuple(sd['weight'].shape)}")


def test_feed_forward_shape(lab):
    """FeedForward(8, 32) maps (batch, seq, 8) to (batch, seq, 8)."""
    out = lab.FeedForward(8, 32)(torch.randn(2, 5, 8))
    check(tuple(out.shape) == (2, 5, 8), f"output shape should be (2, 5, 8), got {tuple(out.shape)}")


def test_attention_state_dict_keys(lab):
    """MultiHeadSelfAttention has the same state_dict keys and shapes as nn.MultiheadAttention."""
    expected = {k: tuple(v.shape) for k, v in nn.MultiheadAttention(8, 2, batch_first=True).state_dict().items()}
    got = {k: tuple(v.shape) for k, v in lab.MultiHeadSelfAttention(8, 2).state_dict().items()}
    check(got == expected, f"state_dict should be {expected}, got {got}")


def test_layer_state_dict_keys(lab):
    """EncoderLayer has the same state_dict keys and shapes as nn.TransformerEncoderLayer."""
    expected = {k: tuple(v.shape) for k, v in nn.TransformerEncoderLayer(8, 2, 24, batch_first=True).state_dict().items()}
    got = {k: tuple(v.shape) for k, v in lab.EncoderLayer(8, 2, 24).state_dict().items()}
    check(set(got) == set(expected), f"state_dict keys should be {sorted(expected)}, got {sorted(got)}")
    check(got == expected, "some state_dict shapes differ from nn.TransformerEncoderLayer's")


def test_post_norm_layer_matches_torch(lab):
    """A post-norm ReLU EncoderLayer with copied weights matches nn.TransformerEncoderLayer in eval mode (no masks)."""
    torch.manual_seed(0)
    reference = nn.TransformerEncoderLayer(8, 2, 24, batch_first=True).eval()
    layer = lab.EncoderLayer(8, 2, 24)
    layer.load_state_dict(reference.state_dict())
    layer.eval()
    x = torch.randn(2, 5, 8)
    before = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)  # torch's ordinary code path
    try:
        expected = reference(x)
    finally:
        torch.backends.mha.set_fastpath_enabled(before)
    assert_close(layer(x), expected, atol=1e-5, rtol=1e-5, what="the layer output")


def test_encoder_shape_and_keys(lab):
    """Encoder(8, 2, num_layers=3, final_norm=True) has layers.0-2 and norm, and keeps the shape."""
    m = lab.Encoder(8, 2, 3, 16, final_norm=True)
    keys = set(m.state_dict())
    check({"layers.2.linear1.weight", "norm.weight", "norm.bias"} <= keys, "missing layers.2.* or norm.* in the state_dict")
    check(not any(k.startswith("layers.3.") for k in keys), "there should be exactly 3 layers")
    out = m(torch.randn(2, 5, 8), src_key_padding_mask=lab.padding_mask([5, 3]))
    check(tuple(out.shape) == (2, 5, 8), f"output shape should be (2, 5, 8), got {tuple(out.shape)}")
