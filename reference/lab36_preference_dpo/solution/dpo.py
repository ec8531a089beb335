"""Lab 36: a preference data set and direct preference optimisation (DPO).

The pipeline, end to end:

1. **Preference pairs.** Several generations per prompt, each scored by a
   judge (lab 32's LLM-as-judge; here the scores arrive as data), become one
   ``(prompt, chosen, rejected)`` pair per prompt:
   :func:`build_preference_pairs` picks the best and the worst generation.
2. **A JSONL file.** :func:`write_preferences_jsonl` writes one JSON object
   per line, checked against :data:`PREFERENCE_SCHEMA`;
   :func:`load_preferences` reads it back and says which file, line and
   field is wrong when a record is bad.
3. **Sequence log-probabilities.** :func:`sequence_logprobs` sums the
   log-probabilities a causal LM gives the RESPONSE tokens of each row (the
   prompt and the padding do not count), with the one-position shift
   between logits and labels.
4. **The DPO loss.** :func:`dpo_loss` turns the policy's and the frozen
   reference model's log-probs into the loss
   ``-log sigmoid(beta * ((pi_c - ref_c) - (pi_r - ref_r)))`` and the
   implicit rewards ``beta * (pi - ref)``; :func:`reward_accuracy` is the
   share of pairs whose chosen reward beats the rejected one.
5. **A short DPO run.** :func:`collate_pairs` batches token ids,
   :func:`build_model` makes a tiny GPT-2, :func:`make_reference` a frozen
   copy of it, and :func:`dpo_train` trains the policy while the reference
   never changes.

Conventions
-----------
* Token ids, attention masks and prompt lengths are ``torch.long`` tensors;
  an attention mask is 1 at real tokens and 0 at padding.
* A "log-prob" is a natural logarithm; a sequence log-prob is a SUM over
  tokens, never a mean.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import torch
import torch.nn.functional as F
from torch import nn
from transformers import GPT2Config, GPT2LMHeadModel

#: The keys of a preference record, in the order they are written.
PAIR_KEYS = ("prompt", "chosen", "rejected", "chosen_score", "rejected_score")

#: The JSON Schema (draft 2020-12) every preference record must satisfy:
#: exactly the five keys of :data:`PAIR_KEYS`, three non-empty strings and
#: two numbers (JSON ``true``/``false`` are not numbers).
PREFERENCE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "preference pair",
    "type": "object",
    "properties": {
        "prompt": {"type": "string", "minLength": 1},
        "chosen": {"type": "string", "minLength": 1},
        "rejected": {"type": "string", "minLength": 1},
        "chosen_score": {"type": "number"},
        "rejected_score": {"type": "number"},
    },
    "required": list(PAIR_KEYS),
    "additionalProperties": False,
}

#: The reductions :func:`dpo_loss` accepts.
REDUCTIONS = ("mean", "sum", "none")

_VALIDATOR = jsonschema.Draft202012Validator(PREFERENCE_SCHEMA)


# ---- 1. preference pairs -------------------------------------------------------------------------------------


def build_preference_pairs(records: Sequence[dict], *, min_margin: float = 0.0) -> list[dict]:
    """One ``(prompt, chosen, rejected)`` pair per prompt, from judged generations.

    Each record is a dict ``{"prompt": str, "generations": [str, ...],
    "scores": [number, ...]}``: several answers to one prompt and the score a
    judge gave each (``scores[i]`` belongs to ``generations[i]``; higher is
    better; ints or floats).

    For each record, in order:

    * ``chosen`` is the generation with the HIGHEST score, ``rejected`` the
      one with the LOWEST score (the best against the worst, not the
      second best); when several generations share the highest (or the
      lowest) score, the one with the smallest index wins the tie
      (``numpy.argmax`` / ``argmin`` behave this way).
    * The record is skipped (no pair, no error) when it has fewer than two
      generations, when ``best - worst`` (as floats) is 0 (all scores equal:
      no preference) or below ``min_margin``, or when the chosen and the
      rejected texts are equal strings. A margin exactly equal to
      ``min_margin`` is kept.

    Returns:
        A list of dicts with exactly the keys of :data:`PAIR_KEYS`:
        ``prompt``, ``chosen``, ``rejected`` (strings, unchanged) and
        ``chosen_score``, ``rejected_score`` (Python floats), in the order of
        the records.

    Raises:
        ValueError: if ``min_margin`` is negative, a record's
            ``generations`` and ``scores`` differ in length, or a score is
            not finite (NaN or infinite).
    """
    if min_margin < 0:
        raise ValueError(f"min_margin must be >= 0, got {min_margin}")
    pairs = []
    for index, record in enumerate(records):
        generations, scores = list(record["generations"]), [float(s) for s in record["scores"]]
        if len(generations) != len(scores):
            raise ValueError(f"record {index}: {len(generations)} generations but {len(scores)} scores")
        if not all(math.isfinite(s) for s in scores):
            raise ValueError(f"record {index}: every score must be finite")
        if len(generations) < 2:
            continue
        # max and min return the FIRST extreme item: the earliest index wins a tie. When every
        # score is equal, best == worst, and the equal-texts rule below skips the record.
        best = max(range(len(scores)), key=scores.__getitem__)
        worst = min(range(len(scores)), key=scores.__getitem__)
        if scores[best] - scores[worst] < min_margin or generations[best] == generations[worst]:
            continue
        pairs.append({
            "prompt": record["prompt"],
            "chosen": generations[best],
            "rejected": generations[worst],
            "chosen_score": scores[best],
            "rejected_score": scores[worst],
        })
    return pairs


# ---- 2. the JSONL file -----------------------------------------------------------------------------------------


def _record_problem(record) -> str | None:
    """What is wrong with one record (naming the field), or None when it is valid."""
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(record))
    if error is not None:
        field = ".".join(str(part) for part in error.path)
        return f"{field}: {error.message}" if field else error.message
    for key in ("chosen_score", "rejected_score"):
        if not math.isfinite(record[key]):
            return f"{key}: the score must be finite"
    return None


def write_preferences_jsonl(pairs: Sequence[dict], path: str) -> int:
    """Write preference pairs to a JSONL file, one JSON object per line.

    Every pair is first checked against :data:`PREFERENCE_SCHEMA` (exactly
    the five keys, non-empty strings, numbers) and for finite scores; if
    any pair is bad, ``ValueError`` is raised BEFORE the file is opened, so
    an existing file at ``path`` is left as it was.

    The file (UTF-8) holds, for each pair in order, the line
    ``json.dumps(record, ensure_ascii=False) + "\\n"``, where ``record`` has
    the keys in the order of :data:`PAIR_KEYS` (whatever the pair's own
    order) and both scores converted with ``float``. So a newline inside a
    text is written as the two characters ``\\n`` and every record takes
    exactly one line; non-ASCII text is written as itself, not as
    ``\\uXXXX`` escapes. No pairs: an empty file. An existing file is
    replaced.

    Returns:
        The number of lines written (``len(pairs)``).

    Raises:
        ValueError: if a pair breaks the schema or has a non-finite score;
            the message contains ``"pair {index}"`` (counted from 0) and the
            field's name.
    """
    lines = []
    for index, pair in enumerate(pairs):
        problem = _record_problem(pair)
        if problem is not None:
            raise ValueError(f"pair {index}: {problem}")
        record = {key: pair[key] for key in PAIR_KEYS}
        record["chosen_score"], record["rejected_score"] = float(pair["chosen_score"]), float(pair["rejected_score"])
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)


def load_preferences(path: str) -> list[dict]:
    """Read and check a preference JSONL file.

    The file is read as UTF-8 and cut into lines at ``"\\n"`` only (never at
    other characters ``str.splitlines`` would cut at, such as ``"\\u2028"``,
    which may appear raw inside a JSON string); one final ``"\\n"`` ends the
    last line (it does not start an empty one), and a ``"\\r"`` at the end of
    a line is removed (Windows line ends). Every line must be a record:

    * not blank (an empty or whitespace-only line is an error, not skipped);
    * valid JSON whose value is an object;
    * valid against :data:`PREFERENCE_SCHEMA` (exactly the five keys,
      non-empty strings, numbers that are not booleans);
    * with finite scores and ``chosen_score > rejected_score``;
    * with ``chosen != rejected``.

    Returns:
        One dict per line, in file order, with exactly the keys of
        :data:`PAIR_KEYS`; the scores are Python floats (``7`` in the file
        gives ``7.0``). An empty file gives ``[]``.

    Raises:
        ValueError: for the first bad line; the message contains the path
            as given, ``"line N"`` (N counted from 1) and, for a record that
            breaks a rule about one field, that field's name
            (``chosen_score`` for the score order, ``rejected`` for equal
            texts).
        FileNotFoundError: if there is no file at ``path``.
    """
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    if not lines[-1]:  # the final newline ends the last line; an empty file has no line
        lines.pop()
    records = []
    for number, line in enumerate(lines, start=1):
        where = f"{path}, line {number}"
        line = line.removesuffix("\r")
        if not line.strip():
            raise ValueError(f"{where}: blank line")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{where}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise ValueError(f"{where}: a record must be a JSON object, got {type(record).__name__}")
        problem = _record_problem(record)
        if problem is not None:
            raise ValueError(f"{where}: {problem}")
        if not record["chosen_score"] > record["rejected_score"]:
            raise ValueError(f"{where}: chosen_score must be greater than rejected_score")
        if record["chosen"] == record["rejected"]:
            raise ValueError(f"{where}: rejected must differ from chosen")
        record["chosen_score"], record["rejected_score"] = float(record["chosen_score"]), float(record["rejected_score"])
        records.append(record)
    return records


# ---- 3. sequence log-probabilities -------------------------------------------------------------------------------


def sequence_logprobs(
    logits: torch.Tensor,
    labels: torch.Tensor,
    prompt_lengths: Sequence[int] | torch.Tensor,
    attention_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """The summed log-probability of each row's response tokens.

    Row ``b`` of ``labels`` holds a prompt (its first ``prompt_lengths[b]``
    tokens), then the response, then padding (where ``attention_mask`` is
    0). ``logits[b, t]`` is the model's prediction for token ``t + 1``
    (the causal shift), so token ``t`` (for ``t >= 1``) gets the
    log-probability ``log_softmax(logits[b, t - 1])[labels[b, t]]``. The
    result sums that over the positions ``t`` with
    ``prompt_lengths[b] <= t < seq`` and ``attention_mask[b, t] != 0``:
    the response tokens only (no prompt token, no padding), a SUM (not a
    mean). A row whose response is empty gives 0. The log-softmax must be
    stable for logits of any magnitude (``1e4`` in float32 included).
    Gradients flow to ``logits``.

    Args:
        logits: ``(batch, seq, vocab)`` float tensor.
        labels: ``(batch, seq)`` integer tensor of token ids in
            ``[0, vocab)`` (padding positions too).
        prompt_lengths: ``batch`` ints, each in ``1..seq`` (the first token
            has no prediction, so a prompt has at least one token); a list,
            a tuple, or an integer tensor.
        attention_mask: ``(batch, seq)``, 1 / True at real tokens, 0 / False
            at padding; bool, integer or float (0.0 / 1.0); None: every
            position is real.

    Returns:
        ``(batch,)`` tensor of the dtype of ``logits``.

    Raises:
        ValueError: if ``logits`` is not 3-D, ``labels`` is not
            ``(batch, seq)``, ``prompt_lengths`` does not have ``batch``
            entries or one is outside ``1..seq``, or ``attention_mask`` is
            not ``(batch, seq)``.
    """
    if logits.dim() != 3:
        raise ValueError(f"logits must be (batch, seq, vocab), got shape {tuple(logits.shape)}")
    batch, seq, _ = logits.shape
    if tuple(labels.shape) != (batch, seq):
        raise ValueError(f"labels must have shape {(batch, seq)}, got {tuple(labels.shape)}")
    lengths = torch.as_tensor(prompt_lengths, dtype=torch.long, device=logits.device).reshape(-1)
    if lengths.numel() != batch or bool(((lengths < 1) | (lengths > seq)).any()):
        raise ValueError(f"prompt_lengths must hold {batch} values in 1..{seq}")
    positions = torch.arange(1, seq, device=logits.device)
    keep = positions[None, :] >= lengths[:, None]
    if attention_mask is not None:
        if tuple(attention_mask.shape) != (batch, seq):
            raise ValueError(f"attention_mask must have shape {(batch, seq)}, got {tuple(attention_mask.shape)}")
        keep = keep & (attention_mask[:, 1:] != 0)
    token_logps = logits[:, :-1].log_softmax(dim=-1).gather(-1, labels[:, 1:, None].long()).squeeze(-1)
    return torch.where(keep, token_logps, torch.zeros_like(token_logps)).sum(dim=-1)


# ---- 4. the DPO loss -----------------------------------------------------------------------------------------------


def dpo_loss(
    policy_chosen_logps: torch.Tensor,
    policy_rejected_logps: torch.Tensor,
    reference_chosen_logps: torch.Tensor,
    reference_rejected_logps: torch.Tensor,
    beta: float = 0.1,
    *,
    reduction: str = "mean",
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The DPO loss and the implicit rewards of a batch of preference pairs.

    With ``pi_c, pi_r`` the policy's and ``ref_c, ref_r`` the reference
    model's sequence log-probs of the chosen and rejected responses:

    * ``chosen_rewards = beta * (pi_c - ref_c)``,
      ``rejected_rewards = beta * (pi_r - ref_r)`` (the implicit rewards),
      returned DETACHED (no gradient flows through them: they are for
      logging);
    * per pair, ``loss = -log sigmoid(beta * ((pi_c - ref_c) - (pi_r - ref_r)))``,
      computed stably (``F.logsigmoid``): finite and correct even when the
      log-probs are of order ``1e3`` or the difference is ``+-1e4``;
    * ``reduction``: ``"mean"`` (default) or ``"sum"`` over the pairs (a
      0-d tensor), or ``"none"`` (the ``(n,)`` per-pair losses).

    Gradients flow from the loss to all four inputs (in DPO only the
    policy's have ``requires_grad``).

    Args:
        policy_chosen_logps, policy_rejected_logps, reference_chosen_logps,
            reference_rejected_logps: ``(n,)`` float tensors, ``n >= 1``,
            all of the same shape.
        beta: the strength of the pull towards the reference, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.

    Returns:
        ``(loss, chosen_rewards, rejected_rewards)``, the rewards of shape
        ``(n,)``, all of the inputs' dtype.

    Raises:
        ValueError: if the four inputs are not 1-D of one shape, ``n == 0``,
            ``beta <= 0``, or ``reduction`` is not one of the three.
    """
    inputs = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    if any(x.dim() != 1 or x.shape != policy_chosen_logps.shape for x in inputs) or policy_chosen_logps.numel() == 0:
        raise ValueError("the four log-prob tensors must be 1-D, non-empty and of one shape")
    if not beta > 0:
        raise ValueError(f"beta must be > 0, got {beta}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    chosen_logratios = policy_chosen_logps - reference_chosen_logps
    rejected_logratios = policy_rejected_logps - reference_rejected_logps
    losses = -F.logsigmoid(beta * (chosen_logratios - rejected_logratios))
    if reduction == "mean":
        loss = losses.mean()
    elif reduction == "sum":
        loss = losses.sum()
    else:
        loss = losses
    return loss, (beta * chosen_logratios).detach(), (beta * rejected_logratios).detach()


def reward_accuracy(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> float:
    """The share of pairs whose chosen reward is STRICTLY above the rejected one.

    A tie (equal rewards, e.g. at the start of training when the policy
    equals the reference) counts as a miss, not a win.

    Args:
        chosen_rewards, rejected_rewards: ``(n,)`` float tensors, ``n >= 1``.

    Returns:
        A Python float in ``[0, 1]``.

    Raises:
        ValueError: if the two are not 1-D of one shape, or empty.
    """
    if chosen_rewards.dim() != 1 or chosen_rewards.shape != rejected_rewards.shape or chosen_rewards.numel() == 0:
        raise ValueError("the rewards must be two non-empty 1-D tensors of one shape")
    return (chosen_rewards > rejected_rewards).double().mean().item()


# ---- 5. a short DPO run ----------------------------------------------------------------------------------------------


def collate_pairs(pairs: Sequence[Sequence[Sequence[int]]], pad_id: int = 0) -> dict[str, torch.Tensor]:
    """One right-padded batch of ``2 n`` rows for ``n`` tokenised preference pairs.

    ``pairs[i] = (prompt_ids, chosen_ids, rejected_ids)``, three non-empty
    lists of ints. Row ``i`` is ``prompt_ids + chosen_ids`` and row ``n + i``
    is ``prompt_ids + rejected_ids`` (all chosen rows first, then all
    rejected rows, in pair order), each followed by ``pad_id`` up to the
    longest of the ``2 n`` rows.

    Returns:
        ``{"input_ids": (2n, seq), "attention_mask": (2n, seq),
        "prompt_lengths": (2n,)}``, all ``torch.long``: the mask is 1 at the
        row's own tokens (a ``pad_id`` inside them included) and 0 at the
        added padding; ``prompt_lengths[i] = prompt_lengths[n + i] =
        len(prompt_ids)``.

    Raises:
        ValueError: if ``pairs`` is empty or a prompt, chosen or rejected
            list is empty.
    """
    if not pairs or not all(len(part) for pair in pairs for part in pair):
        raise ValueError("need at least one pair, and no empty prompt or response")
    rows = [list(p) + list(c) for p, c, _ in pairs] + [list(p) + list(r) for p, _, r in pairs]
    width = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        attention_mask[i, : len(row)] = 1
    prompt_lengths = torch.tensor([len(p) for p, _, _ in pairs] * 2, dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "prompt_lengths": prompt_lengths}


def build_model(config: dict) -> GPT2LMHeadModel:
    """``GPT2LMHeadModel(GPT2Config(**config))``: a causal LM with random weights.

    ``config`` is a plain dict of ``GPT2Config`` keyword arguments (e.g.
    ``{"vocab_size": 50, "n_positions": 32, "n_embd": 32, "n_layer": 2,
    "n_head": 2}``). Nothing is downloaded; the tests load their own weights.
    """
    return GPT2LMHeadModel(GPT2Config(**config))


def make_reference(policy: nn.Module) -> nn.Module:
    """A frozen copy of ``policy``: the reference model of DPO.

    The copy (``copy.deepcopy``) has its own parameters, equal to the
    policy's now and unaffected when the policy is trained later; every one
    has ``requires_grad == False``, and the copy is in eval mode (dropout
    off). The policy itself is not changed: its parameters keep their
    ``requires_grad`` and it stays in the mode it was in.
    """
    reference = copy.deepcopy(policy)
    reference.requires_grad_(False)
    return reference.eval()


def _logps(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    return sequence_logprobs(logits, batch["input_ids"], batch["prompt_lengths"], batch["attention_mask"])


def dpo_train(
    policy: nn.Module,
    reference: nn.Module,
    pairs: Sequence[Sequence[Sequence[int]]],
    *,
    pad_id: int = 0,
    beta: float = 0.1,
    lr: float = 1e-3,
    steps: int = 20,
) -> dict[str, list[float]]:
    """Train ``policy`` in place with DPO against the frozen ``reference``.

    The procedure, stated exactly so that a run can be reproduced:

    * ``batch = collate_pairs(pairs, pad_id)``; every step uses the whole
      batch (no shuffling, no mini-batches), ``n = len(pairs)``.
    * The reference is put in eval mode and its sequence log-probs
      (:func:`sequence_logprobs` of
      ``reference(input_ids=..., attention_mask=...).logits``) are computed
      ONCE, before the first step, under ``torch.no_grad()``: rows ``:n``
      are ``ref_c``, rows ``n:`` are ``ref_r``. The reference is never
      given to an optimiser, never in training mode, and comes out
      bit-for-bit unchanged (even if its parameters require a gradient and
      its config has dropout).
    * One ``torch.optim.AdamW(policy.parameters(), lr=lr)`` (the library's
      other defaults) for the whole run; the policy is in training mode
      during the loop.
    * Each step: the policy's sequence log-probs of the batch (rows ``:n``
      chosen, ``n:`` rejected, in the same way),
      ``loss, cr, rr = dpo_loss(pi_c, pi_r, ref_c, ref_r, beta)`` (mean),
      record ``loss``, ``reward_accuracy(cr, rr)`` and the mean margin
      ``mean(cr - rr)``, then ``zero_grad``, ``backward``, ``step``.

    Afterwards the policy is in eval mode.

    Returns:
        A dict of lists of Python floats: ``"losses"``, ``"accuracies"``
        and ``"margins"`` (``steps`` values each, measured BEFORE each
        step's update), ``"reference_chosen_logps"`` and
        ``"reference_rejected_logps"`` (``n`` values each). With
        ``steps=0`` the three per-step lists are empty and nothing changes.

    Raises:
        ValueError: if ``steps < 0`` or ``beta <= 0`` (before anything is
            computed), or ``pairs`` is invalid for :func:`collate_pairs`.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if not beta > 0:
        raise ValueError(f"beta must be > 0, got {beta}")
    batch = collate_pairs(pairs, pad_id)
    n = len(pairs)
    reference.eval()
    with torch.no_grad():
        reference_logps = _logps(reference, batch)
    ref_chosen, ref_rejected = reference_logps[:n], reference_logps[n:]
    optimizer = torch.optim.AdamW(policy.parameters(), lr=lr)
    history: dict[str, list[float]] = {"losses": [], "accuracies": [], "margins": []}
    policy.train()
    for _ in range(steps):
        policy_logps = _logps(policy, batch)
        loss, chosen_rewards, rejected_rewards = dpo_loss(policy_logps[:n], policy_logps[n:], ref_chosen, ref_rejected, beta)
        history["losses"].append(loss.item())
        history["accuracies"].append(reward_accuracy(chosen_rewards, rejected_rewards))
        history["margins"].append((chosen_rewards - rejected_rewards).mean().item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    policy.eval()
    history["reference_chosen_logps"] = ref_chosen.tolist()
    history["reference_rejected_logps"] = ref_rejected.tolist()
    return history
