"""Hidden tests for lab 44 (KV cache, sliding window, speculative decoding).

Oracles:

* ``KVCache``: transformers' own cache layers, ``DynamicLayer`` (update,
  crop) and ``DynamicSlidingWindowLayer`` (keeps the last ``W - 1``
  positions, counts every position), driven with the same tensors;
* ``attention``: softmax attention written here in float64 with the mask
  built from absolute positions;
* logits with a cache: transformers' ``GPT2LMHeadModel`` (tiny config,
  random weights, never downloaded) run on the whole sequence without a
  cache, and its ``past_key_values`` for the cached keys and values; with a
  window, a banded-mask forward written here with ``F.layer_norm``,
  ``F.linear`` and ``F.scaled_dot_product_attention`` (itself checked
  against ``GPT2LMHeadModel`` when the window covers everything);
* generation: ``GPT2LMHeadModel.generate(use_cache=False)``, greedy and
  sampling (``torch.manual_seed`` + ``do_sample=True``, the sampling rule
  the docstring prescribes), and a no-cache banded loop for windows;
* speculative decoding: the target's greedy output from transformers, and
  the round statistics simulated here from the draft's and the target's
  greedy continuations (transformers' ``generate`` on both models).

Models in float64 where several computation orders meet (chunked versus
one-at-a-time logits), so that no arg-max can flip on rounding.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import time

import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.cache_utils import DynamicLayer, DynamicSlidingWindowLayer

from autograder.testing import assert_close, check

torch.set_num_threads(1)

CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
F32 = dict(atol=2e-5, rtol=2e-5)
F64 = dict(atol=1e-10, rtol=1e-10)
VOCAB, N_POS, N_EMBD, N_LAYER, N_HEAD = 61, 64, 32, 2, 4


def randn(*shape, seed, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def randint(high, shape, seed):
    return torch.randint(0, high, shape, generator=torch.Generator().manual_seed(seed))


# ---- transformers' GPT-2 as the oracle ---------------------------------------------------------------------


def hf_model(vocab=VOCAB, n_positions=N_POS, n_embd=N_EMBD, n_layer=N_LAYER, n_head=N_HEAD, seed=0, dtype=torch.float32):
    """A tiny GPT2LMHeadModel without dropout, every parameter random, in eval mode."""
    config = GPT2Config(
        vocab_size=vocab, n_positions=n_positions, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=None, eos_token_id=None, pad_token_id=None,
    )
    model = GPT2LMHeadModel(config)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if ".ln_" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * noise)
            elif p.dim() == 2:
                p.copy_(noise / min(p.shape) ** 0.5)
            else:
                p.copy_(0.3 * noise)
    return model.to(dtype).eval()


def noisy_copy(model, noise, seed):
    """The same model with Gaussian noise of std ``noise`` added to every parameter (a draft that often agrees)."""
    copy = hf_model(model.config.vocab_size, model.config.n_positions, model.config.n_embd, model.config.n_layer,
                    model.config.n_head, dtype=next(model.parameters()).dtype)
    copy.load_state_dict({name: value.clone() for name, value in model.state_dict().items()})
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in copy.parameters():
            p.add_(noise * torch.randn(p.shape, generator=g, dtype=p.dtype))
    return copy


def params_of(model) -> dict:
    """The lab's layout (lab 19's GPT) of a GPT2LMHeadModel's weights."""
    out = {}
    for key, value in model.state_dict().items():
        key = key.removeprefix("transformer.")
        if key == "lm_head.weight" or key.endswith((".attn.bias", ".attn.masked_bias")):
            continue
        out[key] = value.t().contiguous() if key.endswith(CONV1D) else value.detach().clone()
    return out


def hf_logits(model, ids):
    with torch.no_grad():
        return model(ids).logits


def hf_generate(model, prompt, max_new_tokens, seed=None, **options):
    if seed is not None:
        torch.manual_seed(seed)
    options.setdefault("top_k", None)
    options.setdefault("do_sample", False)
    with torch.no_grad():
        return model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=max_new_tokens,
                              use_cache=False, **options)


def banded_logits(params, ids, n_head, window=None, eps=1e-5):
    """GPT-2 forward without a cache, every query limited to the last `window` positions."""
    n_layer = sum(1 for k in params if k.endswith(".ln_1.weight"))
    batch, seq = ids.shape
    n_embd = params["wte.weight"].shape[1]
    pos = torch.arange(seq)
    allowed = pos[:, None] >= pos[None, :]
    if window is not None:
        allowed &= (pos[:, None] - pos[None, :]) < window
    x = params["wte.weight"][ids] + params["wpe.weight"][:seq]
    for i in range(n_layer):
        p = lambda name: params[f"h.{i}.{name}"]  # noqa: E731
        h = F.layer_norm(x, (n_embd,), p("ln_1.weight"), p("ln_1.bias"), eps)
        q, k, v = F.linear(h, p("attn.c_attn.weight"), p("attn.c_attn.bias")).split(n_embd, dim=-1)
        q, k, v = (t.reshape(batch, seq, n_head, -1).transpose(1, 2) for t in (q, k, v))
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed).transpose(1, 2).reshape(batch, seq, n_embd)
        x = x + F.linear(a, p("attn.c_proj.weight"), p("attn.c_proj.bias"))
        h = F.layer_norm(x, (n_embd,), p("ln_2.weight"), p("ln_2.bias"), eps)
        x = x + F.linear(F.gelu(F.linear(h, p("mlp.c_fc.weight"), p("mlp.c_fc.bias")), approximate="tanh"),
                         p("mlp.c_proj.weight"), p("mlp.c_proj.bias"))
    return F.layer_norm(x, (n_embd,), params["ln_f.weight"], params["ln_f.bias"], eps) @ params["wte.weight"].T


def banded_generate(params, prompt, max_new_tokens, n_head, window):
    tokens = prompt.clone()
    for _ in range(max_new_tokens):
        nxt = banded_logits(params, tokens, n_head, window)[:, -1].float().argmax(-1, keepdim=True)
        tokens = torch.cat((tokens, nxt), dim=1)
    return tokens


@pytest.fixture(scope="module")
def model32():
    return hf_model(seed=0)


@pytest.fixture(scope="module")
def model64():
    return hf_model(seed=1, dtype=torch.float64)


def same_tokens(actual, expected, what):
    check(isinstance(actual, torch.Tensor), f"{what}: should return a torch tensor")
    check(tuple(actual.shape) == tuple(expected.shape), f"{what}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    check(actual.dtype == torch.long, f"{what}: token ids should be torch.long, got {actual.dtype}")
    wrong = int((actual != expected).sum())
    check(wrong == 0, f"{what}: {wrong} of {expected.numel()} tokens differ from generation without a cache")


def kv(batch, heads, new, dim, seed, dtype=torch.float64):
    return randn(batch, heads, new, dim, seed=seed, dtype=dtype), randn(batch, heads, new, dim, seed=seed + 500, dtype=dtype)


# ---- the given model ------------------------------------------------------------------------------------


# ---- KVCache ---------------------------------------------------------------------------------------------


def drive_cache(lab_cache, layers, chunks, seed):
    """Feed the same chunks to the student's cache (both layers) and to transformers' layers; compare everything."""
    for step, new in enumerate(chunks):
        for layer, oracle in enumerate(layers):
            k, v = kv(2, 3, new, 4, seed=seed + 10 * step + layer)
            got = lab_cache.update(layer, k, v)
            want = oracle.update(k, v)
            check(isinstance(got, tuple) and len(got) == 2, "update should return a (keys, values) tuple")
            assert_close(got[0], want[0], **F64, what=f"keys returned by update (step {step}, layer {layer})")
            assert_close(got[1], want[1], **F64, what=f"values returned by update (step {step}, layer {layer})")
            stored_k, stored_v = lab_cache.get(layer)
            assert_close(stored_k, oracle.keys, **F64, what=f"stored keys after step {step}, layer {layer}")
            assert_close(stored_v, oracle.values, **F64, what=f"stored values after step {step}, layer {layer}")
            seen = lab_cache.get_seq_length(layer)
            check(seen == oracle.get_seq_length(), f"get_seq_length({layer}) after step {step}: got {seen}")


@pytest.mark.points(3)
def test_cache_matches_dynamic_layer(lab):
    """Without a window, update concatenates per layer like transformers' DynamicLayer; the layers stay separate."""
    cache = lab.KVCache(2)
    drive_cache(cache, [DynamicLayer(), DynamicLayer()], [3, 1, 1, 4, 1], seed=1)
    check(cache.get_seq_length() == 10, "get_seq_length() (layer 0 by default) should count the 10 positions")


@pytest.mark.points(2)
@pytest.mark.parametrize("window", [2, 3, 5])
def test_cache_sliding_window_matches_hf(lab, window):
    """A sliding-window cache returns stored + new keys, keeps the last W - 1 and counts every position (DynamicSlidingWindowLayer)."""
    cache = lab.KVCache(2, window)
    layers = [DynamicSlidingWindowLayer(window), DynamicSlidingWindowLayer(window)]
    drive_cache(cache, layers, [2, window + 2, 1, 1, 2, 1, window + 1, 1], seed=2 + window)


@pytest.mark.points(2)
def test_cache_window_one_keeps_nothing(lab):
    """window=1 (each query sees only itself): update returns just the new positions and nothing is stored."""
    cache = lab.KVCache(1, window=1)
    for step, new in enumerate([3, 1, 2]):
        k, v = kv(1, 2, new, 3, seed=40 + step)
        got_k, got_v = cache.update(0, k, v)
        assert_close(got_k, k, **F64, what="keys returned with window=1")
        assert_close(got_v, v, **F64, what="values returned with window=1")
        stored_k, _ = cache.get(0)
        check(stored_k is not None and stored_k.shape[2] == 0, "a window=1 cache should store no position after an update")
    check(cache.get_seq_length() == 6, "get_seq_length() should still count all 6 positions")


@pytest.mark.points(3)
def test_cache_crop(lab):
    """crop(n) forgets positions n.. in every layer (like DynamicLayer.crop(-removed)); updates continue from there."""
    cache = lab.KVCache(2)
    oracles = [DynamicLayer(), DynamicLayer()]
    drive_cache(cache, oracles, [4, 2], seed=60)
    cache.crop(6)                         # no-op
    cache.crop(3)
    for layer, oracle in enumerate(oracles):
        oracle.crop(-3)
        stored_k, stored_v = cache.get(layer)
        assert_close(stored_k, oracle.keys, **F64, what=f"keys of layer {layer} after crop(3)")
        assert_close(stored_v, oracle.values, **F64, what=f"values of layer {layer} after crop(3)")
        check(cache.get_seq_length(layer) == 3, f"get_seq_length({layer}) should be 3 after crop(3)")
    drive_cache(cache, oracles, [2, 1], seed=70)
    cache.crop(0)
    check(cache.get_seq_length(1) == 0 and cache.get(1)[0].shape[2] == 0, "crop(0) should empty every layer")


@pytest.mark.points(1)
def test_cache_attributes_and_new_cache(lab):
    """A new cache: attributes n_layer and window (default None), length 0, get() gives (None, None)."""
    cache = lab.KVCache(3)
    check(cache.n_layer == 3 and cache.window is None, "KVCache(3) should have n_layer 3 and window None")
    check(cache.get_seq_length() == 0 and cache.get_seq_length(2) == 0, "a new cache has length 0")
    check(cache.get(1) == (None, None), "get() before any update should return (None, None)")
    check(lab.KVCache(1, window=7).window == 7, "the window attribute holds the argument")


@pytest.mark.points(2)
def test_cache_errors(lab):
    """KVCache raises ValueError for bad sizes, layers out of range, mismatched tensors and impossible crops."""
    cache = lab.KVCache(2)
    k, v = kv(1, 2, 3, 4, seed=80)
    cache.update(1, k, v)
    for bad in (lambda: lab.KVCache(0), lambda: lab.KVCache(2, window=0), lambda: lab.KVCache(2, window=-3)):
        with pytest.raises(ValueError):
            bad()
    for layer in (2, 5, -1):
        with pytest.raises(ValueError):
            cache.update(layer, k, v)
        with pytest.raises(ValueError):
            cache.get(layer)
        with pytest.raises(ValueError):
            cache.get_seq_length(layer)
    with pytest.raises(ValueError):
        cache.update(0, k, v[..., :3])
    with pytest.raises(ValueError):
        cache.update(0, k[..., :3], v)
    with pytest.raises(ValueError):
        cache.update(0, k[0], v[0])
    with pytest.raises(ValueError):
        cache.update(0, k[None], v[None])
    cache.update(0, k, v)
    cache.crop(2)
    for n in (3, -1):
        with pytest.raises(ValueError):
            cache.crop(n)
    windowed = lab.KVCache(1, window=4)
    windowed.update(0, k, v)
    with pytest.raises(ValueError):
        windowed.crop(1)
    other = lab.KVCache(2)
    other.update(0, k, v)
    with pytest.raises(ValueError):                 # layer 1 has seen nothing yet
        other.crop(2)


# ---- attention -------------------------------------------------------------------------------------------


def oracle_attention(q, k, v, window):
    new, total = q.shape[-2], k.shape[-2]
    qpos = torch.arange(total - new, total)[:, None]
    kpos = torch.arange(total)[None, :]
    allowed = kpos <= qpos
    if window is not None:
        allowed &= qpos - kpos < window
    scores = (q.double() @ k.double().mT) / q.shape[-1] ** 0.5
    return scores.masked_fill(~allowed, float("-inf")).softmax(-1) @ v.double()


ATTENTION = [
    pytest.param(5, 5, None, torch.float32, 1.0, id="square"),
    pytest.param(1, 9, None, torch.float32, 1.0, id="one-query"),
    pytest.param(3, 8, None, torch.float64, 1.0, id="chunk"),
    pytest.param(4, 6, 3, torch.float64, 1.0, id="chunk-window"),
    pytest.param(1, 7, 3, torch.float32, 1.0, id="one-query-window"),
    pytest.param(6, 6, 2, torch.float64, 1.0, id="square-window"),
    pytest.param(3, 5, 1, torch.float64, 1.0, id="window-1"),
    pytest.param(2, 4, 9, torch.float64, 1.0, id="wide-window"),
    pytest.param(3, 7, 4, torch.float32, 30.0, id="large"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("new,total,window,dtype,scale", ATTENTION)
def test_attention_matches_masked_softmax(lab, new, total, window, dtype, scale):
    """attention(q, k, v, window): the queries are the last positions; causal and windowed masks from there."""
    q = scale * randn(2, 3, new, 8, seed=new * 31 + total, dtype=dtype)
    k = scale * randn(2, 3, total, 8, seed=total * 7, dtype=dtype)
    v = randn(2, 3, total, 8, seed=total * 11 + 1, dtype=dtype)
    out = lab.attention(q, k, v, window)
    check(isinstance(out, torch.Tensor) and out.dtype == dtype, f"attention should return a {dtype} tensor")
    tol = F64 if dtype == torch.float64 else dict(atol=2e-5, rtol=2e-5)
    assert_close(out.double(), oracle_attention(q, k, v, window), **tol, what=f"attention ({new} queries, {total} keys, window {window})")


@pytest.mark.points(1)
def test_attention_default_and_errors(lab):
    """attention's window defaults to None; more queries than keys or window < 1 raise ValueError."""
    q, k, v = randn(1, 2, 2, 4, seed=1), randn(1, 2, 5, 4, seed=2), randn(1, 2, 5, 4, seed=3)
    assert_close(lab.attention(q, k, v).double(), oracle_attention(q, k, v, None), atol=2e-5, rtol=2e-5, what="attention without a window")
    with pytest.raises(ValueError):
        lab.attention(k, q, q)
    with pytest.raises(ValueError):
        lab.attention(q, k, v, 0)


# ---- prefill, decode_step, forward_cached -------------------------------------------------------------------


@pytest.mark.points(3)
def test_prefill_matches_gpt2(lab, model32):
    """prefill returns the logits of every prompt position (GPT2LMHeadModel's) and a cache of prompt_len positions."""
    # the given functions (model_sizes, embed, qkv, block_output, lm_head, forward) must still compute GPT-2
    params, ids = params_of(model32), randint(VOCAB, (2, 11), seed=4)
    expected = hf_logits(model32, ids)
    check(lab.model_sizes(params) == {"vocab_size": VOCAB, "n_positions": N_POS, "n_embd": N_EMBD, "n_layer": N_LAYER},
          "model_sizes was changed")
    assert_close(lab.forward(params, ids, N_HEAD), expected, **F32, what="the given forward")
    assert_close(lab.forward(params, ids, N_HEAD, window=3), banded_logits(params, ids, N_HEAD, 3), **F32,
                 what="the given forward with a window")
    x = lab.embed(params, ids)
    for layer in range(N_LAYER):
        q, k, v = lab.qkv(params, layer, x, N_HEAD)
        x = lab.block_output(params, layer, x, F.scaled_dot_product_attention(q, k, v, is_causal=True))
    assert_close(lab.lm_head(params, x), expected, **F32, what="the given embed, qkv, block_output and lm_head")
    params, ids = params_of(model32), randint(VOCAB, (3, 9), seed=5)
    logits, cache = lab.prefill(params, ids, N_HEAD)
    assert_close(logits, hf_logits(model32, ids), **F32, what="prefill logits")
    check(cache.get_seq_length() == 9 and cache.n_layer == N_LAYER and cache.window is None,
          "the cache after prefill should hold the 9 prompt positions of every layer, with no window")


@pytest.mark.points(2)
def test_prefill_cache_holds_gpt2_keys_values(lab, model64):
    """The cache after prefill holds, per layer, exactly GPT2LMHeadModel's past_key_values."""
    params, ids = params_of(model64), randint(VOCAB, (2, 7), seed=6)
    _, cache = lab.prefill(params, ids, N_HEAD)
    with torch.no_grad():
        past = model64(ids, use_cache=True).past_key_values
    for layer in range(N_LAYER):
        keys, values = cache.get(layer)
        assert_close(keys, past.layers[layer].keys, **F64, what=f"cached keys of layer {layer}")
        assert_close(values, past.layers[layer].values, **F64, what=f"cached values of layer {layer}")


@pytest.mark.points(3)
def test_decode_steps_match_full_forward(lab, model64):
    """Each decode_step gives the logits GPT2LMHeadModel computes for that position on the whole sequence."""
    params = params_of(model64)
    seq = randint(VOCAB, (3, 14), seed=7)
    full = hf_logits(model64, seq)
    logits, cache = lab.prefill(params, seq[:, :5], N_HEAD)
    assert_close(logits, full[:, :5], **F64, what="prefill logits")
    for t in range(5, 14):
        step = lab.decode_step(params, seq[:, t], cache, N_HEAD)
        check(isinstance(step, torch.Tensor) and tuple(step.shape) == (3, VOCAB), "decode_step should return (batch, vocab) logits")
        assert_close(step, full[:, t], **F64, what=f"decode_step logits at position {t}")
        check(cache.get_seq_length() == t + 1, f"after the token at position {t} the cache should count {t + 1} positions")


@pytest.mark.points(3)
def test_forward_cached_in_chunks(lab, model64):
    """forward_cached on chunks of several tokens after a non-empty cache (as speculative verification does) is exact."""
    params = params_of(model64)
    seq = randint(VOCAB, (2, 20), seed=8)
    full = hf_logits(model64, seq)
    cache = lab.KVCache(N_LAYER)
    start = 0
    for size in (4, 3, 1, 5, 2, 5):
        out = lab.forward_cached(params, seq[:, start:start + size], cache, N_HEAD)
        assert_close(out, full[:, start:start + size], **F64, what=f"logits of the chunk at positions {start}..{start + size - 1}")
        start += size
    check(cache.get_seq_length() == 20, "the cache should count every position of the chunks")


@pytest.mark.points(3)
@pytest.mark.parametrize("window", [3, 6])
def test_window_prefill_and_decode(lab, model64, window):
    """With a window, prefill and decode give the banded-attention logits, store at most W - 1 positions and keep counting."""
    params = params_of(model64)
    seq = randint(VOCAB, (2, 22), seed=9 + window)
    full = banded_logits(params, seq, N_HEAD, window)
    assert_close(banded_logits(params, seq, N_HEAD, 64), hf_logits(model64, seq), **F64, what="(test oracle self-check)")
    logits, cache = lab.prefill(params, seq[:, :10], N_HEAD, window=window)
    assert_close(logits, full[:, :10], **F64, what=f"prefill logits with window {window}")
    check(cache.window == window, "prefill's cache should carry the window")
    for t in range(10, 22):
        step = lab.decode_step(params, seq[:, t], cache, N_HEAD)
        assert_close(step, full[:, t], **F64, what=f"decode_step logits at position {t} with window {window}")
        keys, _ = cache.get(N_LAYER - 1)
        check(keys.shape[2] == window - 1, f"a window-{window} cache should store {window - 1} positions")
    check(cache.get_seq_length() == 22, "get_seq_length should count all 22 positions")
    chunk = lab.forward_cached(params, seq[:, :4], lab.KVCache(N_LAYER, window), N_HEAD)
    assert_close(chunk, full[:, :4], **F64, what="forward_cached with a fresh windowed cache")


@pytest.mark.points(2)
def test_forward_cached_errors(lab, model32):
    """No position beyond n_positions (ValueError), nor a cache with another number of layers."""
    params = params_of(model32)
    _, cache = lab.prefill(params, randint(VOCAB, (1, N_POS - 2), seed=10), N_HEAD)
    lab.forward_cached(params, torch.tensor([[1]]), cache, N_HEAD)
    with pytest.raises(ValueError):
        lab.forward_cached(params, torch.tensor([[1, 2]]), cache, N_HEAD)
    lab.decode_step(params, torch.tensor([3]), cache, N_HEAD)
    with pytest.raises(ValueError):
        lab.decode_step(params, torch.tensor([3]), cache, N_HEAD)
    for n_layer in (N_LAYER + 1, N_LAYER - 1):
        with pytest.raises(ValueError):
            lab.forward_cached(params, torch.tensor([[1, 2]]), lab.KVCache(n_layer), N_HEAD)
    with pytest.raises(ValueError):
        lab.prefill(params, randint(VOCAB, (1, N_POS + 1), seed=11), N_HEAD)
    with pytest.raises(ValueError):
        lab.prefill(params, randint(VOCAB, (1, 3), seed=11), N_HEAD, window=0)


# ---- generate ----------------------------------------------------------------------------------------------


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_generate_greedy_matches_no_cache(lab, model32, model64, dtype):
    """Greedy generate with and without the cache gives exactly GPT2LMHeadModel's tokens generated without a cache."""
    model = model32 if dtype == "float32" else model64
    params, prompt = params_of(model), randint(VOCAB, (3, 6), seed=12)
    expected = hf_generate(model, prompt, 30)
    same_tokens(lab.generate(params, prompt, 30, N_HEAD), expected, "generate (cache)")
    same_tokens(lab.generate(params, prompt, 30, N_HEAD, use_cache=False), expected, "generate(use_cache=False)")
    for name, value in params.items():
        check(torch.equal(value, params_of(model)[name]), "generate must not modify params")


SAMPLING = [
    pytest.param(1.0, None, 3, id="plain"),
    pytest.param(0.7, None, 4, id="temperature"),
    pytest.param(1.3, 8, 5, id="temperature-top_k"),
    pytest.param(1.0, 1, 6, id="top_k-1"),
    pytest.param(0.9, 100, 7, id="top_k-above-vocab"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("temperature,top_k,seed", SAMPLING)
def test_generate_sampling_matches_hf(lab, model32, temperature, top_k, seed):
    """Seeded sampling with and without the cache gives transformers' tokens after torch.manual_seed(seed)."""
    params, prompt = params_of(model32), randint(VOCAB, (4, 5), seed=13)
    expected = hf_generate(model32, prompt, 25, seed=seed, do_sample=True, temperature=temperature, top_k=top_k)
    options = dict(do_sample=True, temperature=temperature, top_k=top_k, seed=seed)
    same_tokens(lab.generate(params, prompt, 25, N_HEAD, **options), expected, "sampling with the cache")
    same_tokens(lab.generate(params, prompt, 25, N_HEAD, use_cache=False, **options), expected, "sampling without the cache")


@pytest.mark.points(2)
def test_generate_sampling_seed_none_and_repeats(lab, model32):
    """seed=None samples from torch's global generator; the same seed repeats, another seed differs."""
    params, prompt = params_of(model32), randint(VOCAB, (2, 4), seed=14)
    lab.manual_seed(21)
    got = lab.generate(params, prompt, 20, N_HEAD, do_sample=True)
    same_tokens(got, hf_generate(model32, prompt, 20, seed=21, do_sample=True), "sampling with seed=None after manual_seed(21)")
    again = lab.generate(params, prompt, 20, N_HEAD, do_sample=True, seed=3)
    check(torch.equal(again, lab.generate(params, prompt, 20, N_HEAD, do_sample=True, seed=3)), "the same seed should give the same tokens")
    check(not torch.equal(again, lab.generate(params, prompt, 20, N_HEAD, do_sample=True, seed=4)), "another seed should give other tokens")


@pytest.mark.points(2)
@pytest.mark.parametrize("window", [1, 4, 9])
def test_generate_window_beyond_context(lab, model64, window):
    """With a window shorter than the sequence, cached and uncached generation equal banded attention recomputed each step."""
    params, prompt = params_of(model64), randint(VOCAB, (2, 12), seed=15 + window)
    expected = banded_generate(params, prompt, 30, N_HEAD, window)
    same_tokens(lab.generate(params, prompt, 30, N_HEAD, window=window), expected, f"generate(window={window})")
    same_tokens(lab.generate(params, prompt, 30, N_HEAD, window=window, use_cache=False), expected,
                f"generate(window={window}, use_cache=False)")


@pytest.mark.points(2)
def test_generate_edges(lab, model32):
    """max_new_tokens=0 returns the prompt; the sequence may fill n_positions; greedy ignores the sampling options."""
    params, prompt = params_of(model32), randint(VOCAB, (2, 5), seed=16)
    same_tokens(lab.generate(params, prompt, 0, N_HEAD), prompt, "generate with max_new_tokens=0")
    long_prompt = randint(VOCAB, (1, N_POS - 3), seed=17)
    same_tokens(lab.generate(params, long_prompt, 3, N_HEAD), hf_generate(model32, long_prompt, 3), "generate up to n_positions")
    got = lab.generate(params, prompt, 6, N_HEAD, temperature=-1.0, top_k=0, seed=5)
    same_tokens(got, hf_generate(model32, prompt, 6), "greedy generate with (ignored) invalid sampling options")
    one = prompt[:, :1]
    same_tokens(lab.generate(params, one, 1, N_HEAD), hf_generate(model32, one, 1), "one new token after a one-token prompt")
    same_tokens(lab.generate(params, one, 9, N_HEAD, window=2), banded_generate(params, one, 9, N_HEAD, 2),
                "a one-token prompt with window=2")


@pytest.mark.points(2)
def test_generate_errors(lab, model32):
    """generate raises ValueError for a negative length, an empty prompt, no room, window < 1, bad temperature or top_k."""
    params, prompt = params_of(model32), randint(VOCAB, (1, 4), seed=18)
    lab.generate(params, prompt, N_POS - 4, N_HEAD)
    bad = [
        dict(max_new_tokens=-1),
        dict(max_new_tokens=N_POS - 3),
        dict(max_new_tokens=2, window=0),
        dict(max_new_tokens=2, window=0, use_cache=False),
        dict(max_new_tokens=2, do_sample=True, temperature=0.0),
        dict(max_new_tokens=2, do_sample=True, temperature=-0.5),
        dict(max_new_tokens=2, do_sample=True, top_k=0),
    ]
    for kwargs in bad:
        with pytest.raises(ValueError):
            lab.generate(params, prompt, n_head=N_HEAD, **kwargs)
    with pytest.raises(ValueError):
        lab.generate(params, prompt[:, :0], 2, N_HEAD)


# ---- speculative decoding ------------------------------------------------------------------------------


def simulate_rounds(target, draft, prompt, max_new_tokens, num_draft):
    """The round statistics the docstring defines, from greedy continuations of both models."""
    expected = hf_generate(target, prompt, max_new_tokens)[0, prompt.shape[1]:].tolist()
    done, rounds, proposed, accepted = 0, 0, 0, 0
    while done < max_new_tokens:
        m = min(num_draft, max_new_tokens - done - 1)
        context = torch.cat((prompt, torch.tensor([expected[:done]], dtype=torch.long)), dim=1)
        guesses = hf_generate(draft, context, m)[0, context.shape[1]:].tolist() if m else []
        a = 0
        while a < m and guesses[a] == expected[done + a]:
            a += 1
        done, rounds, proposed, accepted = done + a + 1, rounds + 1, proposed + m, accepted + a
    return {"rounds": rounds, "proposed": proposed, "accepted": accepted,
            "acceptance_rate": accepted / proposed if proposed else 0.0}


def draft_model(kind, target):
    if kind == "same":
        return target, N_HEAD
    if kind.startswith("noisy"):
        return noisy_copy(target, float(kind.split("-")[1]), seed=33), N_HEAD
    return hf_model(n_embd=16, n_layer=1, n_head=2, seed=34, dtype=torch.float64), 2


def check_stats(stats, expected, what):
    check(isinstance(stats, dict), f"{what}: stats should be a dict")
    for key in ("rounds", "proposed", "accepted"):
        check(key in stats and stats[key] == expected[key], f"{what}: stats[{key!r}] is wrong")
    rate = stats.get("acceptance_rate")
    check(isinstance(rate, float) and abs(rate - expected["acceptance_rate"]) < 1e-12, f"{what}: stats['acceptance_rate'] is wrong")


@pytest.mark.points(3)
@pytest.mark.parametrize("kind", ["same", "noisy-0.03", "noisy-0.05", "tiny"])
def test_speculative_equals_target_greedy(lab, model64, kind):
    """Speculative decoding outputs exactly the target's greedy tokens, whatever the draft; stats count the rounds."""
    draft, draft_heads = draft_model(kind, model64)
    prompt = randint(VOCAB, (1, 6), seed=19)
    tokens, stats = lab.speculative_generate(params_of(model64), params_of(draft), prompt, 30,
                                             target_n_head=N_HEAD, draft_n_head=draft_heads, num_draft=4)
    same_tokens(tokens, hf_generate(model64, prompt, 30), f"speculative decoding with the {kind} draft")
    check_stats(stats, simulate_rounds(model64, draft, prompt, 30, 4), f"{kind} draft")


@pytest.mark.points(2)
@pytest.mark.parametrize("num_draft", [1, 3, 7])
def test_speculative_num_draft(lab, model64, num_draft):
    """num_draft proposals per round (fewer at the end): the output and the acceptance statistics."""
    draft = noisy_copy(model64, 0.04, seed=35)
    prompt = randint(VOCAB, (1, 5), seed=20 + num_draft)
    tokens, stats = lab.speculative_generate(params_of(model64), params_of(draft), prompt, 23,
                                             target_n_head=N_HEAD, draft_n_head=N_HEAD, num_draft=num_draft)
    same_tokens(tokens, hf_generate(model64, prompt, 23), f"speculative decoding with num_draft={num_draft}")
    check_stats(stats, simulate_rounds(model64, draft, prompt, 23, num_draft), f"num_draft={num_draft}")


@pytest.mark.points(1)
def test_speculative_defaults_and_short(lab, model64):
    """num_draft defaults to 4; max_new_tokens 0 and 1 propose nothing (acceptance_rate 0.0)."""
    draft = noisy_copy(model64, 0.03, seed=36)
    target_params, draft_params = params_of(model64), params_of(draft)
    prompt = randint(VOCAB, (1, 8), seed=22)
    tokens, stats = lab.speculative_generate(target_params, draft_params, prompt, 17, target_n_head=N_HEAD, draft_n_head=N_HEAD)
    same_tokens(tokens, hf_generate(model64, prompt, 17), "speculative decoding with the default num_draft")
    check_stats(stats, simulate_rounds(model64, draft, prompt, 17, 4), "default num_draft")
    tokens, stats = lab.speculative_generate(target_params, draft_params, prompt, 0, target_n_head=N_HEAD, draft_n_head=N_HEAD)
    same_tokens(tokens, prompt, "speculative decoding of 0 tokens")
    check_stats(stats, {"rounds": 0, "proposed": 0, "accepted": 0, "acceptance_rate": 0.0}, "0 new tokens")
    tokens, stats = lab.speculative_generate(target_params, draft_params, prompt, 1, target_n_head=N_HEAD, draft_n_head=N_HEAD)
    same_tokens(tokens, hf_generate(model64, prompt, 1), "speculative decoding of 1 token")
    check_stats(stats, {"rounds": 1, "proposed": 0, "accepted": 0, "acceptance_rate": 0.0}, "1 new token")
    one = prompt[:, :1]
    tokens, stats = lab.speculative_generate(target_params, draft_params, one, 12, target_n_head=N_HEAD, draft_n_head=N_HEAD)
    same_tokens(tokens, hf_generate(model64, one, 12), "speculative decoding after a one-token prompt")
    check_stats(stats, simulate_rounds(model64, draft, one, 12, 4), "a one-token prompt")


@pytest.mark.points(1)
def test_speculative_long_context(lab):
    """A vocabulary of 300 and a sequence of 270 tokens (token ids and lengths above 256)."""
    target = hf_model(vocab=300, n_positions=300, n_embd=16, n_layer=1, n_head=2, seed=41, dtype=torch.float64)
    draft = noisy_copy(target, 0.03, seed=42)
    prompt = randint(300, (1, 258), seed=25)
    tokens, stats = lab.speculative_generate(params_of(target), params_of(draft), prompt, 12, target_n_head=2, draft_n_head=2)
    same_tokens(tokens, hf_generate(target, prompt, 12), "speculative decoding of a long sequence")
    check_stats(stats, simulate_rounds(target, draft, prompt, 12, 4), "a long sequence")


@pytest.mark.points(1)
def test_speculative_errors(lab, model32):
    """speculative_generate raises ValueError for batches, empty prompts, bad lengths, num_draft < 1 and mismatched models."""
    target = params_of(model32)
    small = params_of(hf_model(n_embd=16, n_layer=1, n_head=2, seed=37))
    prompt = randint(VOCAB, (1, 4), seed=23)
    heads = dict(target_n_head=N_HEAD, draft_n_head=2)
    lab.speculative_generate(target, small, prompt, N_POS - 4, **heads)
    bad = [
        (prompt.repeat(2, 1), 3, {}),
        (prompt[:0], 3, {}),
        (prompt[0], 3, {}),
        (prompt[None], 3, {}),
        (prompt[:, :0], 3, {}),
        (prompt, -1, {}),
        (prompt, 3, {"num_draft": 0}),
        (prompt, N_POS - 3, {}),
    ]
    for ids, n, extra in bad:
        with pytest.raises(ValueError):
            lab.speculative_generate(target, small, ids, n, **heads, **extra)
    for vocab in (VOCAB + 1, VOCAB - 1):
        other_vocab = params_of(hf_model(vocab=vocab, n_embd=16, n_layer=1, n_head=2, seed=38))
        with pytest.raises(ValueError):
            lab.speculative_generate(target, other_vocab, prompt, 3, **heads)
    short = params_of(hf_model(n_positions=20, n_embd=16, n_layer=1, n_head=2, seed=39))
    lab.speculative_generate(target, short, prompt, 16, **heads)
    with pytest.raises(ValueError):
        lab.speculative_generate(target, short, prompt, 17, **heads)


# ---- decode_speed ------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_decode_speed(lab):
    """decode_speed reports tokens/s of every row with and without the cache, and their ratio; the cache is faster."""
    model = hf_model(vocab=128, n_positions=128, n_embd=32, n_layer=2, n_head=4, seed=40)
    params, prompt = params_of(model), randint(128, (16, 2), seed=24)
    result = lab.decode_speed(params, prompt, 64, 4, repeats=3)
    check(isinstance(result, dict) and set(result) == {"cache_tokens_per_s", "no_cache_tokens_per_s", "speedup"},
          "decode_speed should return a dict with cache_tokens_per_s, no_cache_tokens_per_s and speedup")
    cached, uncached = result["cache_tokens_per_s"], result["no_cache_tokens_per_s"]
    check(all(isinstance(x, float) and x > 0 for x in result.values()), "every figure should be a positive float")
    check(abs(result["speedup"] - cached / uncached) <= 1e-9 * result["speedup"], "speedup should be cache / no-cache tokens per second")
    check(result["speedup"] > 1.5, "the cache should make generation faster (speedup > 1.5 here)")
    times = {True: [], False: []}
    for _ in range(3):
        for use_cache in (True, False):
            start = time.perf_counter()
            lab.generate(params, prompt, 64, 4, **({} if use_cache else {"use_cache": False}))
            times[use_cache].append(time.perf_counter() - start)
    measured, uncached_time = 16 * 64 / sorted(times[True])[1], sorted(times[False])[1]
    check(measured / 3 < cached < measured * 3, "cache_tokens_per_s should count the new tokens of every row per second")
    check(uncached_time > 1.5 * sorted(times[True])[1], "generate should use the cache by default (use_cache=True)")
    small = lab.decode_speed(params, prompt[:1, :4], 1, 4, repeats=1)
    check(set(small) == set(result) and all(x > 0 for x in small.values()), "decode_speed with repeats=1 and one new token")
    with pytest.raises(ValueError):
        lab.decode_speed(params, prompt, 64, 4, repeats=0)
    with pytest.raises(ValueError):
        lab.decode_speed(params, prompt, 0, 4)
