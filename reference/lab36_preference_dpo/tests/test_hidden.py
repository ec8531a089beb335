"""Hidden tests for lab 36 (a preference data set and DPO).

Oracles:

* pairs: a brute-force pass over the records written here (``max`` /
  ``min`` and ``list.index`` for the earliest tie);
* JSONL: ``json.dumps(..., ensure_ascii=False)`` line by line for the exact
  bytes, ``json.loads`` and ``jsonschema`` on what the student writes;
  files the tests write are shipped with ``lab.put_file``;
* log-probs: ``torch.log_softmax`` in float64, read token by token in a
  loop;
* DPO: the formula ``-logsigmoid(beta * ((pc - rc) - (pr - rr)))`` in
  float64 on hand-made log-probs, its analytic gradient;
* training: the stated procedure (full batch, one AdamW, reference
  log-probs once in eval mode) re-run here on
  ``transformers.GPT2LMHeadModel`` with the same weights, compared to
  tolerances; the reference must be bit-identical afterwards.

Everything is tiny (2 layers, width 32, vocabulary 40): seconds on a CPU.
"""

from __future__ import annotations

import copy
import json
import math
import random
import re

import jsonschema
import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

KEYS = ("prompt", "chosen", "rejected", "chosen_score", "rejected_score")
SCHEMA = {
    "type": "object",
    "properties": {
        "prompt": {"type": "string", "minLength": 1},
        "chosen": {"type": "string", "minLength": 1},
        "rejected": {"type": "string", "minLength": 1},
        "chosen_score": {"type": "number"},
        "rejected_score": {"type": "number"},
    },
    "required": list(KEYS),
    "additionalProperties": False,
}
VOCAB = 40
CONFIG = dict(vocab_size=VOCAB, n_positions=32, n_embd=32, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0,
              attn_pdrop=0.0, bos_token_id=VOCAB - 1, eos_token_id=VOCAB - 1)
DROPOUT = dict(CONFIG, resid_pdrop=0.2, embd_pdrop=0.2, attn_pdrop=0.2)


# ---- 1. preference pairs ---------------------------------------------------------------------------------------


def oracle_pairs(records, min_margin=0.0):
    out = []
    for r in records:
        gens, scores = r["generations"], [float(s) for s in r["scores"]]
        if len(gens) < 2:
            continue
        hi, lo = max(scores), min(scores)
        b, w = scores.index(hi), scores.index(lo)
        if hi == lo or hi - lo < min_margin or gens[b] == gens[w]:
            continue
        out.append({"prompt": r["prompt"], "chosen": gens[b], "rejected": gens[w], "chosen_score": hi, "rejected_score": lo})
    return out


def check_pairs(got, want, what):
    got = [dict(p) for p in got]
    check(len(got) == len(want), f"{what}: expected {len(want)} pairs, got {len(got)}")
    for i, (g, w) in enumerate(zip(got, want)):
        check(set(g) == set(KEYS), f"{what}: pair {i} should have exactly the keys {KEYS}")
        check(g["prompt"] == w["prompt"], f"{what}: pair {i} has the wrong prompt (records out of order, or a wrong one skipped)")
        check(g["chosen"] == w["chosen"], f"{what}: pair {i} ({w['prompt']!r}) has the wrong chosen generation")
        check(g["rejected"] == w["rejected"], f"{what}: pair {i} ({w['prompt']!r}) has the wrong rejected generation")
        for key in ("chosen_score", "rejected_score"):
            check(type(g[key]) is float and g[key] == w[key], f"{what}: pair {i}: {key} should be the judge's score as a Python float")


@pytest.mark.points(3)
def test_pairs_best_against_worst(lab):
    """build_preference_pairs: chosen = highest score, rejected = LOWEST (not the second best), record order, float scores."""
    records = [
        {"prompt": "Name a prime.", "generations": ["4", "7", "9", "2 and 3"], "scores": [2, 9, 5, 7]},
        {"prompt": "Capital of France?", "generations": ["Lyon", "Paris", "Nice"], "scores": [3.5, 9.25, 6.0]},
        {"prompt": "2+2?", "generations": ["4", "five"], "scores": [10, 0]},
        {"prompt": "Say hi.", "generations": ["hey", "hello", "yo", "greetings", "hi"], "scores": [6, 8, 1, 4, 10]},
    ]
    got = lab.build_preference_pairs(records)
    check_pairs(got, oracle_pairs(records), "four prompts, distinct scores")
    check(got[3]["rejected"] == "yo", "the rejected answer is the one with the LOWEST score, not the second best")


@pytest.mark.points(3)
def test_pairs_ties_and_skips(lab):
    """Ties go to the earliest generation; all-equal scores, identical chosen/rejected texts, < 2 generations are skipped."""
    records = [
        {"prompt": "p0", "generations": ["a", "b", "c", "d", "e"], "scores": [3, 9, 9, 1, 1]},
        {"prompt": "p1", "generations": ["a", "b", "c"], "scores": [5, 5, 5]},
        {"prompt": "p2", "generations": ["".join(["sa", "me"]), "x", "".join(["sam", "e"])], "scores": [9, 5, 1]},
        {"prompt": "p3", "generations": ["only"], "scores": [7]},
        {"prompt": "p4", "generations": [], "scores": []},
        {"prompt": "p5", "generations": ["a", "b", "c", "d"], "scores": [2, 2, 8, 8]},
        {"prompt": "p6", "generations": ["x", "y"], "scores": [1.0, 1.5]},
    ]
    got = lab.build_preference_pairs(records)
    check_pairs(got, oracle_pairs(records), "ties and skipped prompts")
    check([p["chosen"] for p in got] == ["b", "c", "y"] and [p["rejected"] for p in got] == ["d", "a", "x"],
          "ties: the earliest generation among the highest (and among the lowest) scores wins")


@pytest.mark.points(3)
def test_pairs_min_margin_boundary(lab):
    """min_margin: a margin equal to it is kept, a smaller one skipped; the default 0 keeps any positive margin."""
    records = [
        {"prompt": "exact", "generations": ["good", "bad"], "scores": [7, 4]},
        {"prompt": "below", "generations": ["good", "bad"], "scores": [7, 4.0000001]},
        {"prompt": "float exact", "generations": ["bad", "mid", "good"], "scores": [0.5, 2.0, 3.5]},
        {"prompt": "tiny", "generations": ["good", "bad"], "scores": [0.5 + 1e-9, 0.5]},
        {"prompt": "negative", "generations": ["bad", "good"], "scores": [-8, -2]},
    ]
    for margin in (3.0, 3):
        got = lab.build_preference_pairs(records, min_margin=margin)
        check_pairs(got, oracle_pairs(records, 3.0), f"min_margin={margin!r}")
    check_pairs(lab.build_preference_pairs(records), oracle_pairs(records, 0.0), "the default min_margin (0)")
    check_pairs(lab.build_preference_pairs(records=records, min_margin=0.0), oracle_pairs(records), "keyword arguments")
    check_pairs(lab.build_preference_pairs(records, min_margin=6.0), oracle_pairs(records, 6.0), "min_margin=6")
    check(list(lab.build_preference_pairs([])) == [], "no records give no pairs")


@pytest.mark.points(3)
def test_pairs_random_against_brute_force(lab):
    """build_preference_pairs on 60 random records (many ties, 0-6 generations) equals a brute-force pass, for three margins."""
    rng = random.Random(5)
    words = ["yes", "no", "maybe", "sure", "never", "always", "perhaps"]
    records = []
    for i in range(60):
        k = rng.randint(0, 6)
        records.append({"prompt": f"question {i} — é", "generations": [rng.choice(words) for _ in range(k)],
                        "scores": [rng.choice([1, 2, 3, 4, 5, 2.5]) for _ in range(k)]})
    for margin in (0.0, 1.0, 2.5):
        check_pairs(lab.build_preference_pairs(records, min_margin=margin), oracle_pairs(records, margin), f"random records, min_margin={margin}")
    many = [{"prompt": "many", "generations": [f"g{i}" for i in range(300)], "scores": [rng.randint(0, 50) for _ in range(300)]}]
    check_pairs(lab.build_preference_pairs(many), oracle_pairs(many), "a record with 300 generations")


@pytest.mark.points(2)
def test_pairs_errors(lab):
    """build_preference_pairs raises ValueError for mismatched lengths, NaN / infinite scores, a negative min_margin."""
    good = {"prompt": "p", "generations": ["a", "b"], "scores": [1, 2]}
    check(len(lab.build_preference_pairs([good])) == 1, "a valid record should give one pair")
    bad_records = [
        {"prompt": "p", "generations": ["a", "b", "c"], "scores": [1, 2]},
        {"prompt": "p", "generations": ["a"], "scores": [1, 2]},
        {"prompt": "p", "generations": ["a", "b"], "scores": [1, float("nan")]},
        {"prompt": "p", "generations": ["a", "b"], "scores": [float("inf"), 2]},
        {"prompt": "p", "generations": ["a", "b"], "scores": [1, float("-inf")]},
    ]
    for bad in bad_records:
        with pytest.raises(ValueError):
            lab.build_preference_pairs([good, bad])
    for margin in (-1.0, -1e-9):
        with pytest.raises(ValueError):
            lab.build_preference_pairs([good], min_margin=margin)


# ---- 2. the JSONL file -------------------------------------------------------------------------------------------


def tricky_pairs():
    """Texts with newlines, quotes, tabs, non-ASCII, a raw U+2028; keys out of order; int scores."""
    return [
        {"prompt": "Write two lines.", "chosen": "line one\nline two", "rejected": "one line", "chosen_score": 8, "rejected_score": 2},
        {"rejected": "Nein", "prompt": "Sag \"ja\" auf Deutsch\t!", "chosen": "Ja — natürlich ✓", "rejected_score": 1.5, "chosen_score": 9.75},
        {"prompt": "Unicode line separator", "chosen": "日本語 a\u2028b", "rejected": "plain", "chosen_score": 0.5, "rejected_score": -0.25},
    ]


def expected_bytes(pairs) -> bytes:
    lines = []
    for p in pairs:
        record = {k: float(p[k]) if k.endswith("_score") else p[k] for k in KEYS}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines).encode("utf-8")


@pytest.mark.points(4)
def test_write_jsonl_one_object_per_line(lab, tmp_path, monkeypatch):
    """write_preferences_jsonl: one json.dumps(ensure_ascii=False) object per line, keys in schema order, float scores, UTF-8."""
    monkeypatch.chdir(tmp_path)  # in-process runs write here; a graded worker writes in its own scratch
    pairs = tricky_pairs()
    count = lab.write_preferences_jsonl(pairs, "prefs.jsonl")
    check(count == 3 and type(count) is int, f"write_preferences_jsonl should return the number of lines written (3), got {count!r}")
    data = lab.get_file("prefs.jsonl")
    lines = data.split(b"\n")
    check(len(lines) == 4 and lines[-1] == b"", "the file should hold exactly one line per pair, each ending with a newline")
    for i, line in enumerate(lines[:-1]):
        record = json.loads(line.decode("utf-8"))
        jsonschema.validate(record, SCHEMA)
        check(list(record) == list(KEYS), f"line {i + 1}: keys should be in the order {KEYS}")
    check("natürlich ✓".encode() in data and b"\\u" not in data.replace(b"\\u2028", b""),
          "non-ASCII text should be written as UTF-8, not as \\uXXXX escapes (ensure_ascii=False)")
    check(data == expected_bytes(pairs), "the bytes differ from json.dumps(record, ensure_ascii=False) + '\\n' per pair")
    check(lab.write_preferences_jsonl(pairs[:1], path="prefs.jsonl") == 1, "writing again returns the new count")
    check(lab.get_file("prefs.jsonl") == expected_bytes(pairs[:1]), "writing again should replace the file, not append")
    check(lab.write_preferences_jsonl([], "empty.jsonl") == 0 and lab.get_file("empty.jsonl") == b"", "no pairs: an empty file, 0 returned")


BAD_PAIRS = [
    ("missing key", {"prompt": "p", "chosen": "c", "chosen_score": 2.0, "rejected_score": 1.0}, "rejected"),
    ("extra key", {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2.0, "rejected_score": 1.0, "judge": "x"}, "judge"),
    ("empty prompt", {"prompt": "", "chosen": "c", "rejected": "r", "chosen_score": 2.0, "rejected_score": 1.0}, "prompt"),
    ("empty chosen", {"prompt": "p", "chosen": "", "rejected": "r", "chosen_score": 2.0, "rejected_score": 1.0}, "chosen"),
    ("text not a string", {"prompt": "p", "chosen": "c", "rejected": 5, "chosen_score": 2.0, "rejected_score": 1.0}, "rejected"),
    ("score a string", {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": "2", "rejected_score": 1.0}, "chosen_score"),
    ("score a bool", {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2.0, "rejected_score": False}, "rejected_score"),
    ("NaN score", {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": float("nan"), "rejected_score": 1.0}, "chosen_score"),
    ("infinite score", {"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2.0, "rejected_score": float("-inf")}, "rejected_score"),
]


@pytest.mark.points(3)
def test_write_jsonl_rejects_bad_pairs(lab, tmp_path, monkeypatch):
    """write_preferences_jsonl checks every pair first: ValueError naming the field, and an existing file is left as it was."""
    monkeypatch.chdir(tmp_path)
    pairs = tricky_pairs()
    lab.write_preferences_jsonl(pairs, "kept.jsonl")
    for what, bad, field in BAD_PAIRS:
        with pytest.raises(ValueError) as info:
            lab.write_preferences_jsonl(pairs[:1] + [bad] + pairs[1:], "kept.jsonl")
        check(field in str(info.value), f"{what}: the error message should name the field {field!r}")
        check(re.search(r"\bpair 1\b", str(info.value)), f"{what}: the error message should say 'pair 1' (the index of the bad pair)")
        check(lab.get_file("kept.jsonl") == expected_bytes(pairs), f"{what}: a bad pair must be found before the file is written")
    with pytest.raises(ValueError):
        lab.write_preferences_jsonl([["p", "c", "r", 2.0, 1.0]], "kept.jsonl")


def put_text(lab, tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return lab.put_file(path)


@pytest.mark.points(4)
def test_load_round_trip_and_line_ends(lab, tmp_path, monkeypatch):
    """load_preferences reads what write_preferences_jsonl wrote, '\\r\\n' line ends, a raw U+2028 inside a string, int scores."""
    monkeypatch.chdir(tmp_path)
    pairs = tricky_pairs()
    lab.write_preferences_jsonl(pairs, "round.jsonl")
    want = [{k: float(p[k]) if k.endswith("_score") else p[k] for k in KEYS} for p in pairs]
    got = [dict(r) for r in lab.load_preferences("round.jsonl")]
    check(got == want, "load_preferences(write_preferences_jsonl(pairs)) should give the pairs back (scores as floats)")
    check(all(type(r[k]) is float for r in got for k in ("chosen_score", "rejected_score")), "scores should be Python floats")
    lines = [json.dumps(p, ensure_ascii=False) for p in pairs]
    path = put_text(lab, tmp_path, "crlf.jsonl", "\r\n".join(lines) + "\r\n")
    got = [dict(r) for r in lab.load_preferences(path)]
    check(len(got) == 3, "a file with '\\r\\n' line ends (and a raw U+2028 inside a string) holds 3 records; split at '\\n' only")
    check(got == want, "records read from a '\\r\\n' file differ (is the '\\r' removed? are int scores made floats?)")
    no_final = put_text(lab, tmp_path, "nofinal.jsonl", "\n".join(lines))
    check([dict(r) for r in lab.load_preferences(no_final)] == want, "a last line without a final newline is still a record")
    check(list(lab.load_preferences(put_text(lab, tmp_path, "empty.jsonl", ""))) == [], "an empty file gives []")


GOOD_LINE = '{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2, "rejected_score": 1}'
BAD_LINES = [
    ("a blank line", [GOOD_LINE, "", GOOD_LINE], 2, None),
    ("a whitespace-only line", [GOOD_LINE, GOOD_LINE, " \t", GOOD_LINE], 3, None),
    ("a blank last line", [GOOD_LINE, GOOD_LINE, ""], 3, None),
    ("broken JSON", [GOOD_LINE, '{"prompt": "p", "chosen": '], 2, None),
    ("a JSON array", ['["p", "c", "r", 2, 1]'], 1, None),
    ("a JSON string", [GOOD_LINE, GOOD_LINE, GOOD_LINE, '"just text"'], 4, None),
    ("a missing field", [GOOD_LINE, '{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2}'], 2, "rejected_score"),
    ("an extra field", ['{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2, "rejected_score": 1, "model": "m"}'], 1, "model"),
    ("an empty string", [GOOD_LINE, '{"prompt": "p", "chosen": "c", "rejected": "", "chosen_score": 2, "rejected_score": 1}'], 2, "rejected"),
    ("a bool score", [GOOD_LINE, '{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": true, "rejected_score": 1}'], 2, "chosen_score"),
    ("a number as prompt", ['{"prompt": 3, "chosen": "c", "rejected": "r", "chosen_score": 2, "rejected_score": 1}'], 1, "prompt"),
    ("a NaN score", [GOOD_LINE, '{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2, "rejected_score": NaN}'], 2, "rejected_score"),
    ("scores in the wrong order", [GOOD_LINE, '{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 1, "rejected_score": 2}'], 2, "chosen_score"),
    ("equal scores", ['{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 2.5, "rejected_score": 2.5}'], 1, "chosen_score"),
    ("chosen equal to rejected", [GOOD_LINE, GOOD_LINE, '{"prompt": "p", "chosen": "same text", "rejected": "same text", "chosen_score": 2, "rejected_score": 1}'], 3, "rejected"),
]


@pytest.mark.points(5)
def test_load_errors_name_file_line_field(lab, tmp_path):
    """load_preferences raises ValueError naming the file, 'line N' (from 1) and the field, for every kind of bad line."""
    ok = put_text(lab, tmp_path, "ok.jsonl", GOOD_LINE + "\n" + GOOD_LINE + "\n")
    check(len(lab.load_preferences(ok)) == 2, "a valid two-line file should load")
    for i, (what, lines, number, field) in enumerate(BAD_LINES):
        path = put_text(lab, tmp_path, f"bad{i}.jsonl", "\n".join(lines) + "\n")
        with pytest.raises(ValueError) as info:
            lab.load_preferences(path)
        message = str(info.value)
        check(path in message, f"{what}: the error message should contain the file's path")
        check(re.search(rf"\bline {number}\b", message), f"{what}: the error message should say 'line {number}' (lines counted from 1)")
        if field is not None:
            check(field in message, f"{what}: the error message should name the field {field!r}")
    with pytest.raises(FileNotFoundError):
        lab.load_preferences(ok + ".missing")


# ---- 3. sequence log-probabilities ---------------------------------------------------------------------------------


def oracle_logps(logits, labels, prompt_lengths, mask=None):
    """Token by token: sum of log_softmax(logits[b, t-1])[labels[b, t]] over response positions, in float64."""
    lp = torch.log_softmax(logits.double(), dim=-1)
    out = []
    for b in range(labels.shape[0]):
        total = torch.zeros((), dtype=torch.float64)
        for t in range(int(prompt_lengths[b]), labels.shape[1]):
            if mask is None or bool(mask[b, t]):
                total = total + lp[b, t - 1, labels[b, t]]
        out.append(total)
    return torch.stack(out)


def random_batch(seed, batch=5, seq=9, scale=3.0, dtype=torch.float32):
    """Random logits and labels; right padding of random length; prompt lengths 1..seq."""
    g = torch.Generator().manual_seed(seed)
    logits = (scale * torch.randn(batch, seq, VOCAB, generator=g)).to(dtype)
    labels = torch.randint(0, VOCAB, (batch, seq), generator=g)
    lengths = torch.randint(2, seq + 1, (batch,), generator=g)
    lengths[0] = seq
    mask = (torch.arange(seq)[None, :] < lengths[:, None]).long()
    prompts = [int(torch.randint(1, int(n), (1,), generator=g)) for n in lengths]
    return logits, labels, prompts, mask


@pytest.mark.parametrize("dtype", [pytest.param(torch.float32, marks=pytest.mark.points(3), id="float32"),
                                   pytest.param(torch.float64, marks=pytest.mark.points(2), id="float64")])
def test_sequence_logprobs_matches_token_loop(lab, dtype):
    """sequence_logprobs sums response-token log-probs only (shifted by one), skipping prompt and padding; dtype kept."""
    tol = dict(atol=1e-4, rtol=1e-5) if dtype == torch.float32 else dict(atol=1e-10, rtol=1e-10)
    for seed in (1, 2, 3):
        logits, labels, prompts, mask = random_batch(seed, dtype=dtype)
        got = lab.sequence_logprobs(logits, labels, prompts, mask)
        assert_close(got, oracle_logps(logits, labels, prompts, mask).to(dtype), **tol,
                     what="the summed log-probs of the response tokens (shift by one, prompt and padding left out)")


@pytest.mark.points(3)
def test_sequence_logprobs_input_types(lab):
    """Masks may be bool, long or float; prompt lengths a list, tuple or tensor; no mask = every position; keywords work."""
    logits, labels, prompts, mask = random_batch(11, batch=4, seq=7)
    want = oracle_logps(logits, labels, prompts, mask).float()
    for m in (mask.bool(), mask.long(), mask.float(), mask.int()):
        for p in (prompts, tuple(prompts), torch.tensor(prompts), torch.tensor(prompts, dtype=torch.int32)):
            assert_close(lab.sequence_logprobs(logits, labels, p, m), want, atol=1e-4, rtol=1e-5,
                         what=f"log-probs with a {m.dtype} mask and prompt lengths as {type(p).__name__}")
    assert_close(lab.sequence_logprobs(logits, labels.int(), prompts, mask), want, atol=1e-4, rtol=1e-5, what="log-probs with int32 labels")
    full = oracle_logps(logits, labels, prompts).float()
    assert_close(lab.sequence_logprobs(logits, labels, prompts), full, atol=1e-4, rtol=1e-5, what="log-probs without a mask")
    assert_close(lab.sequence_logprobs(logits=logits, labels=labels, prompt_lengths=prompts, attention_mask=None), full,
                 atol=1e-4, rtol=1e-5, what="log-probs with keyword arguments and attention_mask=None")


@pytest.mark.points(3)
def test_sequence_logprobs_large_logits(lab):
    """sequence_logprobs is stable for float32 logits of magnitude 1e3 and 1e4 (a log of a softmax underflows)."""
    for scale in (1e3, 1e4):
        logits, labels, prompts, mask = random_batch(21, scale=scale)
        got = lab.sequence_logprobs(logits, labels, prompts, mask)
        check(bool(torch.isfinite(got).all()), f"log-probs should be finite for logits of magnitude {scale:g}")
        assert_close(got, oracle_logps(logits, labels, prompts, mask).float(), atol=1e-2, rtol=1e-5,
                     what=f"log-probs for logits of magnitude {scale:g}")


@pytest.mark.points(2)
def test_sequence_logprobs_edge_rows(lab):
    """Prompt length 1 (every token but the first), prompt = whole row (0), response all padding (0), a one-token row."""
    logits, labels, _, _ = random_batch(31, batch=4, seq=6)
    mask = torch.tensor([[1] * 6, [1] * 6, [1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 0]])
    prompts = [1, 6, 3, 2]
    got = lab.sequence_logprobs(logits, labels, prompts, mask)
    assert_close(got, oracle_logps(logits, labels, prompts, mask).float(), atol=1e-4, rtol=1e-5, what="log-probs of the edge rows")
    check(float(got[1]) == 0.0 and float(got[2]) == 0.0, "a row with no response token should give exactly 0")
    one = lab.sequence_logprobs(logits[:, :1], labels[:, :1], [1, 1, 1, 1])
    assert_close(one, torch.zeros(4), atol=0, rtol=0, what="a batch of one-token rows (no prediction at all)")


@pytest.mark.points(3)
def test_sequence_logprobs_gradient(lab):
    """The gradient of sequence_logprobs w.r.t. the logits equals autograd through the token loop."""
    logits, labels, prompts, mask = random_batch(41, dtype=torch.float64)
    weights = torch.tensor([1.0, -2.0, 0.5, 3.0, 1.5], dtype=torch.float64)
    result = lab.vjp(lab.sequence_logprobs, logits, labels, prompts, mask, grad_output=weights, wrt=(0,))
    x = logits.clone().requires_grad_(True)
    (oracle_logps(x, labels, prompts, mask) * weights).sum().backward()
    assert_close(result.grads[0], x.grad, atol=1e-10, rtol=1e-8, what="d(log-probs)/d(logits)")


@pytest.mark.points(1)
def test_sequence_logprobs_errors(lab):
    """sequence_logprobs raises ValueError for bad shapes and prompt lengths outside 1..seq."""
    logits, labels, prompts, mask = random_batch(51, batch=3, seq=5)
    check(lab.sequence_logprobs(logits, labels, [1, 5, 2], mask).shape == (3,), "valid prompt lengths 1 and seq should work")
    big, big_labels, big_prompts, big_mask = random_batch(52, batch=300, seq=4)
    assert_close(lab.sequence_logprobs(big, big_labels, big_prompts, big_mask), oracle_logps(big, big_labels, big_prompts, big_mask).float(),
                 atol=1e-4, rtol=1e-5, what="log-probs of a batch of 300 rows")
    for args in ((logits[0], labels[0], [1]), (logits, labels[:, :4], prompts), (logits, labels[:2], prompts),
                 (logits, labels, prompts[:2]), (logits, labels, prompts + [1]), (logits, labels, [0, 1, 1]),
                 (logits, labels, [1, 6, 1]), (logits, labels, [1, 1, -1]), (logits, torch.cat([labels, labels[:, :1]], 1), prompts),
                 (logits, torch.cat([labels, labels[:1]]), prompts), (logits, labels[..., None], prompts)):
        with pytest.raises(ValueError):
            lab.sequence_logprobs(*args)
    for bad_mask in (mask[:, :4], mask[:2], torch.cat([mask, mask[:, :1]], 1), torch.cat([mask, mask[:1]]), mask[..., None]):
        with pytest.raises(ValueError):
            lab.sequence_logprobs(logits, labels, prompts, bad_mask)


# ---- 4. the DPO loss ------------------------------------------------------------------------------------------------


def oracle_dpo(pc, pr, rc, rr, beta):
    """Per-pair losses and rewards in float64, straight from the formula."""
    pc, pr, rc, rr = (x.double() for x in (pc, pr, rc, rr))
    losses = -F.logsigmoid(beta * ((pc - rc) - (pr - rr)))
    return losses, beta * (pc - rc), beta * (pr - rr)


def hand_logps(dtype=torch.float64):
    return (torch.tensor([-10.0, -4.0, -20.5, -7.25, -3.0], dtype=dtype),   # policy chosen
            torch.tensor([-12.0, -3.0, -19.0, -9.0, -3.5], dtype=dtype),    # policy rejected
            torch.tensor([-11.0, -5.0, -20.0, -7.0, -2.0], dtype=dtype),    # reference chosen
            torch.tensor([-11.0, -2.5, -21.0, -8.0, -4.0], dtype=dtype))    # reference rejected


@pytest.mark.parametrize("reduction", [pytest.param("mean", marks=pytest.mark.points(2)), pytest.param("sum", marks=pytest.mark.points(2)),
                                       pytest.param("none", marks=pytest.mark.points(2))])
def test_dpo_loss_formula(lab, reduction):
    """dpo_loss equals -logsigmoid(beta*((pc - rc) - (pr - rr))) with each reduction; rewards beta*(policy - reference)."""
    for beta in (0.1, 0.5, 2.0):
        for dtype in (torch.float64, torch.float32):
            args = hand_logps(dtype)
            losses, cr, rr = oracle_dpo(*args, beta)
            loss, got_cr, got_rr = lab.dpo_loss(*args, beta, reduction="".join(list(reduction)))  # a fresh string object
            want = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction].to(dtype)
            tol = dict(atol=1e-12, rtol=1e-10) if dtype == torch.float64 else dict(atol=1e-6, rtol=1e-5)
            assert_close(loss, want, **tol, what=f"the DPO loss (reduction={reduction!r}, beta={beta}, {dtype})")
            assert_close(got_cr, cr.to(dtype), **tol, what=f"chosen_rewards beta * (pc - rc) (beta={beta})")
            assert_close(got_rr, rr.to(dtype), **tol, what=f"rejected_rewards beta * (pr - rr) (beta={beta})")


@pytest.mark.points(2)
def test_dpo_loss_hand_values_and_default_beta(lab):
    """A pair worked by hand (loss log(1 + e^-1)); the default beta is 0.1 and the default reduction the mean."""
    one = [torch.tensor([v], dtype=torch.float64) for v in (-10.0, -12.0, -11.0, -11.0)]
    loss, cr, rr = lab.dpo_loss(*one, beta=0.5)
    assert_close(float(loss), math.log1p(math.exp(-1.0)), atol=1e-12, rtol=0, what="beta=0.5, pc=-10, pr=-12, rc=rr=-11")
    assert_close(float(cr[0]), 0.5, atol=1e-12, rtol=0, what="chosen reward 0.5 * (-10 - -11)")
    assert_close(float(rr[0]), -0.5, atol=1e-12, rtol=0, what="rejected reward 0.5 * (-12 - -11)")
    args = hand_logps()
    losses, cr, rr = oracle_dpo(*args, 0.1)
    loss, got_cr, _ = lab.dpo_loss(*args)
    assert_close(loss, losses.mean(), atol=1e-12, rtol=1e-10, what="dpo_loss with the default beta and reduction")
    assert_close(got_cr, cr, atol=1e-12, rtol=1e-10, what="chosen_rewards with the default beta")
    loss = lab.dpo_loss(policy_chosen_logps=args[0], policy_rejected_logps=args[1], reference_chosen_logps=args[2],
                        reference_rejected_logps=args[3], beta=0.1, reduction="sum")[0]
    assert_close(loss, losses.sum(), atol=1e-12, rtol=1e-10, what="dpo_loss called with keyword arguments")
    equal = lab.dpo_loss(args[2], args[3], args[2], args[3], 0.3)[0]
    assert_close(float(equal), math.log(2), atol=1e-12, rtol=0, what="the loss when the policy equals the reference (log 2)")


@pytest.mark.parametrize("dtype", [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")])
@pytest.mark.points(2)
def test_dpo_loss_large_magnitudes(lab, dtype):
    """dpo_loss stays finite and exact for log-probs of order 1e3 and differences of +-1e4 (logsigmoid, not log(sigmoid))."""
    pc = torch.tensor([-1000.0, 0.0, -3000.0, -10.0, -5000.0, 0.0], dtype=dtype)
    pr = torch.tensor([0.0, -1000.0, -10.0, -3000.0, 5000.0, 0.0], dtype=dtype)
    rc = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, -1000.0], dtype=dtype)
    rr = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 1000.0], dtype=dtype)
    for beta in (1.0, 0.1):
        losses, _, _ = oracle_dpo(pc, pr, rc, rr, beta)
        got = lab.dpo_loss(pc, pr, rc, rr, beta, reduction="none")[0]
        check(bool(torch.isfinite(got).all()), f"DPO losses should be finite for log-probs of order 1e3 (beta={beta})")
        assert_close(got, losses.to(dtype), atol=1e-4, rtol=1e-6, what=f"per-pair DPO losses at large magnitudes (beta={beta})")


@pytest.mark.points(4)
def test_dpo_loss_gradients(lab):
    """The gradients of the loss w.r.t. all four inputs equal the analytic ones; the rewards are detached."""
    beta = 0.7
    args = hand_logps()
    z = beta * ((args[0] - args[2]) - (args[1] - args[3]))
    s = torch.sigmoid(-z)
    n = len(z)
    for reduction, g, weight in (("mean", torch.tensor(1.0, dtype=torch.float64), torch.full((n,), 1.0 / n, dtype=torch.float64)),
                                 ("sum", torch.tensor(2.0, dtype=torch.float64), torch.full((n,), 2.0, dtype=torch.float64)),
                                 ("none", torch.tensor([1.0, -1.0, 2.0, 0.5, 3.0], dtype=torch.float64), None)):
        w = g if weight is None else weight
        result = lab.vjp(lab.dpo_loss, *args, beta, reduction=reduction, grad_output=(g, None, None), wrt=(0, 1, 2, 3))
        want = (-beta * s * w, beta * s * w, beta * s * w, -beta * s * w)
        for name, got, expected in zip(("policy_chosen", "policy_rejected", "reference_chosen", "reference_rejected"), result.grads, want):
            assert_close(got, expected, atol=1e-12, rtol=1e-9, what=f"d loss / d {name}_logps (reduction={reduction!r})")
    with pytest.raises(TypeError):
        lab.vjp(lab.dpo_loss, *args, beta, grad_output=(None, torch.ones(n, dtype=torch.float64), None), wrt=(0, 1, 2, 3))


@pytest.mark.points(1)
def test_dpo_loss_errors(lab):
    """dpo_loss raises ValueError for beta <= 0, an unknown reduction, mismatched, 2-D or empty inputs."""
    args = hand_logps()
    check(float(lab.dpo_loss(*args, 1e-3)[0]) > 0, "a small positive beta is valid")
    bad_calls = [
        (args, dict(beta=0.0)), (args, dict(beta=-0.1)), (args, dict(reduction="avg")), (args, dict(reduction="batchmean")),
        ((args[0][:4], *args[1:]), {}), ((args[0], args[1], args[2], args[3][:3]), {}),
        (tuple(a.reshape(1, -1) for a in args), {}), (tuple(a[:0] for a in args), {}), (tuple(a[0] for a in args), {}),
    ]
    for call_args, kwargs in bad_calls:
        with pytest.raises(ValueError):
            lab.dpo_loss(*call_args, **kwargs)


@pytest.mark.points(3)
def test_reward_accuracy_ties_are_misses(lab):
    """reward_accuracy is the share of pairs with chosen STRICTLY above rejected; ties count as misses; a Python float."""
    c = torch.tensor([1.0, 2.0, 3.0, 0.0, -1.0, 5.0, 5.0, 0.25])
    r = torch.tensor([0.0, 2.0, 4.0, 0.0, -2.0, 5.0, 4.9, 0.125])
    got = lab.reward_accuracy(c, r)
    check(type(got) is float, f"reward_accuracy should return a Python float, got {type(got).__name__}")
    assert_close(got, 4 / 8, atol=1e-12, rtol=0, what="reward accuracy with three ties")
    assert_close(lab.reward_accuracy(c.double(), c.double()), 0.0, atol=0, rtol=0, what="all ties")
    assert_close(lab.reward_accuracy(chosen_rewards=r + 1, rejected_rewards=r), 1.0, atol=0, rtol=0, what="all wins")
    g = torch.Generator().manual_seed(3)
    a, b = torch.randint(-3, 4, (301,), generator=g).double(), torch.randint(-3, 4, (301,), generator=g).double()
    assert_close(lab.reward_accuracy(a, b), (a > b).double().mean().item(), atol=1e-12, rtol=0, what="reward accuracy on 301 pairs")


@pytest.mark.points(1)
def test_reward_accuracy_errors(lab):
    """reward_accuracy raises ValueError for mismatched, 2-D or empty inputs."""
    c = torch.tensor([1.0, 2.0])
    check(lab.reward_accuracy(c[:1], c[1:]) == 0.0, "one pair is valid")
    for a, b in ((c, c[:1]), (c[:1], c), (c.reshape(1, 2), c.reshape(1, 2)), (c[:0], c[:0]), (c[0], c[1])):
        with pytest.raises(ValueError):
            lab.reward_accuracy(a, b)


# ---- 5. batches, models, the DPO run ---------------------------------------------------------------------------------


def oracle_collate(pairs, pad_id):
    rows = [p + c for p, c, _ in pairs] + [p + r for p, _, r in pairs]
    width = max(map(len, rows))
    ids = torch.tensor([row + [pad_id] * (width - len(row)) for row in rows])
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
    return ids, mask, torch.tensor([len(p) for p, _, _ in pairs] * 2)


def random_pairs(seed, n=6, low=1, high=VOCAB - 1):
    rng = random.Random(seed)
    def ids(a, b):
        return [rng.randrange(low, high) for _ in range(rng.randint(a, b))]
    return [(ids(1, 4), ids(1, 5), ids(1, 5)) for _ in range(n)]


@pytest.mark.points(3)
def test_collate_pairs(lab):
    """collate_pairs: chosen rows first, then rejected rows, right-padded; mask 1 on own tokens (pad id inside too); prompt lengths."""
    pairs = [([5, 0], [7], [8, 8, 0, 3]), ([1, 2, 3], [0, 4], [6]), ([9], [9, 9, 9, 9, 9], [2])]
    for pad_id in (0, 9):
        got = lab.collate_pairs(pairs, pad_id)
        ids, mask, lengths = oracle_collate(pairs, pad_id)
        for key, want in (("input_ids", ids), ("attention_mask", mask), ("prompt_lengths", lengths)):
            check(key in got, f"collate_pairs should return {key!r}")
            check(got[key].dtype == torch.long, f"{key} should be torch.long")
            check(torch.equal(got[key], want), f"{key} is wrong (rows: every prompt+chosen, then every prompt+rejected; pad_id={pad_id})")
    pairs = random_pairs(3, n=9)
    ids, mask, lengths = oracle_collate(pairs, 0)
    got = lab.collate_pairs(pairs)
    check(torch.equal(got["input_ids"], ids) and torch.equal(got["attention_mask"], mask) and torch.equal(got["prompt_lengths"], lengths),
          "collate_pairs with the default pad_id (0) on 9 random pairs is wrong")


@pytest.mark.points(1)
def test_collate_pairs_errors(lab):
    """collate_pairs raises ValueError for no pairs or an empty prompt, chosen or rejected list."""
    check(lab.collate_pairs([([1], [2], [3])])["input_ids"].shape == (2, 2), "one pair gives a (2, 2) batch")
    for bad in ([], [([1], [2], [3]), ([], [2], [3])], [([1], [], [3])], [([1], [2], [])]):
        with pytest.raises(ValueError):
            lab.collate_pairs(bad)


def make_state(config, seed):
    torch.manual_seed(seed)
    return {k: v.clone() for k, v in GPT2LMHeadModel(GPT2Config(**config)).state_dict().items()}


def oracle_model(config, state):
    model = GPT2LMHeadModel(GPT2Config(**config))
    model.load_state_dict(state)
    return model


def student_model(lab, config, state):
    model = lab.build_model(config)
    model.load_state_dict(state)
    return model


def oracle_batch_logps(model, pairs):
    ids, mask, lengths = oracle_collate([tuple(map(list, p)) for p in pairs], 0)
    logits = model(input_ids=ids, attention_mask=mask).logits
    lp = torch.log_softmax(logits, dim=-1)
    out = []
    for b in range(len(ids)):
        n = int(mask[b].sum())
        out.append(sum(lp[b, t - 1, ids[b, t]] for t in range(int(lengths[b]), n)))
    return torch.stack(out)


def oracle_dpo_run(policy, reference, pairs, *, beta, lr, steps):
    reference.eval()
    with torch.no_grad():
        ref = oracle_batch_logps(reference, pairs).double()
    n = len(pairs)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=lr)
    policy.train()
    hist = {"losses": [], "accuracies": [], "margins": []}
    for _ in range(steps):
        logps = oracle_batch_logps(policy, pairs)
        z = beta * ((logps[:n] - ref[:n].float()) - (logps[n:] - ref[n:].float()))
        loss = -F.logsigmoid(z).mean()
        cr, rr = beta * (logps[:n] - ref[:n].float()), beta * (logps[n:] - ref[n:].float())
        hist["losses"].append(loss.item())
        hist["accuracies"].append((cr > rr).double().mean().item())
        hist["margins"].append((cr - rr).mean().item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    policy.eval()
    hist["reference_chosen_logps"] = ref[:n].tolist()
    hist["reference_rejected_logps"] = ref[n:].tolist()
    return hist


def state_of(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def trainable_names(lab, model, ids) -> list[str]:
    """The parameters a backward pass through ``model`` reaches (read in the worker: requires_grad does not cross)."""
    g = torch.ones(ids.shape[0], ids.shape[1], VOCAB)
    try:
        result = lab.vjp(model, ids, grad_output=(g,), wrt=(), params=True, return_dict=False, use_cache=False)
    except TypeError:  # nothing requires a gradient: the output is not part of a graph
        return []
    return sorted(name for name, grad in result.param_grads.items() if grad is not None)


@pytest.mark.points(5)
def test_build_model_and_make_reference(lab):
    """build_model is GPT2LMHeadModel(GPT2Config(**config)); make_reference is an independent, frozen, eval-mode copy."""
    state = make_state(DROPOUT, 1)
    oracle = oracle_model(DROPOUT, state).eval()
    policy = lab.build_model(DROPOUT)
    check(sorted(policy.state_dict()) == sorted(state), "build_model's state_dict keys should be those of GPT2LMHeadModel")
    policy.load_state_dict(state)
    policy.train()
    reference = lab.make_reference(policy)
    check(reference.training is False, "the reference should be in eval mode")
    check(policy.training is True, "make_reference should leave the policy in the mode it was in (training here)")
    ids = torch.tensor([[3, 5, 7, 9, 11], [2, 4, 6, 8, 10]])
    check(trainable_names(lab, policy, ids) == sorted(n for n, _ in oracle.named_parameters()),
          "the policy's parameters should keep requires_grad True")
    check(trainable_names(lab, reference, ids) == [], "every parameter of the reference should have requires_grad False")
    with torch.no_grad():
        want = oracle(ids).logits
    assert_close(reference(ids).logits, want, atol=1e-5, rtol=1e-5, what="the reference's logits (same weights, eval mode: no dropout)")
    policy.load_state_dict(make_state(DROPOUT, 2))
    after = state_of(reference)
    check(all(torch.equal(after[k], state[k]) for k in state), "the reference must not share parameters with the policy")
    policy.eval()
    check(reference.training is False and policy.training is False, "the reference's mode is its own")


PAIRS = [([3, 4], [10, 11, 12], [20, 21]), ([5], [13, 14], [22, 23, 24, 25]), ([6, 7, 8], [15], [26]),
         ([9, 3], [16, 17, 18, 19], [27, 28]), ([4, 4, 4], [30, 31], [32]), ([2], [33], [34, 35, 36])]


def check_history(got, want, steps, what):
    for key in ("losses", "accuracies", "margins"):
        check(key in got and len(got[key]) == steps, f"{what}: {key!r} should hold {steps} values (one per step)")
        check(all(type(x) is float for x in got[key]), f"{what}: {key!r} should be Python floats")
        assert_close(torch.tensor(got[key], dtype=torch.float64), torch.tensor(want[key], dtype=torch.float64),
                     atol=1e-4, rtol=1e-4, what=f"{what}: {key} (measured before each update)")
    for key in ("reference_chosen_logps", "reference_rejected_logps"):
        check(key in got and len(got[key]) == len(want[key]), f"{what}: {key!r} should hold one value per pair")
        assert_close(torch.tensor(got[key], dtype=torch.float64), torch.tensor(want[key], dtype=torch.float64),
                     atol=1e-4, rtol=1e-5, what=f"{what}: {key} (eval mode, computed once)")


@pytest.mark.points(6)
def test_dpo_train_matches_reference_run(lab):
    """dpo_train reproduces the stated procedure: losses, accuracies, margins, reference log-probs and final weights."""
    state = make_state(CONFIG, 5)
    policy = student_model(lab, CONFIG, state)
    reference = lab.make_reference(policy)
    got = lab.dpo_train(policy, reference, PAIRS, beta=0.2, lr=5e-3, steps=8)
    o_policy = oracle_model(CONFIG, state)
    want = oracle_dpo_run(o_policy, copy.deepcopy(o_policy), PAIRS, beta=0.2, lr=5e-3, steps=8)
    check_history(got, want, 8, "dpo_train(beta=0.2, lr=5e-3, steps=8)")
    after = state_of(policy)
    for name, value in state_of(o_policy).items():
        assert_close(after[name], value, atol=2e-4, rtol=1e-3, what=f"the trained policy parameter {name}")
    check(policy.training is False, "dpo_train should leave the policy in eval mode")


@pytest.mark.points(5)
def test_dpo_train_reference_never_changes(lab):
    """A reference that requires grad, in training mode, with dropout: dpo_train reads it in eval mode and leaves it bit-identical."""
    state_p, state_r = make_state(DROPOUT, 6), make_state(DROPOUT, 7)
    policy = student_model(lab, DROPOUT, state_p)
    reference = student_model(lab, DROPOUT, state_r)
    reference.train()
    pairs = random_pairs(8, n=5)
    got = lab.dpo_train(policy, reference, pairs, beta=0.5, lr=1e-2, steps=6)
    after = state_of(reference)
    for name, value in state_r.items():
        check(torch.equal(after[name], value), f"the reference parameter {name} changed during dpo_train")
    check(reference.training is False, "dpo_train should leave the reference in eval mode")
    check(policy.training is False, "dpo_train should leave the policy in eval mode")
    check(any(not torch.equal(v, state_p[k]) for k, v in state_of(policy).items()), "the policy should have been trained")
    o_ref = oracle_model(DROPOUT, state_r).eval()
    with torch.no_grad():
        ref = oracle_batch_logps(o_ref, pairs).double()
    n = len(pairs)
    for key, want in (("reference_chosen_logps", ref[:n]), ("reference_rejected_logps", ref[n:])):
        check(key in got and len(got[key]) == n, f"{key!r} should hold one value per pair")
        assert_close(torch.tensor(got[key], dtype=torch.float64), want, atol=1e-4, rtol=1e-5,
                     what=f"{key}: the reference's log-probs in eval mode (no dropout)")
    check(len(got["losses"]) == 6 and all(math.isfinite(x) for x in got["losses"]), "six finite losses expected")


@pytest.mark.points(5)
def test_dpo_train_raises_margin(lab):
    """Starting from policy == reference (loss log 2, margin 0, accuracy 0), DPO raises the chosen-over-rejected margin."""
    state = make_state(CONFIG, 9)
    policy = student_model(lab, CONFIG, state)
    reference = lab.make_reference(policy)
    pairs = random_pairs(10, n=8)
    got = lab.dpo_train(policy, reference, pairs, beta=0.1, lr=1e-2, steps=25)
    assert_close(got["losses"][0], math.log(2), atol=1e-6, rtol=0, what="the first loss (policy equal to the reference: log 2)")
    assert_close(got["margins"][0], 0.0, atol=1e-6, rtol=0, what="the first margin (policy equal to the reference)")
    check(got["accuracies"][0] == 0.0, "at the first step every pair is a tie, and ties do not count as wins")
    check(got["margins"][-1] > 1.0, "after 25 steps the mean margin should exceed 1")
    check(got["accuracies"][-1] == 1.0, "after 25 steps every chosen reward should beat its rejected one")
    check(got["losses"][-1] < 0.4 * got["losses"][0], "the DPO loss should fall well below log 2")
    o_policy, o_ref = oracle_model(CONFIG, state_of(policy)).eval(), oracle_model(CONFIG, state).eval()
    with torch.no_grad():
        pi, ref = oracle_batch_logps(o_policy, pairs), oracle_batch_logps(o_ref, pairs)
    n = len(pairs)
    margin = ((pi[:n] - ref[:n]) - (pi[n:] - ref[n:])).mean().item()
    check(margin > 10.0, "after training, the policy should prefer chosen over rejected much more than the reference does")
    after = state_of(reference)
    check(all(torch.equal(after[k], v) for k, v in state.items()), "the frozen reference changed during training")


@pytest.mark.points(3)
def test_dpo_train_defaults_and_errors(lab):
    """Defaults (pad_id 0, beta 0.1, lr 1e-3, 20 steps); steps=0 changes nothing; bad steps, beta or pairs raise ValueError."""
    state = make_state(CONFIG, 12)
    policy = student_model(lab, CONFIG, state)
    reference = lab.make_reference(policy)
    pairs = PAIRS[:4]
    got = lab.dpo_train(policy=policy, reference=reference, pairs=pairs)
    o_policy = oracle_model(CONFIG, state)
    want = oracle_dpo_run(o_policy, copy.deepcopy(o_policy), pairs, beta=0.1, lr=1e-3, steps=20)
    check_history(got, want, 20, "dpo_train with the defaults")
    before = state_of(policy)
    none = lab.dpo_train(policy, reference, pairs, steps=0)
    check(all(list(none[k]) == [] for k in ("losses", "accuracies", "margins")), "steps=0 should give empty per-step lists")
    check(len(none["reference_chosen_logps"]) == 4, "steps=0 still reports the reference log-probs")
    check(all(torch.equal(v, before[k]) for k, v in state_of(policy).items()), "steps=0 should not change the policy")
    padded = lab.dpo_train(policy, reference, [(p, c, r) for p, c, r in pairs], pad_id=VOCAB - 1, steps=0)
    assert_close(torch.tensor(padded["reference_rejected_logps"]), torch.tensor(none["reference_rejected_logps"]), atol=1e-5, rtol=1e-5,
                 what="reference log-probs with another pad_id (padding is masked out)")
    for kwargs in (dict(steps=-1), dict(beta=0.0), dict(beta=-1.0), dict(steps=-1, beta=0.0), dict(steps=0, beta=0.0), dict(steps=0, beta=-2.0)):
        with pytest.raises(ValueError):
            lab.dpo_train(policy, reference, pairs, **kwargs)
    for bad in ([], [([], [1], [2])], [([1], [2], [])]):
        with pytest.raises(ValueError):
            lab.dpo_train(policy, reference, bad)


@pytest.mark.points(4)
def test_end_to_end_judged_generations(lab, tmp_path, monkeypatch):
    """Judged generations -> pairs -> JSONL -> loaded -> character ids -> a DPO run whose margin rises and whose reference is unchanged."""
    monkeypatch.chdir(tmp_path)
    rng = random.Random(4)
    records = []
    for i in range(10):
        gens = ["".join(rng.choice("abcdefgh") for _ in range(rng.randint(2, 6))) for _ in range(4)]
        records.append({"prompt": f"q{i}", "generations": gens, "scores": [rng.randint(1, 10) for _ in gens]})
    pairs = lab.build_preference_pairs(records, min_margin=2)
    want = oracle_pairs(records, 2)
    check(len(pairs) == len(want) >= 5, "the judged records should give the expected number of pairs")
    lab.write_preferences_jsonl(pairs, "dpo_pairs.jsonl")
    loaded = [dict(r) for r in lab.load_preferences("dpo_pairs.jsonl")]
    check([(r["prompt"], r["chosen"], r["rejected"]) for r in loaded] == [(w["prompt"], w["chosen"], w["rejected"]) for w in want],
          "the pairs loaded back from the JSONL file differ from the judged pairs")

    def encode(text):
        return [1 + ord(ch) % (VOCAB - 2) for ch in text]

    tokenised = [(encode(r["prompt"]), encode(r["chosen"]), encode(r["rejected"])) for r in loaded]
    state = make_state(CONFIG, 13)
    policy = student_model(lab, CONFIG, state)
    reference = lab.make_reference(policy)
    history = lab.dpo_train(policy, reference, tokenised, beta=0.1, lr=1e-2, steps=15)
    check(history["margins"][-1] > history["margins"][0] + 0.5, "the chosen-over-rejected margin should rise during the DPO run")
    after = state_of(reference)
    check(all(torch.equal(after[k], v) for k, v in state.items()), "the reference changed during the DPO run")
