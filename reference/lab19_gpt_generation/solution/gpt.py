"""Lab 19: GPT-2 from scratch, and text generation.

A GPT-2 language model built from the lab's own ``Linear``, ``Embedding`` and
``LayerNorm`` modules, laid out so that the weights of a transformers
``GPT2LMHeadModel`` load into it (after ``convert_hf_state_dict``) and give
the same logits; a fine-tuning loop; and the decoding rules of
``model.generate``: greedy search, temperature, top-k, top-p (nucleus) and
the repetition penalty, each equal to transformers' logits processor of the
same name, and seeded multinomial sampling.

Conventions used throughout
---------------------------
* Token ids are ``torch.long`` tensors; a batch of sequences is
  ``(batch, seq)``. Logits are floating tensors ``(batch, seq, vocab_size)``
  from the model and ``(batch, vocab_size)`` for one decoding step.
* Initialisation follows GPT-2: every ``Linear`` and ``Embedding`` weight is
  drawn from N(0, 0.02^2), biases are zeros, a LayerNorm starts as weight
  ones, bias zeros.
* The model has no dropout: ``train()`` and ``eval()`` give the same outputs.
* Functions never modify their tensor arguments in place: they return new
  tensors.

What you may use: any ``torch`` tensor operation (``@``, ``matmul``,
indexing, ``mean``, ``rsqrt``, ``softmax``, ``topk``, ``sort``,
``multinomial``, ...), ``nn.Module``, ``nn.Parameter``, ``nn.ModuleList``,
``F.gelu``, ``F.cross_entropy``, ``F.scaled_dot_product_attention`` and
``torch.optim.AdamW``. You may NOT use ``nn.Linear``, ``nn.Embedding``,
``nn.LayerNorm`` or their functional forms (``F.linear``, ``F.embedding``,
``F.layer_norm``), nor import ``transformers``: a static check looks for
them in your file.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

INIT_STD = 0.02  # GPT-2's initializer_range
CONV1D_WEIGHTS = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


# ---- building blocks ------------------------------------------------------------------------------


class Linear(nn.Module):
    """An affine map ``y = x @ weight.T + bias``, like ``nn.Linear``.

    Parameters: ``weight`` ``(out_features, in_features)`` ~ N(0, 0.02^2) and,
    when ``bias=True``, ``bias`` ``(out_features,)`` of zeros. With
    ``bias=False`` the module has no ``bias`` entry in its ``state_dict``.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features).normal_(0.0, INIT_STD))
        if bias:
            self.bias = nn.Parameter(torch.zeros(out_features))
        else:
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(..., in_features)`` -> ``(..., out_features)``, in the dtype of the parameters."""
        out = x @ self.weight.mT
        return out if self.bias is None else out + self.bias


class Embedding(nn.Module):
    """A lookup table, like ``nn.Embedding``: row ``i`` of ``weight`` is the vector of id ``i``.

    Parameter: ``weight`` ``(num_embeddings, embedding_dim)`` ~ N(0, 0.02^2).
    """

    def __init__(self, num_embeddings: int, embedding_dim: int) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.weight = nn.Parameter(torch.empty(num_embeddings, embedding_dim).normal_(0.0, INIT_STD))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Integer ids of any shape ``S`` (values in ``[0, num_embeddings)``) -> ``S + (embedding_dim,)``.

        The gradient of ``weight`` is the sum of the output gradients of every
        position holding that id (an id used twice gets both).
        """
        return self.weight[ids]


class LayerNorm(nn.Module):
    """Layer normalisation over the last dimension, like ``nn.LayerNorm(normalized_shape, eps)``.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the mean and
    the *biased* variance (divide by ``n``) of the last dimension of each
    vector. The variance must stay exact for inputs with a large offset
    (float32 values around 1e4 with a spread of 1): compute it as the mean of
    ``(x - mean)^2``, not as ``E[x^2] - mean^2``.

    Parameters: ``weight`` ``(normalized_shape,)`` of ones and ``bias``
    ``(normalized_shape,)`` of zeros. The attribute ``eps`` holds ``eps``.
    """

    def __init__(self, normalized_shape: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(normalized_shape))
        self.bias = nn.Parameter(torch.zeros(normalized_shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(..., normalized_shape)`` -> the same shape."""
        centred = x - x.mean(dim=-1, keepdim=True)
        var = centred.square().mean(dim=-1, keepdim=True)
        return centred * torch.rsqrt(var + self.eps) * self.weight + self.bias


# ---- the model ------------------------------------------------------------------------------------


class CausalSelfAttention(nn.Module):
    """GPT-2's masked multi-head self-attention.

    Submodules: ``c_attn = Linear(n_embd, 3 * n_embd)`` whose output is
    ``[q | k | v]`` (three blocks of ``n_embd`` features; head ``h`` owns
    features ``h * head_dim .. (h + 1) * head_dim`` of each block), and
    ``c_proj = Linear(n_embd, n_embd)`` applied to the heads' outputs
    concatenated in head order. Each head computes
    ``softmax(q k^T / sqrt(head_dim) + causal) v`` where position ``t`` may
    attend to positions ``0 .. t`` (itself included) and never to a later one.

    Raises:
        ValueError: if ``n_head`` does not divide ``n_embd``.
    """

    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        if n_head < 1 or n_embd % n_head:
            raise ValueError("n_head must divide n_embd")
        self.n_embd = n_embd
        self.n_head = n_head
        self.c_attn = Linear(n_embd, 3 * n_embd)
        self.c_proj = Linear(n_embd, n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, n_embd)`` -> ``(batch, seq, n_embd)``."""
        return self._attend(x, None)

    def _attend(self, x: torch.Tensor, cache: list | None) -> torch.Tensor:
        """Attention of the new positions ``x`` to the cached keys and values
        (``cache`` a list ``[k, v]``, empty at first, extended in place); more
        than one new position only with an empty cache."""
        batch, seq, _ = x.shape
        heads = self.c_attn(x).view(batch, seq, 3, self.n_head, self.n_embd // self.n_head)
        q, k, v = heads.permute(2, 0, 3, 1, 4)  # each (batch, heads, seq, head_dim)
        if cache is not None:
            if cache:
                k = torch.cat((cache[0], k), dim=2)
                v = torch.cat((cache[1], v), dim=2)
            cache[:] = (k, v)
        # The prompt comes with an empty cache, then one position at a time:
        # a single new query may attend to every cached key.
        out = F.scaled_dot_product_attention(q, k, v, is_causal=seq > 1)
        return self.c_proj(out.transpose(1, 2).reshape(batch, seq, self.n_embd))


class MLP(nn.Module):
    """GPT-2's feed-forward block: ``c_proj(gelu_tanh(c_fc(x)))``.

    Submodules: ``c_fc = Linear(n_embd, 4 * n_embd)`` and
    ``c_proj = Linear(4 * n_embd, n_embd)``. The activation is GPT-2's
    ``gelu_new``, the tanh approximation:
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``
    (``F.gelu(x, approximate="tanh")``), not the exact erf GELU.
    """

    def __init__(self, n_embd: int) -> None:
        super().__init__()
        self.c_fc = Linear(n_embd, 4 * n_embd)
        self.c_proj = Linear(4 * n_embd, n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(..., n_embd)`` -> the same shape."""
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    """One pre-norm GPT-2 layer.

    ``x = x + attn(ln_1(x))`` then ``x = x + mlp(ln_2(x))``, with submodules
    ``ln_1``, ``ln_2`` (``LayerNorm(n_embd, eps=layer_norm_epsilon)``),
    ``attn`` (``CausalSelfAttention``) and ``mlp`` (``MLP``).
    """

    def __init__(self, n_embd: int, n_head: int, layer_norm_epsilon: float = 1e-5) -> None:
        super().__init__()
        self.ln_1 = LayerNorm(n_embd, eps=layer_norm_epsilon)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = LayerNorm(n_embd, eps=layer_norm_epsilon)
        self.mlp = MLP(n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` ``(batch, seq, n_embd)`` -> the same shape."""
        return self._step(x, None)

    def _step(self, x: torch.Tensor, cache: list | None) -> torch.Tensor:
        x = x + self.attn._attend(self.ln_1(x), cache)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """A GPT-2 language model (``GPT2LMHeadModel`` without dropout).

    Submodules, so that the ``state_dict`` keys are exactly
    ``wte.weight``, ``wpe.weight``, ``h.{i}.ln_1.{weight,bias}``,
    ``h.{i}.attn.c_attn.{weight,bias}``, ``h.{i}.attn.c_proj.{weight,bias}``,
    ``h.{i}.ln_2.{weight,bias}``, ``h.{i}.mlp.c_fc.{weight,bias}``,
    ``h.{i}.mlp.c_proj.{weight,bias}`` for ``i = 0 .. n_layer-1``, and
    ``ln_f.{weight,bias}``:

    * ``wte = Embedding(vocab_size, n_embd)``: token embeddings;
    * ``wpe = Embedding(n_positions, n_embd)``: learned position embeddings;
    * ``h``: an ``nn.ModuleList`` of ``n_layer`` ``Block``s;
    * ``ln_f = LayerNorm(n_embd, eps=layer_norm_epsilon)``: the final norm.

    There is no separate output layer: the language-model head is *tied* to
    the token embeddings, ``logits = ln_f(x) @ wte.weight.T``, so the model
    has exactly as many parameters as ``GPT2LMHeadModel`` with the same
    config, and training updates one shared matrix.

    The attributes ``vocab_size``, ``n_positions``, ``n_embd``, ``n_layer``,
    ``n_head`` and ``layer_norm_epsilon`` hold the constructor's arguments.

    Raises:
        ValueError: if ``n_head`` does not divide ``n_embd``.
    """

    def __init__(
        self,
        vocab_size: int,
        n_positions: int,
        n_embd: int,
        n_layer: int,
        n_head: int,
        layer_norm_epsilon: float = 1e-5,
    ) -> None:
        super().__init__()
        if n_head < 1 or n_embd % n_head:
            raise ValueError("n_head must divide n_embd")
        self.vocab_size = vocab_size
        self.n_positions = n_positions
        self.n_embd = n_embd
        self.n_layer = n_layer
        self.n_head = n_head
        self.layer_norm_epsilon = layer_norm_epsilon
        self.wte = Embedding(vocab_size, n_embd)
        self.wpe = Embedding(n_positions, n_embd)
        self.h = nn.ModuleList(Block(n_embd, n_head, layer_norm_epsilon) for _ in range(n_layer))
        self.ln_f = LayerNorm(n_embd, eps=layer_norm_epsilon)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Next-token logits for every position.

        Args:
            input_ids: ``(batch, seq)`` long tensor of ids in
                ``[0, vocab_size)``, ``1 <= seq <= n_positions``. Position
                ``t`` gets ``wte[input_ids[:, t]] + wpe[t]``.

        Returns:
            A ``(batch, seq, vocab_size)`` tensor in the dtype of the
            parameters; entry ``[b, t]`` depends on ``input_ids[b, :t+1]``
            only (causal).

        Raises:
            ValueError: if ``seq > n_positions``.
        """
        if input_ids.shape[1] > self.n_positions:
            raise ValueError("the sequence is longer than n_positions")
        return self._forward(input_ids, None, 0)

    def _forward(self, input_ids: torch.Tensor, caches: list | None, past: int) -> torch.Tensor:
        """The logits of new positions ``past ..``, after ``past`` cached ones (``caches``: one list per block)."""
        positions = torch.arange(past, past + input_ids.shape[1], device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(positions)
        for i, block in enumerate(self.h):
            x = block._step(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.mT


def convert_hf_state_dict(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Turn a transformers ``GPT2LMHeadModel`` state_dict into this lab's ``GPT`` layout.

    * the prefix ``transformer.`` is removed from every key;
    * ``lm_head.weight`` is dropped (it is tied to ``wte.weight``);
    * buffers that are not parameters (keys ending in ``.attn.bias`` or
      ``.attn.masked_bias``, the causal masks of older transformers
      versions) are dropped;
    * the weights of GPT-2's ``Conv1D`` layers (``attn.c_attn``,
      ``attn.c_proj``, ``mlp.c_fc``, ``mlp.c_proj``), stored as
      ``(in_features, out_features)``, are transposed to ``Linear``'s
      ``(out_features, in_features)``; everything else is kept as it is.

    Args:
        state_dict: ``GPT2LMHeadModel(config).state_dict()`` (key -> tensor).

    Returns:
        A new dict (the argument is left unchanged) that ``GPT(...)
        .load_state_dict`` accepts with ``strict=True``.
    """
    out = {}
    for key, value in state_dict.items():
        key = key.removeprefix("transformer.")
        if key == "lm_head.weight" or key.endswith((".attn.bias", ".attn.masked_bias")):
            continue
        out[key] = value.t().contiguous() if key.endswith(CONV1D_WEIGHTS) else value.clone()
    return out


def lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The causal language-modelling loss of ``GPT2LMHeadModel(input_ids, labels=labels)``.

    The logits at position ``t`` predict the label at ``t + 1``: the mean
    cross-entropy of ``logits[:, :-1]`` against ``labels[:, 1:]`` over every
    label that is not ``-100`` (those are ignored), computed in float32 or
    better (float16 / bfloat16 logits are upcast to float32) and stable for
    large logits.

    Args:
        logits: ``(batch, seq, vocab)`` floating tensor.
        labels: ``(batch, seq)`` long tensor of ids in ``[0, vocab)`` or
            ``-100``; at least one of ``labels[:, 1:]`` is not ``-100``.

    Returns:
        A scalar (0-d) tensor, differentiable with respect to ``logits``.
    """
    if logits.dtype in (torch.float16, torch.bfloat16):
        logits = logits.float()
    return F.cross_entropy(logits[:, :-1].flatten(0, 1), labels[:, 1:].flatten(), ignore_index=-100)


def fine_tune(
    model: GPT,
    token_ids: torch.Tensor,
    *,
    steps: int,
    batch_size: int,
    seq_len: int,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` in place on random windows of one long token sequence.

    Exactly this procedure (the tests repeat it with transformers' model and
    compare the losses and the weights):

    1. ``g = torch.Generator().manual_seed(seed)``; one
       ``torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)``
       (other settings at their defaults) for the whole call; ``model.train()``.
    2. At each of ``steps`` steps: ``starts = torch.randint(0,
       len(token_ids) - seq_len + 1, (batch_size,), generator=g)``; the batch
       is the ``(batch_size, seq_len)`` tensor whose row ``i`` is
       ``token_ids[starts[i] : starts[i] + seq_len]``; the loss is
       ``lm_loss(model(batch), batch)``; zero the gradients, back-propagate,
       take one optimiser step.
    3. ``model.eval()`` at the end.

    A second call continues from the weights the first one left (with a new
    optimiser and a new generator).

    Args:
        model: the ``GPT`` to train (its parameters are updated in place).
        token_ids: 1-D long tensor, the corpus, ``len(token_ids) >= seq_len``.
        steps: the number of optimiser steps, ``>= 0`` (0: nothing changes).
        batch_size: windows per step, ``>= 1``.
        seq_len: tokens per window, ``2 <= seq_len <= model.n_positions``.
        lr: AdamW's learning rate.
        weight_decay: AdamW's decoupled weight decay.
        seed: seeds the generator of the window starts.

    Returns:
        The ``steps`` losses as Python floats, each computed before its step's
        update.

    Raises:
        ValueError: if ``steps < 0``, ``batch_size < 1``, ``seq_len < 2``,
            ``seq_len > len(token_ids)`` or ``seq_len > model.n_positions``.
    """
    token_ids = torch.as_tensor(token_ids, dtype=torch.long).reshape(-1)
    if steps < 0 or batch_size < 1 or seq_len < 2:
        raise ValueError("need steps >= 0, batch_size >= 1 and seq_len >= 2")
    if seq_len > token_ids.numel() or seq_len > model.n_positions:
        raise ValueError("seq_len exceeds the corpus or n_positions")
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    offsets = torch.arange(seq_len)
    model.train()
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, token_ids.numel() - seq_len + 1, (batch_size,), generator=g)
        batch = token_ids[starts[:, None] + offsets]
        loss = lm_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    return losses


# ---- logits processors ----------------------------------------------------------------------------


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """``logits / temperature``, like ``TemperatureLogitsWarper(temperature)``.

    Args:
        logits: ``(batch, vocab)`` floating tensor.
        temperature: ``> 0``; below 1 sharpens the distribution, above 1
            flattens it, 1 leaves the logits unchanged.

    Returns:
        A new tensor of the same shape and dtype.

    Raises:
        ValueError: if ``temperature <= 0`` (or NaN). Temperature 0 is not a
            way to ask for greedy decoding here: use ``do_sample=False``.
    """
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    return logits / temperature


def top_k_filter(
    logits: torch.Tensor, top_k: int, *, filter_value: float = float("-inf"), min_tokens_to_keep: int = 1
) -> torch.Tensor:
    """Keep the ``k`` largest logits of each row, like ``TopKLogitsWarper``.

    ``k = min(max(top_k, min_tokens_to_keep), vocab)``. Every logit strictly
    below the row's ``k``-th largest value becomes ``filter_value``; logits
    equal to it are all kept (ties at the boundary may keep more than ``k``).
    ``top_k >= vocab`` keeps everything.

    Args:
        logits: ``(batch, vocab)`` floating tensor.
        top_k: ``>= 1``.
        filter_value: the value given to removed logits.
        min_tokens_to_keep: ``>= 1``, a lower bound on ``k``.

    Returns:
        A new tensor of the same shape and dtype.

    Raises:
        ValueError: if ``top_k < 1`` or ``min_tokens_to_keep < 1``.
    """
    if top_k < 1 or min_tokens_to_keep < 1:
        raise ValueError("need top_k >= 1 and min_tokens_to_keep >= 1")
    k = min(max(top_k, min_tokens_to_keep), logits.shape[-1])
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, filter_value)


def top_p_filter(
    logits: torch.Tensor, top_p: float, *, filter_value: float = float("-inf"), min_tokens_to_keep: int = 1
) -> torch.Tensor:
    """Nucleus filtering, like ``TopPLogitsWarper``: keep the most likely tokens whose probabilities reach ``top_p``.

    Per row: ``p = softmax(logits)`` (in the dtype of ``logits``); sort the
    tokens from the least to the most likely and accumulate ``p`` in that
    order; remove every token whose cumulative sum is ``<= 1 - top_p``. So
    the kept set is the smallest set of most likely tokens whose total
    probability is ``>= top_p``: the token that crosses the threshold is
    kept. The ``min_tokens_to_keep`` most likely tokens are never removed.
    Removed logits become ``filter_value``.

    Named values: ``top_p = 0`` keeps only ``min_tokens_to_keep`` tokens;
    ``top_p = 1`` removes only the tokens whose probability is exactly 0
    (their cumulative sum is 0 ``<= 0``), for example ``-inf`` logits or
    logits about 104 or more below the row's maximum in float32.

    Args:
        logits: ``(batch, vocab)`` floating tensor.
        top_p: in ``[0, 1]``.
        filter_value: the value given to removed logits.
        min_tokens_to_keep: ``>= 1``.

    Returns:
        A new tensor of the same shape and dtype.

    Raises:
        ValueError: if ``top_p`` is outside ``[0, 1]`` or ``min_tokens_to_keep < 1``.
    """
    if not 0.0 <= top_p <= 1.0 or min_tokens_to_keep < 1:
        raise ValueError("need 0 <= top_p <= 1 and min_tokens_to_keep >= 1")
    sorted_logits, order = torch.sort(logits, dim=-1)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative <= 1 - top_p
    remove[..., -min_tokens_to_keep:] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), filter_value)


def apply_repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Discourage tokens already present, like ``RepetitionPenaltyLogitsProcessor(penalty)``.

    For each row ``b`` and each distinct id ``t`` in ``input_ids[b]`` (once,
    however often it occurs): a logit ``< 0`` is *multiplied* by ``penalty``,
    a logit ``>= 0`` is *divided* by it. With ``penalty > 1`` both moves make
    ``t`` less likely; ``penalty < 1`` makes it more likely; ``penalty = 1``
    changes nothing. Other logits are unchanged.

    Args:
        logits: ``(batch, vocab)`` floating tensor.
        input_ids: ``(batch, seq)`` long tensor of ids in ``[0, vocab)``
            (the prompt and what was generated so far), ``seq >= 0``.
        penalty: ``> 0``.

    Returns:
        A new tensor of the same shape and dtype.

    Raises:
        ValueError: if ``penalty <= 0``.
    """
    if not penalty > 0:
        raise ValueError("penalty must be > 0")
    score = logits.gather(-1, input_ids)
    score = torch.where(score < 0, score * penalty, score / penalty)
    return logits.scatter(-1, input_ids, score)


def process_logits(
    logits: torch.Tensor,
    input_ids: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    repetition_penalty: float = 1.0,
) -> torch.Tensor:
    """The sampling pipeline of ``model.generate(do_sample=True, ...)``, in transformers' order.

    1. ``apply_repetition_penalty(logits, input_ids, repetition_penalty)``
       (the identity when ``repetition_penalty == 1``);
    2. ``apply_temperature(..., temperature)`` (the identity when
       ``temperature == 1``);
    3. ``top_k_filter(..., top_k)`` unless ``top_k is None``;
    4. ``top_p_filter(..., top_p)`` unless ``top_p is None`` or ``top_p == 1``.

    The temperature comes before the nucleus: it changes which tokens top-p
    keeps (top-k does not care: dividing by a positive number keeps the
    order).

    Args:
        logits: ``(batch, vocab)`` floating tensor, the last position's logits.
        input_ids: ``(batch, seq)`` long tensor, the tokens so far.
        temperature, top_k, top_p, repetition_penalty: as in the functions
            above (``top_k >= 1``, ``0 <= top_p <= 1``, the others ``> 0``).

    Returns:
        The processed ``(batch, vocab)`` logits (removed tokens are ``-inf``).

    Raises:
        ValueError: for an invalid option (the step that uses it raises).
    """
    logits = apply_repetition_penalty(logits, input_ids, repetition_penalty)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None and top_p != 1.0:
        logits = top_p_filter(logits, top_p)
    return logits


# ---- generation -----------------------------------------------------------------------------------


@torch.no_grad()
def generate(
    model: GPT,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    *,
    do_sample: bool = False,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    repetition_penalty: float = 1.0,
    seed: int | None = None,
) -> torch.Tensor:
    """Extend every prompt by ``max_new_tokens`` tokens, like ``GPT2LMHeadModel.generate``.

    At each step the model's logits at the last position (float32), ``x``,
    give the next token of every row:

    * ``do_sample=False`` (greedy search): ``argmax`` of
      ``apply_repetition_penalty(x, tokens, repetition_penalty)``.
      ``temperature``, ``top_k`` and ``top_p`` are ignored (not even
      checked), as in transformers.
    * ``do_sample=True``: ``probs = softmax(process_logits(x, tokens, ...))``,
      then ONE call ``torch.multinomial(probs, num_samples=1,
      generator=generator)`` draws the tokens of all rows, where
      ``generator`` is ``torch.Generator().manual_seed(seed)``, made once
      per call of ``generate`` (so the same seed gives the same output, and
      each step and each row gets fresh random numbers), or None (torch's
      global random state) when ``seed is None``. This is exactly how
      transformers samples, so with ``torch.manual_seed(seed)`` before its
      ``generate`` both give the same tokens.

    ``tokens`` is the prompt followed by what has been generated so far.
    There is no end-of-sequence token: every row gets ``max_new_tokens``
    tokens. The model is not changed. Reusing the keys and values of earlier
    positions (a KV cache) is not required, but makes it much faster.

    Args:
        model: a ``GPT``.
        input_ids: ``(batch, prompt_len)`` long tensor, ``prompt_len >= 1``.
        max_new_tokens: ``>= 0``; 0 returns the prompt.
        do_sample: sample (True) or greedy search (False).
        temperature, top_k, top_p, repetition_penalty: as in
            ``process_logits``.
        seed: the seed of the sampling generator, or None.

    Returns:
        A ``(batch, prompt_len + max_new_tokens)`` long tensor that starts
        with ``input_ids``.

    Raises:
        ValueError: if ``max_new_tokens < 0``, ``prompt_len < 1`` or
            ``prompt_len + max_new_tokens > model.n_positions``; and, when
            ``max_new_tokens >= 1``, for ``repetition_penalty <= 0`` or (only
            when ``do_sample``) an invalid ``temperature`` (``<= 0``),
            ``top_k`` (``< 1``) or ``top_p`` (outside ``[0, 1]``), raised by
            the processor that uses it.
    """
    batch, prompt_len = input_ids.shape
    if max_new_tokens < 0 or prompt_len < 1 or prompt_len + max_new_tokens > model.n_positions:
        raise ValueError("max_new_tokens must be >= 0 and the result fit in n_positions")
    generator = torch.Generator().manual_seed(seed) if do_sample and seed is not None else None
    tokens = torch.empty(batch, prompt_len + max_new_tokens, dtype=torch.long)
    tokens[:, :prompt_len] = input_ids
    caches = [[] for _ in model.h]
    step_input = input_ids
    for t in range(prompt_len, prompt_len + max_new_tokens):
        logits = model._forward(step_input, caches, t - step_input.shape[1])[:, -1].float()
        seen = tokens[:, :t]
        if do_sample:
            scores = process_logits(
                logits, seen, temperature=temperature, top_k=top_k, top_p=top_p, repetition_penalty=repetition_penalty
            )
            step_input = torch.multinomial(scores.softmax(dim=-1), num_samples=1, generator=generator)
        else:
            step_input = apply_repetition_penalty(logits, seen, repetition_penalty).argmax(dim=-1, keepdim=True)
        tokens[:, t] = step_input.view(-1)
    return tokens


def generate_with_weights(
    params: dict[str, torch.Tensor],
    n_head: int,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    *,
    layer_norm_epsilon: float = 1e-5,
    repetition_penalty: float = 1.0,
) -> torch.Tensor:
    """Greedy ``generate`` with a ``GPT`` whose weights are ``params`` (the timed kernel).

    The sizes come from ``params``, a complete ``GPT`` state_dict (this
    lab's layout): ``vocab_size`` and ``n_embd`` from ``wte.weight``,
    ``n_positions`` from ``wpe.weight``, ``n_layer`` from the number of
    blocks ``h.{i}``. ``params`` is left unchanged.

    Returns:
        ``generate(model, input_ids, max_new_tokens,
        repetition_penalty=repetition_penalty)`` (greedy search).

    Raises:
        ValueError: as ``generate``.
    """
    vocab_size, n_embd = params["wte.weight"].shape
    n_positions = params["wpe.weight"].shape[0]
    n_layer = sum(1 for key in params if key.endswith(".ln_1.weight"))
    with torch.device("meta"):
        model = GPT(vocab_size, n_positions, n_embd, n_layer, n_head, layer_norm_epsilon)
    model.load_state_dict(params, assign=True)
    return generate(model, input_ids, max_new_tokens, repetition_penalty=repetition_penalty)
