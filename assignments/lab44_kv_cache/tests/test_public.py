"""Public sanity checks for lab 44 (KV cache).

Run with ``autograder test lab44_kv_cache``. Passing these does not mean the
hidden tests pass: they compare your cache with transformers' DynamicLayer
and DynamicSlidingWindowLayer, your logits and cached keys with
GPT2LMHeadModel (and its past_key_values), your generations (greedy and
seeded sampling, with and without a window) with generation without a
cache, and your speculative decoding with the target's greedy output and
the round statistics, plus every error the docstrings name. The given
``forward`` is a good thing to compare with in your own experiments.
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_close, check

VOCAB, N_POS, N_EMBD, N_LAYER, N_HEAD = 23, 32, 16, 2, 2


def make_params(seed: int, dtype=torch.float64) -> dict:
    """Random weights of a tiny GPT in the lab's layout."""
    g = torch.Generator().manual_seed(seed)
    shapes = {"wte.weight": (VOCAB, N_EMBD), "wpe.weight": (N_POS, N_EMBD), "ln_f.weight": (N_EMBD,), "ln_f.bias": (N_EMBD,)}
    for i in range(N_LAYER):
        shapes.update({
            f"h.{i}.ln_1.weight": (N_EMBD,), f"h.{i}.ln_1.bias": (N_EMBD,),
            f"h.{i}.attn.c_attn.weight": (3 * N_EMBD, N_EMBD), f"h.{i}.attn.c_attn.bias": (3 * N_EMBD,),
            f"h.{i}.attn.c_proj.weight": (N_EMBD, N_EMBD), f"h.{i}.attn.c_proj.bias": (N_EMBD,),
            f"h.{i}.ln_2.weight": (N_EMBD,), f"h.{i}.ln_2.bias": (N_EMBD,),
            f"h.{i}.mlp.c_fc.weight": (4 * N_EMBD, N_EMBD), f"h.{i}.mlp.c_fc.bias": (4 * N_EMBD,),
            f"h.{i}.mlp.c_proj.weight": (N_EMBD, 4 * N_EMBD), f"h.{i}.mlp.c_proj.bias": (N_EMBD,),
        })
    params = {}
    for name, shape in shapes.items():
        noise = torch.randn(shape, generator=g, dtype=dtype)
        params[name] = noise / min(shape) ** 0.5 if len(shape) == 2 else (1 + 0.2 * noise if "ln" in name and name.endswith("weight") else 0.2 * noise)
    return params


def test_cache_concatenates_and_counts(lab):
    """Two updates of one layer return all keys so far; get_seq_length counts them."""
    cache = lab.KVCache(2)
    k1, v1 = torch.ones(1, 2, 3, 4), torch.zeros(1, 2, 3, 4)
    k2, v2 = 2 * torch.ones(1, 2, 1, 4), torch.ones(1, 2, 1, 4)
    cache.update(0, k1, v1)
    keys, values = cache.update(0, k2, v2)
    check(tuple(keys.shape) == (1, 2, 4, 4), f"update should return 4 positions, got shape {tuple(keys.shape)}")
    check(bool((keys[:, :, 3] == 2).all()) and bool((values[:, :, :3] == 0).all()), "old positions first, then the new one")
    check(cache.get_seq_length(0) == 4 and cache.get_seq_length(1) == 0, "layer 0 has seen 4 positions, layer 1 none")


def test_sliding_window_cache_keeps_w_minus_one(lab):
    """A window-3 cache keeps 2 positions but counts all of them."""
    cache = lab.KVCache(1, window=3)
    keys, _ = cache.update(0, torch.arange(5.0).view(1, 1, 5, 1), torch.zeros(1, 1, 5, 1))
    check(keys.shape[2] == 5, "the first update returns all 5 new positions")
    stored, _ = cache.get(0)
    check(stored.view(-1).tolist() == [3.0, 4.0], f"the last 2 positions should be stored, got {stored.view(-1).tolist()}")
    check(cache.get_seq_length() == 5, "all 5 positions count")


def test_attention_one_query_sees_every_key(lab):
    """One query (the last position) attends to every key: equal to softmax over all of them."""
    q, k, v = torch.randn(1, 1, 1, 4), torch.randn(1, 1, 6, 4), torch.randn(1, 1, 6, 4)
    expected = torch.softmax(q @ k.mT / 2.0, dim=-1) @ v
    assert_close(lab.attention(q, k, v), expected, atol=1e-5, rtol=1e-5, what="attention of one query")


def test_prefill_then_decode_equals_forward(lab):
    """prefill + decode_step give the logits of the given forward on the whole sequence."""
    params = make_params(0)
    seq = torch.randint(0, VOCAB, (2, 10), generator=torch.Generator().manual_seed(1))
    full = lab.forward(params, seq, N_HEAD)
    logits, cache = lab.prefill(params, seq[:, :6], N_HEAD)
    assert_close(logits, full[:, :6], atol=1e-9, rtol=1e-9, what="prefill logits")
    for t in range(6, 10):
        assert_close(lab.decode_step(params, seq[:, t], cache, N_HEAD), full[:, t], atol=1e-9, rtol=1e-9,
                     what=f"decode_step logits at position {t} (is the position advancing?)")


def test_generate_with_and_without_cache(lab):
    """Greedy generation gives the same tokens with and without the cache, and with a window."""
    params = make_params(2)
    prompt = torch.randint(0, VOCAB, (2, 5), generator=torch.Generator().manual_seed(3))
    for window in (None, 3):
        a = lab.generate(params, prompt, 12, N_HEAD, window=window)
        b = lab.generate(params, prompt, 12, N_HEAD, window=window, use_cache=False)
        check(tuple(a.shape) == (2, 17) and torch.equal(a[:, :5], prompt), "the output starts with the prompt")
        check(torch.equal(a, b), f"window={window}: the cache changed the tokens")


def test_speculative_with_itself(lab):
    """A draft equal to the target has every proposal accepted and changes nothing."""
    params = make_params(4)
    prompt = torch.randint(0, VOCAB, (1, 4), generator=torch.Generator().manual_seed(5))
    tokens, stats = lab.speculative_generate(params, params, prompt, 10, target_n_head=N_HEAD, draft_n_head=N_HEAD)
    check(torch.equal(tokens, lab.generate(params, prompt, 10, N_HEAD)), "the output should be the target's greedy tokens")
    check(stats["acceptance_rate"] == 1.0, f"acceptance_rate should be 1.0, got {stats['acceptance_rate']}")
    with pytest.raises(ValueError):
        lab.speculative_generate(params, params, prompt, 10, target_n_head=N_HEAD, draft_n_head=N_HEAD, num_draft=0)
