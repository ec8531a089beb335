"""Lab 31: instruction tuning a tiny GPT (supervised fine-tuning, SFT).

The pipeline, end to end:

1. **Prompt format.** :func:`prompt_and_response` and :func:`format_alpaca`
   turn an instruction record ``{"instruction", "input", "output"}`` into
   text with the Stanford Alpaca templates.
2. **Data validation.** :data:`INSTRUCTION_SCHEMA` is a JSON Schema for one
   record; :func:`load_instructions` reads a ``.json`` or ``.jsonl`` file and
   rejects bad records with an error that names the file, the record and
   the field.
3. **Tokens.** :func:`encode` is a byte-level tokenizer (UTF-8 bytes, ids
   0..255) with two special ids, :data:`EOS_ID` and :data:`PAD_ID`;
   :func:`encode_example` gives a record's token ids and the length of its
   prompt.
4. **Batches.** :func:`collate` appends the end-of-text token, truncates,
   pads on the right and builds the labels: ``-100`` on padding and (when
   asked) on the prompt, so that only the response and its end-of-text are
   learned.
5. **Chat.** :func:`format_chat` renders a multi-turn conversation and
   trains only the assistant turns.
6. **Training.** :func:`masked_lm_loss` is the next-token loss over the
   labelled positions; :func:`fine_tune` and :func:`evaluate_loss` train and
   evaluate a ``transformers.GPT2LMHeadModel`` (:func:`build_model`).

Conventions
-----------
* Labels follow the ``transformers`` convention: ``labels`` has the shape of
  ``input_ids`` and is NOT shifted; ``labels[b, t]`` is the token that the
  model should predict at position ``t - 1``. A label of :data:`IGNORE_INDEX`
  (``-100``) is not learned. So ``GPT2LMHeadModel(input_ids,
  attention_mask=..., labels=labels).loss`` equals :func:`masked_lm_loss`.
* Token ids, attention masks and labels are ``torch.long`` tensors in
  batches and lists of Python ints elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

#: The Alpaca prompt for a record with a non-empty ``input``.
ALPACA_PROMPT_INPUT = (
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n"
)

#: The Alpaca prompt for a record whose ``input`` is missing or ``""``.
ALPACA_PROMPT_NO_INPUT = (
    "Below is an instruction that describes a task. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Response:\n"
)

#: JSON Schema (draft 2020-12) of one instruction record: an object with a string "instruction" and a
#: string "output", each with at least one non-whitespace character, an optional string "input"
#: (may be ""), and no other key.
INSTRUCTION_SCHEMA: dict = {}  # TODO: write the schema (see load_instructions)

#: The label of a position that is not learned (``ignore_index`` of cross-entropy).
IGNORE_INDEX = -100

#: The end-of-text id of the byte-level tokenizer (bytes are 0..255).
EOS_ID = 256

#: The padding id of the byte-level tokenizer.
PAD_ID = 257

#: The vocabulary size of the byte-level tokenizer: 256 bytes, EOS_ID and PAD_ID.
VOCAB_SIZE = 258

#: The roles of a chat message.
CHAT_ROLES = ("system", "user", "assistant")


# ---- 1. the Alpaca prompt format ------------------------------------------------------------------------------------


def prompt_and_response(record: dict) -> tuple[str, str]:
    """The Alpaca prompt of ``record`` and the response the model must learn.

    ``record`` has a string ``"instruction"``, a string ``"output"`` and an
    optional string ``"input"``. The prompt is :data:`ALPACA_PROMPT_INPUT`
    filled with the instruction and the input when ``record.get("input", "")``
    is not ``""``, else :data:`ALPACA_PROMPT_NO_INPUT` filled with the
    instruction (a missing input and an empty one give the same prompt; an
    input of spaces only is an input). The texts are inserted exactly as
    they are: nothing is stripped, and braces in them are kept literally.
    The response is ``record["output"]``, unchanged. The prompt ends with
    ``"### Response:\\n"``, so ``prompt + response`` is the training text.

    Returns:
        ``(prompt, response)``, two strings.
    """
    raise NotImplementedError("TODO: prompt_and_response")


def format_alpaca(record: dict) -> str:
    """The full training text of ``record``: its Alpaca prompt followed by its output.

    Equal to ``"".join(prompt_and_response(record))``.
    """
    raise NotImplementedError("TODO: format_alpaca")


# ---- 2. data validation --------------------------------------------------------------------------------------------


def load_instructions(path: str) -> list[dict]:
    """Read and validate the instruction records of a ``.json`` or ``.jsonl`` file.

    * ``.json`` (the suffix, lower case): one JSON array of records.
    * ``.jsonl``: one record (a JSON object) per line; lines that are empty
      or whitespace only are skipped.

    The file is read as UTF-8. Each record must be valid under
    :data:`INSTRUCTION_SCHEMA`: an object with a string ``"instruction"``
    and a string ``"output"``, each containing at least one non-whitespace
    character, an optional string ``"input"`` (may be ``""``), and no other
    key.

    Returns:
        The records in file order, as new dicts with the three keys
        ``"instruction"``, ``"input"``, ``"output"``; a missing input
        becomes ``""``. An empty array (or a ``.jsonl`` file without
        records) gives ``[]``.

    Raises:
        ValueError: for a suffix other than ``.json`` / ``.jsonl``; for text
            that is not valid JSON; for a ``.json`` file whose top level is
            not an array; for a record that is invalid. The message contains
            ``str(path)`` and the location: ``"record i"`` (the 0-based index
            in the array) for ``.json``, ``"line n"`` (the 1-based line
            number in the file, blank lines counted) for ``.jsonl`` (for
            invalid JSON in a ``.json`` file, the location may be omitted).
            For an invalid record it also names the offending field as
            ``field '<name>'``, e.g. ``field 'instruction'`` (for a missing
            required field, that field; for unexpected keys, one of them;
            for a wrong type or an empty text, that key).
        FileNotFoundError: if the file does not exist.
    """
    raise NotImplementedError("TODO: load_instructions")


# ---- 3. tokens ---------------------------------------------------------------------------------------------------


def encode(text: str) -> list[int]:
    """Byte-level tokenization: the UTF-8 bytes of ``text`` as ints 0..255.

    ``"hé"`` -> ``[104, 195, 169]``; ``""`` -> ``[]``. Never produces
    :data:`EOS_ID` or :data:`PAD_ID`.
    """
    raise NotImplementedError("TODO: encode")


def encode_example(record: dict) -> dict:
    """The token ids of a record's training text and the length of its prompt.

    With ``prompt, response = prompt_and_response(record)``:

    Returns:
        ``{"input_ids": encode(prompt) + encode(response), "prompt_length":
        len(encode(prompt))}``: a list of ints (no end-of-text: :func:`collate`
        appends it) and an int.
    """
    raise NotImplementedError("TODO: encode_example")


# ---- 4. batches --------------------------------------------------------------------------------------------------


def collate(
    examples: Sequence[dict],
    pad_id: int = PAD_ID,
    eos_id: int = EOS_ID,
    *,
    max_length: int | None = None,
    mask_prompt: bool = True,
) -> dict[str, torch.Tensor]:
    """A right-padded training batch with labels for next-token prediction.

    Each example is a dict ``{"input_ids": ids, "prompt_length": p}`` (as
    :func:`encode_example` makes it): ``ids`` a list (or tuple) of ints,
    the prompt followed by the response, without end-of-text; ``p`` the
    number of prompt tokens at its start (``0 <= p <= len(ids)``; ``ids``
    may be empty). For each example, in this order:

    1. **Truncation.** If ``max_length`` is not None and
       ``len(ids) + 1 > max_length``, ``ids`` is cut to its FIRST
       ``max_length - 1`` tokens (the start of the prompt is always kept;
       the end of the response goes first, then, if need be, the end of the
       prompt), and ``p`` becomes ``min(p, max_length - 1)``.
    2. **End-of-text.** ``eos_id`` is appended: the row's real tokens are
       ``ids + [eos_id]``, at most ``max_length`` of them. The end-of-text is
       kept even when the text was truncated, so that every row teaches the
       model to stop.
    3. **Labels.** ``labels`` equals the real tokens, except that the first
       ``p`` positions are ``-100`` when ``mask_prompt`` is true (with
       ``mask_prompt=False`` the prompt is learned too). The appended
       end-of-text is always learned (its label is ``eos_id``).
    4. **Padding** on the RIGHT to the batch width ``W`` = the largest
       number of real tokens of a row in this batch (not ``max_length``):
       ``input_ids`` gets ``pad_id``, ``attention_mask`` 0 and ``labels``
       ``-100`` there; real tokens have ``attention_mask`` 1.

    So every padding position is ``-100`` and the one end-of-text that ends
    each row is not. Padding is known by position, never by id: ``pad_id``
    may equal ``eos_id`` (as with GPT-2) and may occur inside ``ids``.
    ``examples`` is not modified.

    Returns:
        ``{"input_ids", "attention_mask", "labels"}``, three ``torch.long``
        tensors of shape ``(len(examples), W)``.

    Raises:
        ValueError: if ``examples`` is empty, ``max_length`` is not None and
            ``< 1``, or some ``prompt_length`` is outside ``0..len(ids)``.
    """
    raise NotImplementedError("TODO: collate")


# ---- 5. multi-turn chat -----------------------------------------------------------------------------------------


def format_chat(messages: Sequence[dict], eos_id: int = EOS_ID) -> dict[str, list[int]]:
    """Token ids and labels of a multi-turn conversation; only assistant turns are learned.

    ``messages`` is a list of ``{"role": role, "content": text}`` dicts,
    ``role`` one of :data:`CHAT_ROLES`. Each message becomes, in order,

    * a header ``encode(f"<|{role}|>\\n")``,
    * its content ``encode(content)``,
    * the end-of-turn token ``eos_id``,

    and ``input_ids`` is the concatenation over the messages. ``labels`` has
    the same length: for an ``"assistant"`` message its content tokens and
    its closing ``eos_id`` are learned (label = the token id); its header
    (the model is given it at inference time) and every token of
    ``"system"`` and ``"user"`` messages are ``-100``. Every assistant turn
    is learned, not only the last.

    Returns:
        ``{"input_ids": [...], "labels": [...]}``, two lists of ints of equal length.

    Raises:
        ValueError: if ``messages`` is empty; a message is not a dict with
            exactly the keys ``"role"`` and ``"content"``; a role is not in
            :data:`CHAT_ROLES`; a content is not a string; a ``"system"``
            message is anywhere but first; or no message is from the
            assistant (there would be nothing to learn).
    """
    raise NotImplementedError("TODO: format_chat")


# ---- 6. training -----------------------------------------------------------------------------------------------


def masked_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the learned positions.

    ``logits`` ``(batch, seq, vocab)`` (any float dtype) are the model's
    outputs for a batch whose (unshifted) ``labels`` are ``(batch, seq)``
    ints: token ids (``>= 0``) or ``-100``. The prediction at position ``t`` is scored against
    ``labels[:, t + 1]``; pairs whose label is ``-100`` are left out, and the
    result is the mean over the remaining pairs of the whole batch (each
    learned token weighs the same, whatever its row), computed stably for
    logits of any magnitude. It equals ``GPT2LMHeadModel``'s ``loss`` for
    the same ``labels``. Differentiable with respect to ``logits``.

    Returns:
        A 0-dim tensor of the dtype of ``logits``.

    Raises:
        ValueError: if no position ``t >= 1`` has a label other than ``-100``.
    """
    raise NotImplementedError("TODO: masked_lm_loss")


def build_model(config: dict, seed: int = 0) -> GPT2LMHeadModel:
    """A fresh ``GPT2LMHeadModel(GPT2Config(**config))``, its weights drawn after ``torch.manual_seed(seed)``.

    ``config`` is a plain dict of ``GPT2Config`` keyword arguments, e.g.
    ``{"vocab_size": VOCAB_SIZE, "n_positions": 256, "n_embd": 32,
    "n_layer": 2, "n_head": 2}``. Nothing is downloaded.
    """
    raise NotImplementedError("TODO: build_model")


def fine_tune(
    model: GPT2LMHeadModel,
    examples: Sequence[dict],
    *,
    epochs: int = 1,
    batch_size: int = 8,
    lr: float = 1e-3,
    seed: int = 0,
    pad_id: int = PAD_ID,
    eos_id: int = EOS_ID,
    max_length: int | None = None,
    mask_prompt: bool = True,
) -> list[float]:
    """Fine-tune a causal LM in place on ``examples``; return the loss of every step.

    ``examples`` are dicts as :func:`collate` takes them. The procedure,
    stated exactly so that a run can be reproduced:

    * one optimiser for the whole run, ``torch.optim.AdamW(model.parameters(),
      lr=lr)`` with the library's other defaults;
    * one ``torch.Generator`` seeded with ``seed``; at the start of each
      epoch ``order = torch.randperm(n, generator=generator)``;
    * the epoch's batches are ``order[0:batch_size]``,
      ``order[batch_size:2 * batch_size]``, ... (the last one possibly
      smaller, kept), each made by ``collate([examples[i] for i in batch],
      pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)``;
    * each step: ``logits = model(input_ids=..., attention_mask=...).logits``,
      ``loss = masked_lm_loss(logits, labels)``, ``zero_grad``, ``backward``,
      ``step``.

    The model is in training mode during the loop and in eval mode
    afterwards.

    Returns:
        ``epochs * ceil(n / batch_size)`` Python floats, the loss of each
        step before its update (``[]`` for ``epochs=0``, the model unchanged).

    Raises:
        ValueError: if ``examples`` is empty, ``epochs < 0`` or ``batch_size < 1``.
    """
    raise NotImplementedError("TODO: fine_tune")


def evaluate_loss(
    model: GPT2LMHeadModel,
    examples: Sequence[dict],
    *,
    batch_size: int = 8,
    pad_id: int = PAD_ID,
    eos_id: int = EOS_ID,
    max_length: int | None = None,
    mask_prompt: bool = True,
) -> float:
    """The mean next-token loss of ``model`` over every learned token of ``examples``, in eval mode.

    The examples are collated in their order, ``batch_size`` at a time,
    exactly as in :func:`fine_tune` (same ``pad_id``, ``eos_id``,
    ``max_length``, ``mask_prompt``). The result is the sum of the
    cross-entropies of all learned tokens divided by their number: each
    token weighs the same, so it does not depend on ``batch_size`` (it is
    not a mean of per-batch means). The model is put in eval mode (dropout
    off) and left there; no gradients are computed.

    Returns:
        A Python float.

    Raises:
        ValueError: if ``examples`` is empty, ``batch_size < 1``, or no token
            is learned at all (every row a lone end-of-text).
    """
    raise NotImplementedError("TODO: evaluate_loss")
