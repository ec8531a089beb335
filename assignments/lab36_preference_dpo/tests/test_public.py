"""Public sanity checks for lab 36 (preference data and DPO).

Run with ``autograder test lab36_preference_dpo`` or
``pytest assignments/lab36_preference_dpo``. Passing these does not mean the
hidden tests pass: they also check ties, margins and skipped prompts on
many records, the exact bytes of the JSONL file and every kind of bad line,
log-probs against a token-by-token loop (float32 and float64, huge logits,
every mask type), the DPO formula with each reduction and its gradients,
and a DPO run compared step by step with the stated procedure, with a
reference model that must stay bit-identical.
"""

from __future__ import annotations

import json
import math

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

SMALL = dict(vocab_size=30, n_positions=16, n_embd=16, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
             bos_token_id=29, eos_token_id=29)


def test_pairs_pick_best_and_worst(lab):
    """The chosen answer has the top judge score, the rejected one the bottom score; one-answer prompts are skipped."""
    judged = [
        {"prompt": "Translate 'chat'.", "generations": ["dog", "cat", "hat"], "scores": [1, 10, 4]},
        {"prompt": "Lonely", "generations": ["only one"], "scores": [5]},
    ]
    pairs = lab.build_preference_pairs(judged)
    check(len(pairs) == 1, f"expected one pair (the second prompt has a single answer), got {len(pairs)}")
    pair = dict(pairs[0])
    check((pair["chosen"], pair["rejected"]) == ("cat", "dog"), f"chosen/rejected should be ('cat', 'dog'), got {(pair['chosen'], pair['rejected'])}")
    check(pair["chosen_score"] == 10.0 and pair["rejected_score"] == 1.0, "the scores of the chosen and rejected answers")


def test_jsonl_round_trip(lab, tmp_path, monkeypatch):
    """A written file has one JSON object per line and loads back to the same pairs."""
    monkeypatch.chdir(tmp_path)
    pair = {"prompt": "Why?", "chosen": "Because\nof this.", "rejected": "No.", "chosen_score": 3.0, "rejected_score": 1.0}
    check(lab.write_preferences_jsonl([pair, pair], "out.jsonl") == 2, "two pairs: 2 lines written")
    text = lab.get_file("out.jsonl").decode("utf-8")
    rows = text.splitlines()
    check(len(rows) == 2, f"the file should have 2 lines, found {len(rows)}")
    check(json.loads(rows[1]) == pair, "each line should be one JSON object")
    check([dict(r) for r in lab.load_preferences("out.jsonl")] == [pair, pair], "loading gives the pairs back")


def test_logprobs_small_case(lab):
    """Two-token response after a one-token prompt, uniform logits: the sum is 2 * log(1 / vocab)."""
    vocab = 4
    logits = torch.zeros(1, 3, vocab)
    got = lab.sequence_logprobs(logits, torch.tensor([[0, 1, 2]]), [1])
    assert_close(got, torch.tensor([2 * math.log(1 / vocab)]), atol=1e-6, rtol=1e-6, what="summed log-probs of a uniform model")
    masked = lab.sequence_logprobs(logits, torch.tensor([[0, 1, 2]]), [1], torch.tensor([[1, 1, 0]]))
    assert_close(masked, torch.tensor([math.log(1 / vocab)]), atol=1e-6, rtol=1e-6, what="the padded last token left out")


def test_dpo_loss_example(lab):
    """The policy equal to the reference gives loss log 2 and zero rewards; accuracy counts ties as misses."""
    x = torch.tensor([-3.0, -7.0])
    y = torch.tensor([-4.0, -1.0])
    loss, chosen, rejected = lab.dpo_loss(x, y, x, y)
    assert_close(float(loss), math.log(2.0), atol=1e-6, rtol=0, what="the loss when the policy is the reference")
    assert_close(chosen, torch.zeros(2), atol=1e-7, rtol=0, what="chosen rewards")
    check(lab.reward_accuracy(chosen, rejected) == 0.0, "ties are not wins: the accuracy should be 0")


def test_short_dpo_run(lab):
    """A few DPO steps on a tiny GPT-2: the margin grows and the frozen reference keeps its weights."""
    torch.manual_seed(0)
    weights = GPT2LMHeadModel(GPT2Config(**SMALL)).state_dict()
    policy = lab.build_model(SMALL)
    policy.load_state_dict(weights)
    reference = lab.make_reference(policy)
    data = [([1, 2], [3, 4], [5, 6]), ([7], [8, 9, 10], [11])]
    history = lab.dpo_train(policy, reference, data, lr=1e-2, steps=10)
    check(len(history["losses"]) == 10, "ten steps should give ten losses")
    check(history["margins"][-1] > history["margins"][0], "the chosen-over-rejected margin should grow")
    kept = reference.state_dict()
    check(all(torch.equal(kept[name], value) for name, value in weights.items()), "the reference model must not change")
