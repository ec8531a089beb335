"""Lab 25: evaluating a language model: perplexity, sliding windows, bits per byte.

1. **Summed NLL.** :func:`sum_nll` turns a causal LM's logits and labels
   into the *summed* negative log-likelihood of the predicted tokens and
   their number: the two numbers every other metric is built from.
2. **Metrics.** :func:`perplexity` is ``exp`` of the mean NLL per token;
   :func:`bits_per_byte` spreads the same NLL, in bits, over the UTF-8 bytes
   of the text, which makes models with different tokenizers comparable.
3. **Long texts.** :func:`sliding_window_nll` scores a text longer than the
   model's context with overlapping windows that move by ``stride``: every
   token is scored once, with the context its window gives it.
4. **Many short texts.** :func:`batched_nll` scores documents in padded
   batches without counting the padding.
5. **A report.** :func:`evaluate` puts it all together for one text.

Conventions
-----------
* Token ids are ``torch.long`` tensors or lists of Python ``int``, as each
  docstring says. NLLs are in nats (natural logarithm).
* ``-100`` in labels marks a position that is not scored
  (:data:`IGNORE_INDEX`, the convention of PyTorch and transformers).
* The models are ``transformers``' ``GPT2LMHeadModel``; evaluation never
  changes a model's weights or its train/eval mode.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from transformers import GPT2Config, GPT2LMHeadModel

#: Label value that is not scored (PyTorch's and transformers' convention).
IGNORE_INDEX = -100


# ---- 1. the model ------------------------------------------------------------------------------------------------


def build_gpt2(config: Mapping, state_dict: Mapping[str, torch.Tensor] | None = None) -> GPT2LMHeadModel:
    """A ``GPT2LMHeadModel(GPT2Config(**config))`` in eval mode.

    With ``state_dict``, its weights are loaded into the model
    (``load_state_dict``, strict: every key must match); without, the model
    keeps the random weights it was built with.
    """
    model = GPT2LMHeadModel(GPT2Config(**config))
    if state_dict is not None:
        model.load_state_dict(dict(state_dict))
    return model.eval()


# ---- 2. summed NLL and the metrics ---------------------------------------------------------------------------


def sum_nll(logits: torch.Tensor, labels: torch.Tensor) -> tuple[float, int]:
    """The summed next-token NLL of a batch and the number of tokens it sums over.

    ``logits`` is ``(batch, length, vocab)`` (any float dtype), ``labels``
    ``(batch, length)`` long, aligned with the model's *inputs*: the logits
    at position ``t`` predict the label at position ``t + 1`` (the shift a
    causal LM's loss makes), so the logits of the last position and the
    labels of the first position are never used. A label ``-100``
    (:data:`IGNORE_INDEX`) is not scored; every other label is. The NLL of
    one token is ``-log_softmax(logits[b, t])[labels[b, t + 1]]``, computed
    stably for logits of any magnitude (e.g. ``1e4``).

    Returns ``(total, count)``: ``total`` the sum of the scored tokens' NLLs
    (a Python ``float``, nats), ``count`` their number (a Python ``int``).
    ``total / count`` is what ``GPT2LMHeadModel(input_ids, labels=labels).loss``
    reports. With nothing to score (length 1, or every shifted label
    ``-100``) the result is ``(0.0, 0)``.

    Raises:
        ValueError: if ``logits`` is not 3-D or its first two sizes are not
            ``labels.shape``.
    """
    if logits.dim() != 3 or logits.shape[:2] != labels.shape:
        raise ValueError(f"logits {tuple(logits.shape)} do not fit labels {tuple(labels.shape)}")
    targets = labels[:, 1:]
    total = F.cross_entropy(
        logits[:, :-1].flatten(0, 1).double(), targets.flatten(), ignore_index=IGNORE_INDEX, reduction="sum"
    )
    return float(total), int((targets != IGNORE_INDEX).sum())


def perplexity(total_nll: float, num_tokens: int) -> float:
    """Perplexity ``exp(total_nll / num_tokens)`` of ``num_tokens`` scored tokens.

    ``total_nll`` is a summed NLL in nats (e.g. from :func:`sum_nll`): the
    mean is taken over tokens, never over windows or documents. A mean NLL
    too large for ``exp`` gives ``float("inf")`` rather than an error.
    Returns a Python ``float`` (``1.0`` for a total of ``0``).

    Raises:
        ValueError: if ``num_tokens < 1`` or ``total_nll < 0``.
    """
    if num_tokens < 1:
        raise ValueError("perplexity needs at least one scored token")
    if total_nll < 0:
        raise ValueError("a summed NLL cannot be negative")
    try:
        return math.exp(total_nll / num_tokens)
    except OverflowError:
        return math.inf


def bits_per_byte(total_nll: float, text: str | bytes) -> float:
    """The summed NLL of ``text``, in bits, per UTF-8 byte of the text.

    ``total_nll`` is in nats; one bit is ``ln 2`` nats, so the result is
    ``total_nll / (ln 2 * n_bytes)``, where ``n_bytes`` is
    ``len(text.encode("utf-8"))`` for a ``str`` (``"é"`` is 2 bytes,
    ``"東"`` 3, ``"😀"`` 4) and ``len(text)`` for ``bytes``. Returns a
    Python ``float``.

    Raises:
        ValueError: if the text is empty or ``total_nll < 0``.
    """
    n_bytes = len(text.encode("utf-8") if isinstance(text, str) else text)
    if not n_bytes:
        raise ValueError("bits per byte of an empty text")
    if total_nll < 0:
        raise ValueError("a summed NLL cannot be negative")
    return total_nll / (math.log(2) * n_bytes)


# ---- 3. sliding windows ------------------------------------------------------------------------------------------


def _as_ids(input_ids: torch.Tensor | Sequence[int]) -> torch.Tensor:
    ids = torch.as_tensor(input_ids, dtype=torch.long)
    if ids.dim() != 1:
        raise ValueError(f"input_ids must be 1-D, got shape {tuple(ids.shape)}")
    return ids


def sliding_window_nll(
    model: GPT2LMHeadModel,
    input_ids: torch.Tensor | Sequence[int],
    *,
    max_length: int | None = None,
    stride: int | None = None,
    bos_token_id: int | None = None,
) -> tuple[float, int]:
    """Summed NLL of one long sequence, scored with sliding windows.

    ``input_ids`` is one sequence: a 1-D long tensor or a list of ints, of
    any length ``N`` (it may be longer than the model's context). With
    ``bos_token_id``, that id is put in front of the sequence first (so
    ``N`` grows by one and the first original token gets scored too).

    The model sees windows of at most ``max_length`` tokens (default
    ``model.config.n_positions``); window ``k`` (``k = 0, 1, ...``) is
    ``ids[k * stride : k * stride + max_length]`` (cut at ``N``), and the
    last window is the first one that reaches the end of the sequence.
    Every token at positions ``1 .. N - 1`` is scored exactly once, by the
    *first* window that holds it at a position other than the window's
    first (so that it has at least one token of context); its context is
    the window's tokens before it. Position ``0`` has no context and is
    never scored. So window 0 scores positions ``1 .. min(max_length, N) - 1``
    and every later window scores the positions its predecessor did not
    reach: the last ``stride`` positions of a full window, and whatever is
    left at the end of the sequence (however short) in the last one.
    Default ``stride``: ``max_length // 2``. The model runs once per
    window (one forward pass over the window's tokens), never once per token.

    The model is evaluated in eval mode (dropout off) without gradients,
    and afterwards left in the train/eval mode it was in. Returns
    ``(total, count)`` as :func:`sum_nll` does: ``count`` is ``N - 1``
    and ``(0.0, 0)`` when ``N < 2``. When the whole sequence fits in one
    window, ``total / count`` equals ``model(ids[None], labels=ids[None]).loss``
    in eval mode.

    Raises:
        ValueError: if ``input_ids`` is not 1-D, ``max_length < 2``,
            ``max_length > model.config.n_positions``, or ``stride`` is not
            in ``1 .. max_length - 1`` (a larger stride would leave tokens
            unscored or without context).
    """
    ids = _as_ids(input_ids)
    if bos_token_id is not None:
        ids = torch.cat([torch.tensor([bos_token_id]), ids])
    if max_length is None:
        max_length = model.config.n_positions
    if max_length > model.config.n_positions:
        raise ValueError(f"max_length {max_length} exceeds the model's {model.config.n_positions} positions")
    if stride is None:
        stride = max_length // 2
    if not 1 <= stride < max_length:  # also rules out max_length < 2
        raise ValueError(f"stride must be at least 1 and below max_length ({max_length}), got {stride}")
    n = len(ids)

    was_training = model.training
    model.eval()
    total, count, scored_up_to = 0.0, 0, 1  # positions < scored_up_to are done (position 0 is never scored)
    try:
        with torch.inference_mode():
            for begin in range(0, n, stride):
                end = min(begin + max_length, n)
                window = ids[begin:end]
                labels = window.clone()
                labels[: scored_up_to - begin] = IGNORE_INDEX
                window_total, window_count = sum_nll(model(window[None]).logits, labels[None])
                total += window_total
                count += window_count
                scored_up_to = end
                if end == n:
                    break
    finally:
        model.train(was_training)
    return total, count


# ---- 4. padded batches ---------------------------------------------------------------------------------------------


def batched_nll(
    model: GPT2LMHeadModel,
    sequences: Sequence[Sequence[int]],
    *,
    batch_size: int = 8,
    pad_token_id: int = 0,
) -> tuple[float, int]:
    """Summed NLL of many short documents, evaluated in right-padded batches.

    ``sequences`` holds token-id lists (or 1-D long tensors), each at most
    ``model.config.n_positions`` long. They are taken ``batch_size`` at a
    time in the given order; each batch is right-padded with
    ``pad_token_id`` to its longest member, with an attention mask of 1 at
    real tokens and 0 at padding. Each document is scored as on its own:
    its positions ``1 .. len - 1`` are scored with everything before them
    in the same document as context; padding is never scored. A token equal
    to ``pad_token_id`` inside a document is a real token and is scored.
    Documents of length 0 or 1 contribute nothing.

    The model is evaluated in eval mode without gradients and left in the
    mode it was in. Returns ``(total, count)``: the summed NLL over all
    documents (a Python ``float``) and ``sum(max(len - 1, 0))`` (an ``int``);
    the result does not depend on ``batch_size``. The corpus perplexity is
    ``perplexity(total, count)``, a mean over tokens, not over documents.
    No sequences at all give ``(0.0, 0)``.

    Raises:
        ValueError: if ``batch_size < 1`` or a document is longer than
            ``model.config.n_positions``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    docs = [_as_ids(seq) for seq in sequences]
    if any(len(doc) > model.config.n_positions for doc in docs):
        raise ValueError(f"a document is longer than the model's {model.config.n_positions} positions")
    docs = [doc for doc in docs if len(doc) > 1]

    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        with torch.inference_mode():
            for start in range(0, len(docs), batch_size):
                batch = docs[start : start + batch_size]
                input_ids = pad_sequence(batch, batch_first=True, padding_value=pad_token_id)
                labels = pad_sequence(batch, batch_first=True, padding_value=IGNORE_INDEX)
                attention_mask = pad_sequence([torch.ones_like(doc) for doc in batch], batch_first=True)
                logits = model(input_ids, attention_mask=attention_mask).logits
                batch_total, batch_count = sum_nll(logits, labels)
                total += batch_total
                count += batch_count
    finally:
        model.train(was_training)
    return total, count


# ---- 5. a report -----------------------------------------------------------------------------------------------------


def evaluate(
    model: GPT2LMHeadModel,
    input_ids: torch.Tensor | Sequence[int],
    text: str | bytes,
    *,
    max_length: int | None = None,
    stride: int | None = None,
    bos_token_id: int | None = None,
) -> dict[str, float]:
    """Every metric of one text, from one sliding-window pass.

    ``input_ids`` are the tokens of ``text`` (tokenized by the caller);
    ``max_length``, ``stride`` and ``bos_token_id`` are passed on to
    :func:`sliding_window_nll`. Returns a dict:

    * ``"nll"``: the summed NLL (nats), a ``float``;
    * ``"tokens"``: the number of scored tokens, an ``int``;
    * ``"loss"``: the mean NLL per scored token, ``nll / tokens``;
    * ``"perplexity"``: :func:`perplexity` of ``nll`` and ``tokens``;
    * ``"bits_per_byte"``: :func:`bits_per_byte` of ``nll`` and ``text``.

    Raises:
        ValueError: as :func:`sliding_window_nll`, and if no token is scored
            (fewer than two tokens and no ``bos_token_id``) or ``text`` is
            empty.
    """
    total, count = sliding_window_nll(
        model, input_ids, max_length=max_length, stride=stride, bos_token_id=bos_token_id
    )
    if not count:
        raise ValueError("no token is scored: the text needs two tokens, or a bos_token_id")
    return {
        "nll": total,
        "tokens": count,
        "loss": total / count,
        "perplexity": perplexity(total, count),
        "bits_per_byte": bits_per_byte(total, text),
    }
