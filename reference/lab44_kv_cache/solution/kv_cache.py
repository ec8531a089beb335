"""Lab 44: the KV cache, sliding-window attention and speculative decoding.

The model is the course GPT (lab 19) written as plain functions of a dict
of weight tensors, ``params``, in lab 19's layout (``wte.weight``,
``wpe.weight``, ``h.{i}.ln_1.weight``, ``h.{i}.attn.c_attn.weight`` of shape
``(3 * n_embd, n_embd)``, ..., ``ln_f.bias``; the language-model head is tied
to ``wte.weight``). The first section of this file is GIVEN (do not change
it): the model's pieces and a full forward pass without a cache. Your work
is the second section: a KV cache, attention of new queries to cached keys,
prefill and incremental decoding, generation, a sliding-window cache and
speculative decoding.

Conventions
-----------
* Token ids are ``torch.long`` tensors, a batch of sequences ``(batch, seq)``.
* Every computation runs in the dtype of the weights (float32 or float64);
  logits come back in that dtype.
* Keys and values are ``(batch, n_head, positions, head_dim)`` tensors,
  ``head_dim = n_embd // n_head``.
* Sliding window ``W`` (Mistral's convention): the query at position ``t``
  attends to the keys at positions ``s`` with ``t - W < s <= t``, itself
  and the ``W - 1`` positions before it. ``window=None`` is ordinary causal
  attention (every earlier position).
* Nothing modifies ``params`` or any other tensor argument.
"""

from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

# ==== GIVEN: the course GPT as functions of its weights (do not change) ==================================


def model_sizes(params: dict[str, torch.Tensor]) -> dict[str, int]:
    """The sizes of the GPT whose weights are ``params``.

    Returns ``{"vocab_size", "n_positions", "n_embd", "n_layer"}``: the
    first two and ``n_embd`` from the shapes of ``wte.weight`` and
    ``wpe.weight``, ``n_layer`` from the number of blocks ``h.{i}``.
    """
    vocab_size, n_embd = params["wte.weight"].shape
    n_layer = sum(1 for key in params if key.endswith(".ln_1.weight"))
    return {"vocab_size": vocab_size, "n_positions": params["wpe.weight"].shape[0], "n_embd": n_embd, "n_layer": n_layer}


def embed(params: dict[str, torch.Tensor], input_ids: torch.Tensor, start: int = 0) -> torch.Tensor:
    """Token plus position embeddings of ``input_ids`` ``(batch, seq)`` at positions ``start .. start + seq - 1``.

    Returns ``(batch, seq, n_embd)``. Raises ``ValueError`` if
    ``start + seq > n_positions`` (the model has no position beyond).
    """
    seq = input_ids.shape[1]
    if start + seq > params["wpe.weight"].shape[0]:
        raise ValueError("the positions exceed n_positions")
    positions = torch.arange(start, start + seq, device=input_ids.device)
    return params["wte.weight"][input_ids] + params["wpe.weight"][positions]


def _layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float) -> torch.Tensor:
    centred = x - x.mean(dim=-1, keepdim=True)
    return centred * torch.rsqrt(centred.square().mean(dim=-1, keepdim=True) + eps) * weight + bias


def qkv(
    params: dict[str, torch.Tensor], layer: int, x: torch.Tensor, n_head: int, eps: float = 1e-5
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The queries, keys and values of block ``layer`` for the hidden states ``x`` ``(batch, seq, n_embd)``.

    ``c_attn(ln_1(x))`` split into ``q | k | v`` and into heads: three
    tensors ``(batch, n_head, seq, head_dim)``; ``n_head`` must divide
    ``n_embd``.
    """
    batch, seq, n_embd = x.shape
    p = f"h.{layer}."
    h = _layer_norm(x, params[p + "ln_1.weight"], params[p + "ln_1.bias"], eps)
    h = h @ params[p + "attn.c_attn.weight"].mT + params[p + "attn.c_attn.bias"]
    q, k, v = h.view(batch, seq, 3, n_head, n_embd // n_head).permute(2, 0, 3, 1, 4)
    return q, k, v


def block_output(
    params: dict[str, torch.Tensor], layer: int, x: torch.Tensor, attn: torch.Tensor, eps: float = 1e-5
) -> torch.Tensor:
    """The rest of block ``layer`` once its attention is known.

    ``attn`` ``(batch, n_head, seq, head_dim)`` are the heads' outputs for
    the positions of ``x`` ``(batch, seq, n_embd)``. Returns
    ``x + c_proj(heads merged)`` followed by ``+ mlp(ln_2(.))``:
    ``(batch, seq, n_embd)``.
    """
    p = f"h.{layer}."
    merged = attn.transpose(1, 2).reshape(x.shape)
    x = x + merged @ params[p + "attn.c_proj.weight"].mT + params[p + "attn.c_proj.bias"]
    h = _layer_norm(x, params[p + "ln_2.weight"], params[p + "ln_2.bias"], eps)
    h = F.gelu(h @ params[p + "mlp.c_fc.weight"].mT + params[p + "mlp.c_fc.bias"], approximate="tanh")
    return x + h @ params[p + "mlp.c_proj.weight"].mT + params[p + "mlp.c_proj.bias"]


def lm_head(params: dict[str, torch.Tensor], x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Logits ``ln_f(x) @ wte.weight.T``: ``(batch, seq, n_embd)`` -> ``(batch, seq, vocab_size)``."""
    return _layer_norm(x, params["ln_f.weight"], params["ln_f.bias"], eps) @ params["wte.weight"].mT


def forward(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, n_head: int, *, window: int | None = None, eps: float = 1e-5
) -> torch.Tensor:
    """The logits of every position of ``input_ids`` ``(batch, seq)``, without a cache.

    Positions ``0 .. seq - 1``; causal attention, limited to the last
    ``window`` positions when ``window`` is given. Returns
    ``(batch, seq, vocab_size)``; equal to transformers' ``GPT2LMHeadModel``
    with the same weights when ``window`` is None. This is the slow path
    that recomputes everything: the cache must give the same logits.
    ``window``, when given, is ``>= 1``. Raises ``ValueError`` if
    ``seq > n_positions``.
    """
    seq = input_ids.shape[1]
    pos = torch.arange(seq)
    mask = pos[:, None] >= pos[None, :]
    if window is not None:
        mask &= pos[:, None] - pos[None, :] < window
    x = embed(params, input_ids)
    for layer in range(model_sizes(params)["n_layer"]):
        q, k, v = qkv(params, layer, x, n_head, eps)
        x = block_output(params, layer, x, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), eps)
    return lm_head(params, x, eps)


# ==== YOUR WORK ============================================================================================


class KVCache:
    """The keys and values of the positions a GPT has already processed, one entry per layer.

    ``KVCache(n_layer, window=None)``; the attributes ``n_layer`` and
    ``window`` hold the arguments. Each layer starts empty.

    * ``window=None``: every position is kept.
    * ``window=W``: a sliding-window cache. A new query may attend to
      itself and the ``W - 1`` positions before it, so the cache keeps only
      the last ``W - 1`` positions of each layer and its memory stays
      bounded however long the sequence grows (``W = 1`` keeps none). This
      is transformers' ``DynamicSlidingWindowLayer``.

    ``get_seq_length`` counts every position ever added (those dropped by
    the window included): it is the position index of the next token.

    Raises:
        ValueError: if ``n_layer < 1`` or ``window`` is given and ``< 1``.
    """

    def __init__(self, n_layer: int, window: int | None = None) -> None:
        if n_layer < 1:
            raise ValueError("n_layer must be >= 1")
        if window is not None and window < 1:
            raise ValueError("window must be >= 1")
        self.n_layer = n_layer
        self.window = window
        self._keys: list[torch.Tensor | None] = [None] * n_layer
        self._values: list[torch.Tensor | None] = [None] * n_layer
        self._seen = [0] * n_layer

    def _check_layer(self, layer: int) -> None:
        if not 0 <= layer < self.n_layer:
            raise ValueError(f"layer must lie in [0, {self.n_layer}), got {layer}")

    def update(self, layer: int, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Add the keys and values of new positions to ``layer``; return what attention needs.

        Args:
            layer: ``0 <= layer < n_layer``.
            keys, values: ``(batch, n_head, new, head_dim)`` tensors of the
                ``new >= 1`` positions that follow the ones already stored
                (the same batch, heads and head_dim on every call).

        Returns:
            ``(all_keys, all_values)``: the stored positions followed by the
            new ones, ``(batch, n_head, stored + new, head_dim)``, oldest
            first (with a window: the ``W - 1`` or fewer kept positions,
            then all the new ones, even if ``new > W``). Afterwards the layer
            keeps the last ``W - 1`` of them (all of them without a window)
            and ``get_seq_length(layer)`` has grown by ``new``.

        Raises:
            ValueError: for a layer out of range, or ``keys`` and ``values``
                of different shapes or not 4-D.
        """
        self._check_layer(layer)
        if keys.dim() != 4 or keys.shape != values.shape:
            raise ValueError("keys and values must be (batch, n_head, new, head_dim) tensors of one shape")
        self._seen[layer] += keys.shape[2]
        if self._keys[layer] is not None:
            keys = torch.cat((self._keys[layer], keys), dim=2)
            values = torch.cat((self._values[layer], values), dim=2)
        if self.window is None:
            self._keys[layer], self._values[layer] = keys, values
        else:
            keep = max(keys.shape[2] - (self.window - 1), 0)
            self._keys[layer], self._values[layer] = keys[:, :, keep:], values[:, :, keep:]
        return keys, values

    def get_seq_length(self, layer: int = 0) -> int:
        """The number of positions ever added to ``layer`` (0 for a new cache), dropped ones included.

        Raises:
            ValueError: for a layer out of range.
        """
        self._check_layer(layer)
        return self._seen[layer]

    def get(self, layer: int) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """The stored ``(keys, values)`` of ``layer``, each ``(batch, n_head, stored, head_dim)``, oldest first.

        ``stored`` is ``get_seq_length(layer)`` without a window and
        ``min(get_seq_length(layer), W - 1)`` with one. ``(None, None)``
        before the layer's first ``update``.

        Raises:
            ValueError: for a layer out of range.
        """
        self._check_layer(layer)
        return self._keys[layer], self._values[layer]

    def crop(self, length: int) -> None:
        """Forget every position from ``length`` on, in every layer (to roll back rejected tokens).

        Afterwards ``get_seq_length(layer) == length`` and the next update
        continues at position ``length``. ``crop(get_seq_length())`` changes
        nothing.

        Raises:
            ValueError: if ``length < 0`` or ``length > get_seq_length(layer)``
                for some layer, or the cache has a window (dropped positions
                cannot come back).
        """
        if self.window is not None:
            raise ValueError("a sliding-window cache cannot be cropped")
        if length < 0 or any(length > seen for seen in self._seen):
            raise ValueError(f"cannot crop to {length} positions")
        for layer in range(self.n_layer):
            if self._keys[layer] is not None:
                self._keys[layer] = self._keys[layer][:, :, :length]
                self._values[layer] = self._values[layer][:, :, :length]
            self._seen[layer] = length


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, window: int | None = None) -> torch.Tensor:
    """Causal attention of new queries to cached plus new keys.

    ``q`` ``(batch, n_head, new, head_dim)`` are the queries of the LAST
    ``new`` positions of the ``k``/``v`` sequence ``(batch, n_head, total,
    head_dim)``, ``1 <= new <= total``: query ``i`` sits at key index
    ``total - new + i``. Query ``i`` attends to the key indices ``j`` with
    ``j <= total - new + i`` and, with a window ``W``,
    ``total - new + i - j < W``: ``softmax(q k^T / sqrt(head_dim) + mask) v``.

    Returns ``(batch, n_head, new, head_dim)`` in the dtype of ``q``.
    Note that ``F.scaled_dot_product_attention(..., is_causal=True)`` aligns
    the causal mask to the top-left corner: it is only right when
    ``new == total``.

    Raises:
        ValueError: if ``new > total`` or ``window < 1``.
    """
    new, total = q.shape[-2], k.shape[-2]
    if new > total:
        raise ValueError("more queries than keys")
    if window is not None and window < 1:
        raise ValueError("window must be >= 1")
    query_pos = torch.arange(total - new, total)[:, None]
    key_pos = torch.arange(total)[None, :]
    mask = key_pos <= query_pos
    if window is not None:
        mask &= query_pos - key_pos < window
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def forward_cached(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, cache: KVCache, n_head: int, *, eps: float = 1e-5
) -> torch.Tensor:
    """Run new tokens through the model, reading and extending ``cache``.

    ``input_ids`` ``(batch, new)``, ``new >= 1``, are the tokens at positions
    ``start .. start + new - 1`` with ``start = cache.get_seq_length()``:
    the tokens that follow the ones the cache has seen. Each block's new
    keys and values go through ``cache.update``, and attention uses
    ``attention(q, all_keys, all_values, cache.window)``. The cache is
    extended in place (it is also what the caller keeps).

    Returns:
        The logits of the new positions, ``(batch, new, vocab_size)``: equal
        (to rounding) to the last ``new`` rows of ``forward`` on the whole
        sequence with the same window.

    Raises:
        ValueError: if ``start + new > n_positions`` or the cache's
            ``n_layer`` differs from the model's.
    """
    sizes = model_sizes(params)
    if cache.n_layer != sizes["n_layer"]:
        raise ValueError("the cache has a different number of layers than the model")
    x = embed(params, input_ids, cache.get_seq_length())
    for layer in range(sizes["n_layer"]):
        q, k, v = qkv(params, layer, x, n_head, eps)
        k, v = cache.update(layer, k, v)
        x = block_output(params, layer, x, attention(q, k, v, cache.window), eps)
    return lm_head(params, x, eps)


def prefill(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, n_head: int, *, window: int | None = None, eps: float = 1e-5
) -> tuple[torch.Tensor, KVCache]:
    """Process a prompt ``(batch, prompt_len)``, ``prompt_len >= 1``, in one pass with a new cache.

    Returns ``(logits, cache)``: the logits of every prompt position
    ``(batch, prompt_len, vocab_size)`` and a ``KVCache(n_layer, window)``
    holding the prompt (``get_seq_length() == prompt_len``).

    Raises:
        ValueError: if ``prompt_len > n_positions`` or ``window < 1``.
    """
    cache = KVCache(model_sizes(params)["n_layer"], window)
    return forward_cached(params, input_ids, cache, n_head, eps=eps), cache


def decode_step(
    params: dict[str, torch.Tensor], token_ids: torch.Tensor, cache: KVCache, n_head: int, *, eps: float = 1e-5
) -> torch.Tensor:
    """One incremental decoding step: the next token of every row, at position ``cache.get_seq_length()``.

    ``token_ids`` ``(batch,)`` long. Extends ``cache`` by one position and
    returns the logits of that position, ``(batch, vocab_size)``.

    Raises:
        ValueError: as ``forward_cached`` (no position left).
    """
    return forward_cached(params, token_ids[:, None], cache, n_head, eps=eps)[:, -1]


def _next_tokens(logits: torch.Tensor, do_sample: bool, temperature: float, top_k: int | None, generator) -> torch.Tensor:
    logits = logits.float()
    if not do_sample:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.multinomial(logits.softmax(dim=-1), num_samples=1, generator=generator).view(-1)


@torch.no_grad()
def generate(
    params: dict[str, torch.Tensor],
    input_ids: torch.Tensor,
    max_new_tokens: int,
    n_head: int,
    *,
    window: int | None = None,
    use_cache: bool = True,
    do_sample: bool = False,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Extend every prompt by ``max_new_tokens`` tokens.

    At each step the logits ``x`` of the last position, converted to
    float32, give the next token of every row:

    * ``do_sample=False``: ``x.argmax(-1)`` (greedy; ``temperature``,
      ``top_k`` and ``seed`` are ignored and not checked);
    * ``do_sample=True``: ``x / temperature``; then, when ``top_k`` is
      given, every logit below the row's ``min(top_k, vocab)``-th largest
      becomes ``-inf`` (ties with it are kept); then ONE call
      ``torch.multinomial(softmax(.), num_samples=1, generator=g)`` draws
      the tokens of all rows, where ``g = torch.Generator().manual_seed(seed)``
      is made once per call (``None``, torch's global generator, when
      ``seed is None``). This is how transformers' ``generate`` samples, so
      it gives the same tokens after ``torch.manual_seed(seed)``.

    ``use_cache=True``: ``prefill`` the prompt, then one ``decode_step``
    per further token. ``use_cache=False``: rerun ``forward`` on the whole
    sequence at every step (the slow baseline). Both give the same tokens,
    with or without a ``window`` (sliding-window attention in both cases;
    with the cache only the last ``window - 1`` positions are kept).

    Args:
        params: the model's weights.
        input_ids: ``(batch, prompt_len)`` long, ``prompt_len >= 1``.
        max_new_tokens: ``>= 0``; 0 returns the prompt.
        n_head: the model's number of heads.
        window, use_cache, do_sample, temperature, top_k, seed: as above.
        eps: the LayerNorm epsilon.

    Returns:
        ``(batch, prompt_len + max_new_tokens)`` long, starting with the prompt.

    Raises:
        ValueError: if ``max_new_tokens < 0``, ``prompt_len < 1``,
            ``prompt_len + max_new_tokens > n_positions``, ``window < 1``,
            or, with ``do_sample``, ``temperature <= 0`` or ``top_k < 1``.
    """
    batch, prompt_len = input_ids.shape
    if max_new_tokens < 0 or prompt_len < 1 or prompt_len + max_new_tokens > model_sizes(params)["n_positions"]:
        raise ValueError("need max_new_tokens >= 0, a non-empty prompt, and room in n_positions")
    if window is not None and window < 1:
        raise ValueError("window must be >= 1")
    if do_sample and (not temperature > 0 or (top_k is not None and top_k < 1)):
        raise ValueError("need temperature > 0 and top_k >= 1")
    generator = torch.Generator().manual_seed(seed) if do_sample and seed is not None else None
    tokens = torch.empty(batch, prompt_len + max_new_tokens, dtype=torch.long)
    tokens[:, :prompt_len] = input_ids
    for t in range(prompt_len, prompt_len + max_new_tokens):
        if not use_cache:
            logits = forward(params, tokens[:, :t], n_head, window=window, eps=eps)[:, -1]
        elif t == prompt_len:
            logits, cache = prefill(params, input_ids, n_head, window=window, eps=eps)
            logits = logits[:, -1]
        else:
            logits = decode_step(params, tokens[:, t - 1], cache, n_head, eps=eps)
        tokens[:, t] = _next_tokens(logits, do_sample, temperature, top_k, generator)
    return tokens


@torch.no_grad()
def speculative_generate(
    target_params: dict[str, torch.Tensor],
    draft_params: dict[str, torch.Tensor],
    input_ids: torch.Tensor,
    max_new_tokens: int,
    *,
    target_n_head: int,
    draft_n_head: int,
    num_draft: int = 4,
    eps: float = 1e-5,
) -> tuple[torch.Tensor, dict]:
    """Greedy speculative decoding: a small draft model proposes, the target verifies.

    The output is exactly the target's greedy ``generate`` (the draft only
    changes the speed). Rounds, until ``max_new_tokens`` tokens are out:

    1. with ``r`` tokens still to produce, the draft proposes
       ``m = min(num_draft, r - 1)`` tokens by greedy decoding, continuing
       the sequence so far;
    2. the target runs once over the not yet processed tokens (the last one
       emitted and the ``m`` proposals), with its cache, and gives its
       greedy choice after each;
    3. the proposals are accepted while they equal the target's choice; the
       first mismatch and everything after it are rejected;
    4. the round emits the ``a`` accepted proposals followed by the target's
       own choice at the next position (the correction after a rejection,
       a bonus token when all ``m`` were accepted): ``a + 1`` tokens;
    5. both caches are rolled back (``KVCache.crop``) to the accepted
       sequence: rejected tokens must leave no trace.

    The target's first round also processes the prompt. Both models use a
    ``KVCache`` without a window.

    Args:
        target_params, draft_params: the two models' weights (the same
            vocabulary size).
        input_ids: ``(1, prompt_len)`` long, a single sequence, ``prompt_len >= 1``.
        max_new_tokens: ``>= 0``.
        target_n_head, draft_n_head: each model's number of heads.
        num_draft: proposals per round, ``>= 1``.
        eps: the LayerNorm epsilon of both models.

    Returns:
        ``(tokens, stats)``: ``tokens`` ``(1, prompt_len + max_new_tokens)``
        long, and ``stats`` a dict with ``"rounds"`` (int: target forward
        passes, one per round), ``"proposed"`` (int: the sum of ``m``),
        ``"accepted"`` (int: the sum of ``a``) and ``"acceptance_rate"``
        (float: ``accepted / proposed``, ``0.0`` when nothing was proposed).

    Raises:
        ValueError: if ``input_ids`` is not ``(1, prompt_len >= 1)``,
            ``max_new_tokens < 0``, ``num_draft < 1``, the vocabularies
            differ, or ``prompt_len + max_new_tokens`` exceeds either
            model's ``n_positions``.
    """
    target, draft = model_sizes(target_params), model_sizes(draft_params)
    if input_ids.dim() != 2 or input_ids.shape[0] != 1 or input_ids.shape[1] < 1:
        raise ValueError("input_ids must be one sequence, (1, prompt_len >= 1)")
    prompt_len = input_ids.shape[1]
    total = prompt_len + max_new_tokens
    if max_new_tokens < 0 or num_draft < 1:
        raise ValueError("need max_new_tokens >= 0 and num_draft >= 1")
    if target["vocab_size"] != draft["vocab_size"]:
        raise ValueError("the target and the draft have different vocabularies")
    if total > min(target["n_positions"], draft["n_positions"]):
        raise ValueError("the result would not fit in n_positions")

    tokens = input_ids[0].tolist()
    target_cache, draft_cache = KVCache(target["n_layer"]), KVCache(draft["n_layer"])
    stats = {"rounds": 0, "proposed": 0, "accepted": 0}
    while len(tokens) < total:
        m = min(num_draft, total - len(tokens) - 1)
        proposals = []
        for _ in range(m):
            pending = (tokens + proposals)[draft_cache.get_seq_length() :]
            logits = forward_cached(draft_params, torch.tensor([pending]), draft_cache, draft_n_head, eps=eps)
            proposals.append(int(logits[0, -1].argmax()))
        pending = (tokens + proposals)[target_cache.get_seq_length() :]
        logits = forward_cached(target_params, torch.tensor([pending]), target_cache, target_n_head, eps=eps)
        choices = logits[0, -(m + 1) :].argmax(dim=-1).tolist()
        accepted = 0
        while accepted < m and proposals[accepted] == choices[accepted]:
            accepted += 1
        tokens += proposals[:accepted] + [choices[accepted]]
        # the newest token has not been through either model yet
        target_cache.crop(len(tokens) - 1)
        draft_cache.crop(min(draft_cache.get_seq_length(), len(tokens) - 1))
        stats["rounds"] += 1
        stats["proposed"] += m
        stats["accepted"] += accepted
    stats["acceptance_rate"] = stats["accepted"] / stats["proposed"] if stats["proposed"] else 0.0
    return torch.tensor([tokens], dtype=torch.long), stats


def decode_speed(
    params: dict[str, torch.Tensor], input_ids: torch.Tensor, max_new_tokens: int, n_head: int, *, repeats: int = 3
) -> dict[str, float]:
    """Measure generation throughput with and without the cache.

    Times ``repeats`` greedy ``generate(params, input_ids, max_new_tokens,
    n_head, use_cache=...)`` calls for each setting (after one untimed
    warm-up call each) with ``time.perf_counter``; a setting's time ``t`` is
    the median of its calls. Throughput counts the new tokens of every row:
    ``batch * max_new_tokens / t``.

    Returns:
        ``{"cache_tokens_per_s": ..., "no_cache_tokens_per_s": ...,
        "speedup": cache_tokens_per_s / no_cache_tokens_per_s}``, floats.

    Raises:
        ValueError: if ``repeats < 1`` or ``max_new_tokens < 1`` (and as
            ``generate``).
    """
    if repeats < 1 or max_new_tokens < 1:
        raise ValueError("need repeats >= 1 and max_new_tokens >= 1")
    rates = {}
    for name, use_cache in (("cache_tokens_per_s", True), ("no_cache_tokens_per_s", False)):
        generate(params, input_ids, max_new_tokens, n_head, use_cache=use_cache)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            generate(params, input_ids, max_new_tokens, n_head, use_cache=use_cache)
            times.append(time.perf_counter() - start)
        rates[name] = input_ids.shape[0] * max_new_tokens / statistics.median(times)
    rates["speedup"] = rates["cache_tokens_per_s"] / rates["no_cache_tokens_per_s"]
    return rates
