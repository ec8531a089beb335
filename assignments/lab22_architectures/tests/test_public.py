"""Public sanity checks for lab 22 (architectures: counts, Llama's pieces, MoE routing, BM25 RAG).

Run with ``autograder test lab22_architectures`` or
``pytest assignments/lab22_architectures``. Passing these does not mean the
hidden tests pass: they also compare your counts with GPT-2, BERT, T5 and
Llama models built on the meta device from several configs, your RoPE,
RMSNorm, SwiGLU, attention and decoder layer with ``transformers``' Llama
holding the same weights, your router and loss with Mixtral's, and your
BM25 and packing with the stated formulas on more cases (ties, boundaries,
errors).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check


def test_gpt2_small_count(lab):
    """gpt2_num_parameters gives GPT-2 small's well-known 124,439,808 parameters."""
    config = dict(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12, n_inner=None, tie_word_embeddings=True)
    got = lab.gpt2_num_parameters(config)
    check(got == 124_439_808, f"GPT-2 small has 124,439,808 parameters (the LM head is tied to wte), got {got:,}")


def test_parameter_bytes(lab):
    """parameter_bytes: 4 bytes per float32 parameter, 2 per bfloat16."""
    check(lab.parameter_bytes(10, "float32") == 40, "10 float32 parameters take 40 bytes")
    check(lab.parameter_bytes(10, "bfloat16") == 20, "10 bfloat16 parameters take 20 bytes")


def test_rope_position_zero_is_identity(lab):
    """At position 0, cos is 1 and sin is 0, so apply_rope changes nothing."""
    cos, sin = lab.rope_cos_sin(torch.zeros(1, 3, dtype=torch.long), 8)
    check(tuple(cos.shape) == (1, 3, 8), f"cos should have shape (batch, seq, head_dim) = (1, 3, 8), got {tuple(cos.shape)}")
    x = torch.randn(1, 2, 3, 8)
    assert_close(lab.apply_rope(x, cos, sin), x, atol=1e-6, what="RoPE at position 0")


def test_rotate_half(lab):
    """rotate_half([1, 2, 3, 4]) is [-3, -4, 1, 2]."""
    got = lab.rotate_half(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    check(got.tolist() == [-3.0, -4.0, 1.0, 2.0], f"rotate_half([1, 2, 3, 4]) should be [-3, -4, 1, 2], got {got.tolist()}")


def test_silu_and_rms_norm(lab):
    """silu matches x * sigmoid(x); rms_norm of a constant row is the weight."""
    x = torch.linspace(-3, 3, 7)
    assert_close(lab.silu(x), F.silu(x), atol=1e-6, what="silu")
    out = lab.rms_norm(torch.full((1, 4), 3.0), torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.0)
    assert_close(out, torch.tensor([[1.0, 2.0, 3.0, 4.0]]), atol=1e-6, what="rms_norm of a constant row with eps=0")


def test_repeat_kv_order(lab):
    """repeat_kv repeats each head in place: heads [a, b] with n_rep=2 become [a, a, b, b]."""
    x = torch.tensor([1.0, 2.0]).view(1, 2, 1, 1)
    got = lab.repeat_kv(x, 2).flatten().tolist()
    check(got == [1.0, 1.0, 2.0, 2.0], f"repeat_kv should give heads [a, a, b, b], got {got}")


def test_decoder_layer_shape(lab):
    """LlamaDecoderLayer keeps the shape (batch, seq, hidden)."""
    torch.manual_seed(0)
    layer = lab.LlamaDecoderLayer(32, 4, 2, 44)
    out = layer(torch.randn(2, 5, 32))
    check(tuple(out.shape) == (2, 5, 32), f"the output should have shape (2, 5, 32), got {tuple(out.shape)}")


def test_top_k_routing_small(lab):
    """top_k_routing picks the two largest logits and renormalises their probabilities."""
    weights, experts = lab.top_k_routing(torch.tensor([[0.0, 2.0, 1.0, -1.0]]), 2)
    check(experts.tolist() == [[1, 2]], f"the experts should be [[1, 2]], got {experts.tolist()}")
    e = math.e
    assert_close(weights, torch.tensor([[e / (e + 1), 1 / (e + 1)]]), atol=1e-6, what="the renormalised weights")


def test_load_balancing_uniform(lab):
    """load_balancing_loss of uniform probabilities is k."""
    got = lab.load_balancing_loss(torch.zeros(6, 4), 2)
    assert_close(got, torch.tensor(2.0), atol=1e-6, what="the loss of a uniform router with k=2")


def test_bm25_ranks_matching_document_first(lab):
    """BM25.retrieve puts the document sharing the query's rare word first."""
    index = lab.BM25(["the cat sat", "the dog ran", "a quiet afternoon"])
    check(list(index.retrieve("dog", 3)) == [1], "only document 1 contains 'dog'")
    check(index.idf("the") > 0, "the Lucene idf stays positive")


def test_pack_and_cite(lab):
    """pack_context counts separators; format_context and extract_citations agree."""
    check(list(lab.pack_context([3, 4, 2], 10)) == [0, 1], "3 + 1 + 4 = 8 fits; + 1 + 2 = 11 does not")
    text, citations = lab.format_context(["A.", "B."], [7, 3])
    check(text == "[1] A.\n\n[2] B.", f"unexpected context text {text!r}")
    check(list(lab.extract_citations("B [2], then A [1].", citations)) == [3, 7], "citations follow the answer's order")
