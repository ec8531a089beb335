"""Lab 21: sequence-to-sequence models: T5 and BART's noise functions.

1. **Text to text.** :func:`format_example` puts a task prefix in front of
   an input text (``"summarize: ..."``), the way T5 casts every task as text
   in, text out.
2. **Batches.** :func:`shift_right` turns labels into decoder inputs
   (teacher forcing); :func:`collate` pads sources and targets into a batch.
3. **Loss and training.** :func:`seq2seq_loss` is the token-level
   cross-entropy of ``T5ForConditionalGeneration``; :func:`fine_tune` runs a
   small AdamW loop on a model from :func:`build_t5`.
4. **Decoding.** :func:`greedy_decode` and :func:`beam_search`, written
   over the model's forward pass: the encoder runs once, the decoder once
   per step.
5. **Noise.** :func:`span_mask` (BART's text infilling) and
   :func:`permute_sentences` (BART's sentence permutation), both seeded by
   a ``torch.Generator``.

Conventions
-----------
* Token ids are Python ``int`` lists or ``torch.long`` tensors, as each
  docstring says. T5's special ids: pad ``0`` (also the decoder start
  token), eos ``1``.
* ``-100`` in labels marks a position the loss ignores
  (:data:`IGNORE_INDEX`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F  # noqa: F401  (you will want it)
from transformers import T5Config, T5ForConditionalGeneration

#: Label value that the loss ignores (PyTorch's and transformers' convention).
IGNORE_INDEX = -100

#: T5's pad id, also its decoder start id, and its end-of-sequence id.
PAD_ID = 0
EOS_ID = 1

#: The task prefixes of :func:`format_example`, without the separating space.
TASK_PREFIXES = {
    "translate_en_de": "translate English to German:",
    "translate_en_fr": "translate English to French:",
    "translate_en_ro": "translate English to Romanian:",
    "summarize": "summarize:",
    "cola": "cola sentence:",
    "sst2": "sst2 sentence:",
}


# ---- 1. text to text ----------------------------------------------------------------------------------------


def format_example(task: str, text: str) -> str:
    """The T5 input for ``text`` under ``task``: ``TASK_PREFIXES[task] + " " + text``.

    The text is normalised first: leading and trailing whitespace is removed
    and every run of whitespace inside it (spaces, tabs, newlines) becomes a
    single space (``" a \\n b "`` -> ``"a b"``). Exactly one space separates
    the prefix (which ends in ``":"``) from the text:
    ``format_example("summarize", "  Long   text. ")`` is
    ``"summarize: Long text."``. Task names are case-sensitive; the text's
    case and punctuation are kept.

    Raises:
        ValueError: if ``task`` is not a key of :data:`TASK_PREFIXES`, or if
            ``text`` is empty or only whitespace.
    """
    raise NotImplementedError("TODO format_example")


# ---- 2. batches -----------------------------------------------------------------------------------------------


def shift_right(labels: torch.Tensor, decoder_start_token_id: int = PAD_ID, pad_token_id: int = PAD_ID) -> torch.Tensor:
    """Decoder inputs for teacher forcing: ``labels`` shifted one position to the right.

    ``labels`` is a ``(batch, length)`` long tensor. Row by row, the result
    is ``[decoder_start_token_id] + labels[:-1]``: the start token is
    prepended and the last label dropped, so position ``t`` of the decoder
    input holds the label of position ``t - 1`` and the decoder predicts
    ``labels[t]`` from the labels before it. Every ``-100`` (an ignored
    label, :data:`IGNORE_INDEX`) that ends up in the result is replaced by
    ``pad_token_id``, since ``-100`` is no token id. Same shape and dtype as
    ``labels``; ``labels`` itself is not changed. A length of 0 gives an
    empty ``(batch, 0)`` tensor.

    Raises:
        ValueError: if ``labels`` is not 2-D.
    """
    raise NotImplementedError("TODO shift_right")


def collate(
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    *,
    pad_token_id: int = PAD_ID,
    decoder_start_token_id: int = PAD_ID,
) -> dict[str, torch.Tensor]:
    """Pad a batch of (source, target) id lists for a seq2seq model.

    The ids are used as given (no eos is added: the tokenizer already put it
    there). Returns a dict of four ``torch.long`` tensors:

    * ``"input_ids"``: ``(batch, S)``, ``S`` the longest source; each source
      right-padded with ``pad_token_id``;
    * ``"attention_mask"``: ``(batch, S)``, 1 at source tokens, 0 at padding;
    * ``"labels"``: ``(batch, T)``, ``T`` the longest target; each target
      right-padded with ``-100`` so that the loss skips the padding (a
      ``pad_token_id`` that is part of a target stays a label);
    * ``"decoder_input_ids"``: ``shift_right(labels, decoder_start_token_id,
      pad_token_id)``.

    Raises:
        ValueError: if the batch is empty, ``sources`` and ``targets`` differ
            in length, or any source or target is empty.
    """
    raise NotImplementedError("TODO collate")


# ---- 3. loss and training ---------------------------------------------------------------------------------


def seq2seq_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Token-level cross-entropy, as ``T5ForConditionalGeneration`` computes its ``loss``.

    ``logits`` is ``(batch, length, vocab)`` (any float dtype), ``labels``
    ``(batch, length)`` long. The loss is the mean of ``-log softmax(logits)``
    at the label over every position whose label is not ``-100``: one mean
    over all counted tokens of the batch (a long target weighs more than a
    short one), not a mean of per-sequence means. Only ``-100`` is skipped;
    any other id (the pad id included) counts. Returns a 0-d tensor of the
    logits' dtype that back-propagates into ``logits``; it stays finite for
    logits of any magnitude (e.g. ``1e4``).

    Raises:
        ValueError: if the shapes do not fit (``logits`` not 3-D, or its first
            two sizes not ``labels.shape``), or if every label is ``-100``.
    """
    raise NotImplementedError("TODO seq2seq_loss")


def build_t5(config: Mapping, state_dict: Mapping[str, torch.Tensor] | None = None) -> T5ForConditionalGeneration:
    """A ``T5ForConditionalGeneration(T5Config(**config))`` in eval mode.

    With ``state_dict``, its weights are loaded into the model
    (``load_state_dict``, strict: every key must match); without, the model
    keeps the random weights it was built with.
    """
    raise NotImplementedError("TODO build_t5")


def fine_tune(
    model: T5ForConditionalGeneration,
    batches: Sequence[Mapping[str, torch.Tensor]],
    *,
    epochs: int = 1,
    lr: float = 1e-3,
) -> list[float]:
    """Fine-tune ``model`` on ``batches`` with teacher forcing; the loss of every step.

    Each batch is a dict as :func:`collate` returns (``input_ids``,
    ``attention_mask``, ``decoder_input_ids``, ``labels``). The procedure:

    * one ``torch.optim.AdamW(model.parameters(), lr=lr)`` (its other
      settings the defaults) for the whole run;
    * the model in training mode (``model.train()``) during the loop;
    * for each epoch, for each batch in the given order: logits from
      ``model(input_ids=..., attention_mask=..., decoder_input_ids=...)``,
      the loss :func:`seq2seq_loss` of the logits and the labels, zeroed
      gradients, ``backward``, one optimizer step;
    * afterwards the model is put in eval mode.

    Returns the ``epochs * len(batches)`` losses (Python floats) in order.
    The model is trained in place.

    Raises:
        ValueError: if ``batches`` is empty or ``epochs < 1``.
    """
    raise NotImplementedError("TODO fine_tune")


# ---- 4. decoding ----------------------------------------------------------------------------------------------


def greedy_decode(
    model: T5ForConditionalGeneration,
    input_ids: torch.Tensor,
    *,
    max_new_tokens: int,
    decoder_start_token_id: int = PAD_ID,
    eos_token_id: int = EOS_ID,
) -> list[int]:
    """Greedy decoding: at every step the single most probable next token.

    ``input_ids`` is one source sequence, a 1-D long tensor (no padding).
    The encoder runs once; the decoder starts from
    ``[decoder_start_token_id]`` and appends the arg-max of its last logits
    at each step. Decoding stops after ``eos_token_id`` has been appended or
    after ``max_new_tokens`` tokens. Returns the generated tokens (the
    start token left out, ``eos_token_id`` included when it was produced):
    the tokens of ``model.generate(input_ids[None], do_sample=False,
    num_beams=1, max_new_tokens=...)`` after its start token, up to and
    including the first eos.

    Raises:
        ValueError: if ``input_ids`` is not a non-empty 1-D tensor or
            ``max_new_tokens < 1``.
    """
    raise NotImplementedError("TODO greedy_decode")


def beam_search(
    model: T5ForConditionalGeneration,
    input_ids: torch.Tensor,
    *,
    num_beams: int,
    max_new_tokens: int,
    length_penalty: float = 1.0,
    early_stopping: bool = False,
    num_return_sequences: int = 1,
    decoder_start_token_id: int = PAD_ID,
    eos_token_id: int = EOS_ID,
) -> list[tuple[list[int], float]]:
    """Beam search over the decoder, as ``generate(num_beams=..., do_sample=False)`` does it.

    ``input_ids`` is one source sequence (1-D long tensor, no padding); the
    encoder runs once. ``k = num_beams``. A hypothesis is a list of
    generated tokens; its running score is the sum of the float32
    ``log_softmax`` log-probabilities of its tokens. At step ``t = 1, 2,
    ...`` (``t`` tokens generated after the step):

    1. Expand: every running hypothesis (at ``t = 1`` only the empty one)
       continues with every token of the vocabulary; keep the ``2k``
       candidates with the highest running scores, best first.
    2. Finish: of these, the candidates of rank ``< k`` that end in
       ``eos_token_id`` are finished, with the final score
       ``running_score / t ** length_penalty`` (``t`` counts the eos). At
       ``t == max_new_tokens`` every candidate of rank ``< k`` is finished
       that way, eos or not. Eos candidates of rank ``>= k`` are dropped.
       The finished list keeps only the ``k`` best final scores seen so far.
    3. Continue: the ``k`` best candidates that do not end in eos are the
       running hypotheses of the next step.
    4. Stop when ``t == max_new_tokens``, or when ``k`` hypotheses are
       finished and either ``early_stopping`` is True, or (``early_stopping``
       False) the best running score divided by ``t ** length_penalty`` is
       not above the worst finished final score.

    ``length_penalty > 0`` favours longer hypotheses, ``< 0`` shorter ones,
    ``0`` compares plain sums. Returns the ``num_return_sequences`` best
    finished hypotheses, best first, as ``(tokens, score)``: the tokens
    without the start token (ending in eos unless cut by
    ``max_new_tokens``), the score the final score (a Python float), equal
    to ``generate``'s ``sequences_scores``.

    Raises:
        ValueError: if ``input_ids`` is not a non-empty 1-D tensor,
            ``num_beams < 1``, ``max_new_tokens < 1``, or
            ``num_return_sequences`` is not in ``1..num_beams``.
    """
    raise NotImplementedError("TODO beam_search")


# ---- 5. BART noise ----------------------------------------------------------------------------------------------


def span_mask(
    tokens: Sequence[int],
    mask_id: int,
    mask_ratio: float = 0.3,
    poisson_lambda: float = 3.0,
    generator: torch.Generator | None = None,
) -> list[int]:
    """BART's text infilling: replace random spans by one ``mask_id`` each.

    With ``n = len(tokens)``, exactly ``m = round(mask_ratio * n)`` tokens
    (Python's ``round``) are masked, in spans whose lengths are drawn as
    follows: draw ``L_1, L_2, ...`` independently from ``Poisson(poisson_lambda)``
    until their sum reaches ``m``, and cut the last one so that the sum is
    exactly ``m``. Zero-length spans count: each of the ``k`` spans (zero
    or not) becomes exactly one ``mask_id`` in the output, so a zero-length
    span inserts a mask between two tokens. The spans are placed uniformly
    at random: the output is a uniformly random interleaving of the
    ``n - m`` kept tokens (in their original order) with the ``k`` span
    masks, every choice of the ``k`` mask slots among the ``n - m + k``
    equally likely. The ``i``-th mask from the left stands for the span of
    length ``L_i`` (the masked tokens are the ones between the kept tokens
    around it). So the output has ``n - m + k`` tokens, and ``m == 0`` returns the
    tokens unchanged.

    All randomness comes from ``generator`` (a ``torch.Generator``; ``None``:
    torch's global generator): the same seed gives the same output, and
    successive calls with one generator give fresh draws. ``tokens`` is not
    changed.

    Raises:
        ValueError: if ``mask_ratio`` is outside ``[0, 1]`` or
            ``poisson_lambda <= 0``.
    """
    raise NotImplementedError("TODO span_mask")


def permute_sentences(tokens: Sequence[int], end_id: int, generator: torch.Generator | None = None) -> list[int]:
    """BART's sentence permutation: the sentences of ``tokens`` in a uniformly random order.

    A sentence is a maximal run of tokens ending in ``end_id`` (the
    sentence-final token, kept with its sentence); tokens after the last
    ``end_id`` form a final sentence without one. The output is the
    concatenation of the sentences in a random order, each of the ``s!``
    orders of ``s`` sentences equally likely; each sentence stays intact
    and the multiset of tokens is unchanged. No tokens give ``[]``.

    All randomness comes from ``generator`` (a ``torch.Generator``; ``None``:
    torch's global generator), as in :func:`span_mask`. ``tokens`` is not
    changed.
    """
    raise NotImplementedError("TODO permute_sentences")
