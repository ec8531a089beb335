"""Lab 22: modern architectures by hand.

Four parts, each independent of the others:

1. **Counting.** The number of parameters of GPT-2, BERT, T5 and Llama,
   computed from a config's fields by formula (no model is built), and the
   memory they take for a dtype, for inference and for AdamW training.
2. **Llama's pieces.** Rotary position embeddings (RoPE), RMSNorm, SiLU and
   SwiGLU, grouped-query attention (GQA) with ``repeat_kv``, and a whole
   Llama decoder layer whose ``state_dict`` is that of
   ``transformers``' ``LlamaDecoderLayer``.
3. **Mixture of experts.** A top-k router and the Switch/Mixtral
   load-balancing loss.
4. **Retrieval-augmented generation.** A BM25 retriever, packing passages
   into a token budget, and numbered citations.

Conventions
-----------
* A config is a plain ``dict`` as returned by ``XConfig(...).to_dict()`` of
  ``transformers``: every field a function reads is present.
* Attention tensors are laid out ``(batch, heads, seq, head_dim)``; linear
  weights are stored as ``nn.Linear`` stores them, ``(out_features,
  in_features)``.
* No part of this module may import ``transformers``: it is the oracle the
  tests compare with.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import torch
from torch import nn

#: Bytes per element of the dtypes that :func:`parameter_bytes` knows.
DTYPE_BYTES = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


# ---- 1. counting -------------------------------------------------------------------------------------------


def gpt2_num_parameters(config: Mapping) -> int:
    """The number of parameters of ``GPT2LMHeadModel(GPT2Config(**config))``.

    Fields read: ``vocab_size``, ``n_positions``, ``n_embd``, ``n_layer``,
    ``n_inner`` (``None`` means ``4 * n_embd``) and ``tie_word_embeddings``.

    What is counted: the token embedding ``wte`` and the learned position
    embedding ``wpe``; per block two LayerNorms (weight and bias each),
    ``c_attn`` (``n_embd -> 3 * n_embd``) and the attention's ``c_proj``
    (``n_embd -> n_embd``), the MLP's ``c_fc`` (``n_embd -> n_inner``) and
    ``c_proj`` (``n_inner -> n_embd``), all with biases; the final LayerNorm
    ``ln_f``; the LM head (``n_embd -> vocab_size``, no bias) only when
    ``tie_word_embeddings`` is false, since a tied head *is* ``wte`` and is
    counted once. The attention's causal-mask buffers are not parameters.

    Returns:
        a Python ``int``.
    """
    raise NotImplementedError("TODO: add up wte, wpe, the blocks, ln_f and (if untied) the LM head")


def bert_num_parameters(config: Mapping, *, add_pooling_layer: bool = True) -> int:
    """The number of parameters of ``BertModel(BertConfig(**config), add_pooling_layer=...)``.

    Fields read: ``vocab_size``, ``hidden_size``, ``num_hidden_layers``,
    ``intermediate_size``, ``max_position_embeddings`` and
    ``type_vocab_size``.

    What is counted: the word, position and token-type embeddings and the
    embedding LayerNorm; per layer the query, key, value and output
    projections (``hidden -> hidden``, with biases), two LayerNorms, the
    intermediate (``hidden -> intermediate_size``) and output
    (``intermediate_size -> hidden``) dense layers with biases; the pooler
    (``hidden -> hidden`` with bias) only when ``add_pooling_layer`` is true.
    The number of heads does not change the count. There is no LM head.

    Returns:
        a Python ``int``.
    """
    raise NotImplementedError("TODO: add up the embeddings, the layers and (optionally) the pooler")


def t5_num_parameters(config: Mapping) -> int:
    """The number of parameters of ``T5ForConditionalGeneration(T5Config(**config))``.

    Fields read: ``vocab_size``, ``d_model``, ``d_kv``, ``d_ff``,
    ``num_heads``, ``num_layers`` (encoder blocks), ``num_decoder_layers``,
    ``relative_attention_num_buckets`` and ``feed_forward_proj``.

    What is counted: the shared token embedding, once: the encoder, the
    decoder and the LM head all use this one matrix (``transformers`` 5
    always ties T5's embeddings, whatever ``tie_word_embeddings`` says).
    No linear layer has a bias and every layer norm is an RMS norm with a
    weight only (``d_model`` values). An attention has
    ``q, k, v`` (``d_model -> num_heads * d_kv``) and ``o`` (back to
    ``d_model``). Encoder block: self-attention, feed-forward, two layer
    norms. Decoder block: self-attention, cross-attention, feed-forward,
    three layer norms. The feed-forward is ``wi`` (``d_model -> d_ff``) and
    ``wo`` (``d_ff -> d_model``), or, when ``feed_forward_proj`` starts with
    ``"gated-"``, two input projections ``wi_0`` and ``wi_1`` and ``wo``.
    The relative attention bias (``relative_attention_num_buckets *
    num_heads``) lives in the *first* block's self-attention only, once in
    the encoder and once in the decoder. Each stack ends with a final layer
    norm.

    Returns:
        a Python ``int``.
    """
    raise NotImplementedError("TODO: add up the shared embedding, the encoder and decoder blocks, relative biases, final norms")


def llama_num_parameters(config: Mapping) -> int:
    """The number of parameters of ``LlamaForCausalLM(LlamaConfig(**config))``.

    Fields read: ``vocab_size``, ``hidden_size``, ``intermediate_size``,
    ``num_hidden_layers``, ``num_attention_heads``, ``num_key_value_heads``,
    ``head_dim``, ``attention_bias``, ``mlp_bias`` and ``tie_word_embeddings``.

    What is counted: the token embedding; per layer ``q_proj``
    (``hidden -> num_attention_heads * head_dim``), ``k_proj`` and
    ``v_proj`` (``hidden -> num_key_value_heads * head_dim``, fewer than the
    query's with GQA), ``o_proj`` (``num_attention_heads * head_dim ->
    hidden``), with biases on all four only when ``attention_bias`` is true;
    the SwiGLU MLP's ``gate_proj`` and ``up_proj`` (``hidden ->
    intermediate_size``) and ``down_proj`` (back), with biases only when
    ``mlp_bias`` is true; two RMSNorms (a weight of ``hidden`` values each);
    the final RMSNorm; the LM head (``hidden -> vocab_size``, no bias) only
    when ``tie_word_embeddings`` is false. RoPE has no parameters.

    Returns:
        a Python ``int``.
    """
    raise NotImplementedError("TODO: add up the embedding, the layers (GQA projections, SwiGLU, two RMSNorms), the final norm, the LM head if untied")


def parameter_bytes(num_parameters: int, dtype: str) -> int:
    """The memory, in bytes, that ``num_parameters`` parameters take in ``dtype``.

    ``dtype`` is one of the keys of :data:`DTYPE_BYTES` (``"float64"`` 8 bytes
    per element, ``"float32"`` 4, ``"float16"`` and ``"bfloat16"`` 2,
    ``"int8"`` 1). The result is ``num_parameters * bytes_per_element``, a
    Python ``int``: the weights only, no activations, no allocator overhead.

    Raises:
        ValueError: for another dtype or a negative ``num_parameters``.
    """
    raise NotImplementedError("TODO: num_parameters * bytes per element")


def training_bytes(num_parameters: int, dtype: str = "float32") -> int:
    """The memory, in bytes, of training ``num_parameters`` parameters with AdamW.

    Counted per parameter: the parameter and its gradient, both in
    ``dtype``; AdamW's two moment estimates (``exp_avg`` and
    ``exp_avg_sq``), always in float32 (4 bytes each); and, when ``dtype``
    is not ``"float32"`` (mixed precision), a float32 master copy of the
    parameter (4 bytes). So 16 bytes per parameter in float32 and also 16 in
    ``"float16"`` or ``"bfloat16"`` (2 + 2 + 4 + 4 + 4). Not counted:
    activations, AdamW's per-tensor ``step`` counters, temporary buffers.

    Raises:
        ValueError: for a dtype other than ``"float32"``, ``"float16"`` and
            ``"bfloat16"``, or a negative ``num_parameters``.
    """
    raise NotImplementedError("TODO: parameter + gradient + AdamW's two float32 states (+ a float32 master copy)")


# ---- 2. Llama's pieces -------------------------------------------------------------------------------------


def rope_cos_sin(position_ids: torch.Tensor, head_dim: int, rope_theta: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    """The RoPE tables ``(cos, sin)`` for the given positions, as in Llama.

    With ``inv_freq[i] = 1 / rope_theta ** (2 * i / head_dim)`` for
    ``i = 0 .. head_dim/2 - 1`` and ``angle = position * inv_freq``, both
    tables repeat the angles twice along the last dimension (the
    rotate-half layout): ``cos = cos(cat([angle, angle], -1))``, likewise
    ``sin``. Everything is computed in float32.

    Args:
        position_ids: integer tensor of positions, any shape ``S`` (usually
            ``(batch, seq)``); positions need not start at 0 or be sorted.
        head_dim: the size of one head, a positive even number.
        rope_theta: the base of the frequencies.

    Returns:
        ``(cos, sin)``, float32 tensors of shape ``(*S, head_dim)``.

    Raises:
        ValueError: if ``head_dim`` is not a positive even number.
    """
    raise NotImplementedError("TODO: inv_freq from rope_theta, angles = positions * inv_freq, cat([angles, angles]), cos and sin")


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """Split the last dimension into halves ``(x1, x2)`` and return ``cat([-x2, x1], -1)``.

    The last dimension must be even; the shape and dtype are kept.
    """
    raise NotImplementedError("TODO: cat([-x2, x1], -1)")


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate queries or keys by their positions: ``x * cos + rotate_half(x) * sin``.

    Dimension ``i`` is paired with dimension ``i + head_dim/2`` (the
    rotate-half convention of Llama in ``transformers``), not with its
    neighbour.

    Args:
        x: ``(batch, heads, seq, head_dim)``.
        cos, sin: ``(batch, seq, head_dim)`` from :func:`rope_cos_sin`; the
            same table applies to every head.

    Returns:
        a tensor shaped like ``x``.
    """
    raise NotImplementedError("TODO: x * cos + rotate_half(x) * sin, cos/sin broadcast over heads")


def silu(x: torch.Tensor) -> torch.Tensor:
    """SiLU (swish), ``x * sigmoid(x)``, elementwise; differentiable, finite for any finite ``x``."""
    raise NotImplementedError("TODO: x * sigmoid(x)")


def swiglu(x: torch.Tensor, gate_weight: torch.Tensor, up_weight: torch.Tensor, down_weight: torch.Tensor) -> torch.Tensor:
    """The SwiGLU feed-forward of Llama: ``down(silu(gate(x)) * up(x))``, no biases.

    Args:
        x: ``(..., hidden)``.
        gate_weight, up_weight: ``(intermediate, hidden)`` (``nn.Linear``
            layout); SiLU applies to the *gate* projection only.
        down_weight: ``(hidden, intermediate)``.

    Returns:
        ``(..., hidden)``.
    """
    raise NotImplementedError("TODO: down(silu(gate(x)) * up(x))")


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """RMSNorm over the last dimension: ``x / sqrt(mean(x**2) + eps) * weight``.

    No mean is subtracted and there is no bias; ``eps`` is added *inside* the
    square root. ``x`` and ``weight`` (shape ``(hidden,)``) share a float
    dtype (float32 or float64); the computation is done in that dtype and
    the result keeps it; differentiable.
    """
    raise NotImplementedError("TODO: x / sqrt(mean(x**2) + eps) * weight")


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    """Repeat each key/value head ``n_rep`` times for grouped-query attention.

    ``x`` is ``(batch, kv_heads, seq, head_dim)``; the result is
    ``(batch, kv_heads * n_rep, seq, head_dim)`` where output head ``h`` is
    input head ``h // n_rep`` (each head repeated in place: ``k0 k0 k1 k1``,
    not ``k0 k1 k0 k1``), so query head ``h`` uses key/value head
    ``h // n_rep``. ``n_rep == 1`` returns ``x`` unchanged.

    Raises:
        ValueError: if ``n_rep < 1``.
    """
    raise NotImplementedError("TODO: repeat each key/value head n_rep times in place")


def gqa_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Causal grouped-query attention.

    Args:
        q: ``(batch, heads, seq, head_dim)``.
        k, v: ``(batch, kv_heads, seq, head_dim)``, where ``kv_heads``
            divides ``heads``; query head ``h`` attends with key/value head
            ``h // (heads // kv_heads)`` (see :func:`repeat_kv`).

    Position ``t`` attends to positions ``0..t`` only, with weights
    ``softmax(q k^T / sqrt(head_dim))`` (the softmax in float32).

    Returns:
        ``(batch, heads, seq, head_dim)`` in ``q``'s dtype.

    Raises:
        ValueError: if ``kv_heads`` does not divide ``heads``.
    """
    raise NotImplementedError("TODO: repeat k and v, causal mask, softmax(q k^T / sqrt(d)) v")


class RMSNorm(nn.Module):
    """RMSNorm with a learned ``weight`` of shape ``(hidden_size,)``, initialised to ones.

    ``forward(x)`` is :func:`rms_norm` ``(x, self.weight, self.eps)``.
    """

    def __init__(self, hidden_size: int, eps: float = 1e-6) -> None:
        raise NotImplementedError("TODO: a weight of ones and eps")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TODO: rms_norm(x, self.weight, self.eps)")


class LlamaAttention(nn.Module):
    """Llama's self-attention: projections, RoPE on queries and keys, causal GQA, output projection.

    Submodules (``nn.Linear``, no biases), named as in ``transformers``:
    ``q_proj`` (``hidden_size -> num_heads * head_dim``), ``k_proj`` and
    ``v_proj`` (``hidden_size -> num_kv_heads * head_dim``), ``o_proj``
    (``num_heads * head_dim -> hidden_size``). ``head_dim`` defaults to
    ``hidden_size // num_heads``.

    Raises:
        ValueError: if ``num_kv_heads`` does not divide ``num_heads``.
    """

    def __init__(self, hidden_size: int, num_heads: int, num_kv_heads: int, *, head_dim: int | None = None,
                 rope_theta: float = 10000.0) -> None:
        raise NotImplementedError("TODO: check the heads, build q_proj, k_proj, v_proj, o_proj")

    def forward(self, hidden_states: torch.Tensor, position_ids: torch.Tensor) -> torch.Tensor:
        """``hidden_states`` ``(batch, seq, hidden_size)``, ``position_ids`` ``(batch, seq)`` -> ``(batch, seq, hidden_size)``."""
        raise NotImplementedError("TODO: project, split heads, RoPE on q and k, gqa_attention, merge heads, o_proj")


class LlamaMLP(nn.Module):
    """The SwiGLU MLP: ``gate_proj``, ``up_proj`` (``hidden -> intermediate``), ``down_proj`` (back); no biases.

    ``forward(x)`` is :func:`swiglu` with these three weights.
    """

    def __init__(self, hidden_size: int, intermediate_size: int) -> None:
        raise NotImplementedError("TODO: build gate_proj, up_proj, down_proj")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TODO: swiglu with the three weights")


class LlamaDecoderLayer(nn.Module):
    """One Llama decoder layer (pre-norm):

    ``h = x + self_attn(input_layernorm(x))``, then
    ``out = h + mlp(post_attention_layernorm(h))``.

    Submodules, so that the ``state_dict`` keys are those of
    ``transformers``' ``LlamaDecoderLayer``: ``self_attn``
    (:class:`LlamaAttention`), ``mlp`` (:class:`LlamaMLP`),
    ``input_layernorm`` and ``post_attention_layernorm`` (:class:`RMSNorm`
    with ``rms_norm_eps``).

    Raises:
        ValueError: if ``num_kv_heads`` does not divide ``num_heads``.
    """

    def __init__(self, hidden_size: int, num_heads: int, num_kv_heads: int, intermediate_size: int, *,
                 head_dim: int | None = None, rms_norm_eps: float = 1e-6, rope_theta: float = 10000.0) -> None:
        raise NotImplementedError("TODO: build self_attn, mlp, input_layernorm, post_attention_layernorm")

    def forward(self, hidden_states: torch.Tensor, position_ids: torch.Tensor | None = None) -> torch.Tensor:
        """``hidden_states`` ``(batch, seq, hidden_size)`` -> same shape; causal.

        ``position_ids`` is ``(batch, seq)`` or ``(seq,)`` (the same for every
        row); ``None`` means ``0 .. seq-1``.
        """
        raise NotImplementedError("TODO: pre-norm attention and MLP, each with a residual connection")


# ---- 3. mixture of experts ---------------------------------------------------------------------------------


def top_k_routing(router_logits: torch.Tensor, k: int, *, normalize: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Route each token to its ``k`` most probable experts.

    ``probs = softmax(router_logits, -1)`` (in float32); the ``k`` experts
    with the highest probabilities are taken in decreasing order of
    probability, equal probabilities in increasing expert index. With
    ``normalize`` (Mixtral) their probabilities are divided by their sum, so
    each token's weights add up to 1; without it they are the raw softmax
    probabilities (Switch with ``k = 1``).

    Args:
        router_logits: ``(..., num_experts)``, any float dtype.
        k: ``1 <= k <= num_experts``.

    Returns:
        ``(weights, experts)``: float32 ``(..., k)`` and long ``(..., k)``.

    Raises:
        ValueError: if ``k`` is out of range.
    """
    raise NotImplementedError("TODO: softmax, the k best experts (ties: lower index), renormalise if asked")


def load_balancing_loss(router_logits: torch.Tensor, k: int) -> torch.Tensor:
    """The Switch/Mixtral auxiliary load-balancing loss.

    Over the ``N`` tokens (all leading dimensions of ``router_logits``
    flattened), with ``probs = softmax(router_logits, -1)`` in float32 and
    each token's top-``k`` experts chosen as in :func:`top_k_routing`:

    * ``f_i`` = (number of tokens that have expert ``i`` among their top
      ``k``) / ``N`` (so the ``f_i`` add up to ``k``), a constant with no
      gradient;
    * ``P_i`` = the mean of ``probs[:, i]`` over the tokens;
    * ``loss = num_experts * sum_i f_i * P_i``.

    A perfectly even router gives ``k``. The gradient flows through ``P``.

    Args:
        router_logits: ``(..., num_experts)`` with at least one token.
        k: ``1 <= k <= num_experts``.

    Returns:
        a float32 scalar tensor.

    Raises:
        ValueError: if ``k`` is out of range or there are no tokens.
    """
    raise NotImplementedError("TODO: num_experts * sum_i f_i * P_i")


# ---- 4. retrieval-augmented generation ---------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and return its runs of word characters (``re`` ``\\w+``), in order."""
    raise NotImplementedError("TODO: re.findall on the lower-cased text")


class BM25:
    """An Okapi BM25 index over a list of documents (tokenized with :func:`tokenize`).

    For a query term ``t`` and document ``D`` with ``tf`` occurrences of
    ``t``, length ``|D|`` (in tokens) and ``avgdl`` the mean document length:

    ``idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))``

    (the Lucene variant, always positive), ``N`` the number of documents and
    ``n_t`` the number of documents that contain ``t``, and

    ``score(D, Q) = sum over distinct terms t of Q of
    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |D| / avgdl))``.

    A query term repeated in the query counts once; terms in no document
    add nothing. When every document is empty every score is 0.

    Raises:
        ValueError: if ``documents`` is empty, ``k1 < 0`` or ``b`` is not in
            ``[0, 1]``.
    """

    def __init__(self, documents: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> None:
        raise NotImplementedError("TODO: check k1 and b, tokenize the documents, count terms, lengths, document frequencies")

    def idf(self, term: str) -> float:
        """``idf(term)`` as in the class docstring (``term`` is used as given, not tokenized)."""
        raise NotImplementedError("TODO: ln(1 + (N - n + 0.5) / (n + 0.5))")

    def scores(self, query: str) -> list[float]:
        """The BM25 score of every document for ``query``, in document order (Python floats)."""
        raise NotImplementedError("TODO: sum over distinct query terms of idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |D| / avgdl))")

    def retrieve(self, query: str, k: int) -> list[int]:
        """The indices of the ``k`` best documents, by decreasing score, equal scores by increasing index.

        Only documents with a positive score are returned, so the list may be
        shorter than ``k``; ``k == 0`` gives ``[]``.

        Raises:
            ValueError: if ``k < 0``.
        """
        raise NotImplementedError("TODO: sort by (-score, index), keep positive scores, the first k")


def pack_context(lengths: Sequence[int], budget: int, *, separator_tokens: int = 1) -> list[int]:
    """Choose whole passages, in rank order, that fit in a token budget.

    ``lengths[i]`` is the length in tokens of the passage ranked ``i``
    (best first). Passages are taken in rank order; between two chosen
    passages there is a separator of ``separator_tokens`` tokens, and the
    total (passages plus separators, none before the first or after the
    last) must not exceed ``budget``. A passage that does not fit is
    *skipped* and the next ones are still tried (a shorter one may fit).

    Returns:
        the ranks (indices into ``lengths``) of the chosen passages, increasing.

    Raises:
        ValueError: if ``budget``, ``separator_tokens`` or a length is negative.
    """
    raise NotImplementedError("TODO: take passages in rank order while they fit, skip the ones that do not")


def format_context(passages: Sequence[str], doc_ids: Sequence[int]) -> tuple[str, dict[int, int]]:
    """Number the passages for citation.

    Passage ``j`` (0-based) becomes ``"[j+1] " + passage``; the lines are
    joined with ``"\\n\\n"``. The citation map sends each marker number
    ``j + 1`` to ``doc_ids[j]``, the id of the document the passage came
    from. No passages give ``("", {})``.

    Raises:
        ValueError: if ``passages`` and ``doc_ids`` differ in length.
    """
    raise NotImplementedError("TODO: '[j+1] passage' joined by blank lines, and the marker -> doc id map")


def extract_citations(answer: str, citations: Mapping[int, int]) -> list[int]:
    """The document ids an answer cites, via its ``[n]`` markers.

    Markers are ``"["``, decimal digits, ``"]"`` (``"[2]"``, ``"[10]"``; not
    ``"[ 2]"`` or ``"[2,3]"``). Each marker's number is looked up in
    ``citations`` (from :func:`format_context`); numbers not in it are
    ignored. The ids come in the order of their first citation, each once.
    """
    raise NotImplementedError("TODO: find the [n] markers, map them to doc ids, first appearance, once each")
