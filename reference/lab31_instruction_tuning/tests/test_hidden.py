"""Hidden tests for lab 31 (instruction tuning: Alpaca prompts, validation, masks, chat, SFT).

Oracles:

* prompts: the Stanford Alpaca templates, written out here character by character;
* schema: ``jsonschema``'s Draft 2020-12 validator run on the student's schema,
  on records that must pass and records that must fail;
* masks: label arrays written out BY HAND for small batches (every option and
  the pairs of options that share a code path), and a brute-force collate
  (plain loops) for larger random batches;
* loss: ``torch.nn.functional.cross_entropy(ignore_index=-100)`` on shifted
  logits, and ``transformers.GPT2LMHeadModel``'s own ``loss`` for the labels;
* training: the stated procedure (seeded ``randperm`` order, one AdamW,
  brute-force batches, the library's loss) re-run here on the same weights.

Models are tiny (2 layers, width 32, byte vocabulary), so the suite runs in
seconds on a CPU.
"""

from __future__ import annotations

import json
import random

import jsonschema
import pytest
import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.testing import assert_close, check

torch.set_num_threads(1)  # tiny tensors: one thread is faster and steadier on a shared machine

X = -100  # a masked label, for the hand-written arrays
EOS, PAD, VOCAB = 256, 257, 258

HEAD_INPUT = ("Below is an instruction that describes a task, paired with an input that provides further context. "
              "Write a response that appropriately completes the request.\n\n### Instruction:\n")
HEAD_PLAIN = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n"

CONFIG = dict(vocab_size=VOCAB, n_positions=256, n_embd=32, n_layer=2, n_head=2, resid_pdrop=0.0, embd_pdrop=0.0,
              attn_pdrop=0.0, bos_token_id=EOS, eos_token_id=EOS, pad_token_id=PAD)


def as_list(t) -> list:
    return t.tolist() if hasattr(t, "tolist") else list(t)


# ---- 1. Alpaca prompts ----------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_alpaca_with_input(lab):
    """prompt_and_response / format_alpaca use the exact Alpaca template with an ### Input: section."""
    record = {"instruction": "Translate to French.", "input": "good morning", "output": "bonjour"}
    prompt, response = lab.prompt_and_response(record)
    want = HEAD_INPUT + "Translate to French.\n\n### Input:\ngood morning\n\n### Response:\n"
    check(prompt == want, "the prompt with an input is not the Alpaca template (wording, blank lines, '### Input:' section)")
    check(response == "bonjour", "the response should be the record's output, unchanged")
    check(lab.format_alpaca(record) == want + "bonjour", "format_alpaca should be the prompt followed by the output")
    spaced = {"instruction": "  Keep {braces} and spaces ", "input": " ", "output": " out\n"}
    prompt, response = lab.prompt_and_response(spaced)
    check(prompt == HEAD_INPUT + "  Keep {braces} and spaces \n\n### Input:\n \n\n### Response:\n",
          "texts are inserted as they are (no strip, braces kept); an input of one space is an input")
    check(response == " out\n", "the output is returned unchanged (no strip)")


@pytest.mark.points(3)
def test_alpaca_without_input(lab):
    """An empty or missing input gives the no-input Alpaca template; non-ASCII text is kept."""
    want = HEAD_PLAIN + "Name a colour.\n\n### Response:\n"
    for record, what in (({"instruction": "Name a colour.", "output": "Blue."}, "a missing input"),
                         ({"instruction": "Name a colour.", "input": "", "output": "Blue."}, "an empty input")):
        prompt, response = lab.prompt_and_response(record)
        check(prompt == want, f"with {what} the prompt should be the no-input Alpaca template")
        check(response == "Blue.", "the response should be the output")
        check(lab.format_alpaca(record) == want + "Blue.", f"format_alpaca with {what}")
    record = {"instruction": "Übersetze: «chat»", "input": "猫", "output": "Katze — 🐱"}
    check(lab.format_alpaca(record) == HEAD_INPUT + "Übersetze: «chat»\n\n### Input:\n猫\n\n### Response:\nKatze — 🐱",
          "non-ASCII text should be kept exactly")


# ---- 2. schema and loading ----------------------------------------------------------------------------------------


GOOD_RECORDS = [
    {"instruction": "Say hi.", "output": "Hi."},
    {"instruction": "Say hi.", "input": "", "output": "Hi."},
    {"instruction": "Add.", "input": "2 + 3", "output": "5"},
    {"instruction": "x", "input": " ", "output": "y"},
    {"instruction": " Ünïcode ", "input": "日本", "output": "ok\n"},
]

BAD_RECORDS = {
    "empty instruction": {"instruction": "", "output": "Hi."},
    "whitespace instruction": {"instruction": " \n\t", "output": "Hi."},
    "empty output": {"instruction": "Say hi.", "output": ""},
    "whitespace output": {"instruction": "Say hi.", "input": "a", "output": "   "},
    "missing instruction": {"input": "a", "output": "b"},
    "missing output": {"instruction": "Say hi.", "input": "a"},
    "extra key": {"instruction": "Say hi.", "output": "Hi.", "source": "web"},
    "instruction not a string": {"instruction": 3, "output": "Hi."},
    "input not a string": {"instruction": "Say hi.", "input": None, "output": "Hi."},
    "input a list": {"instruction": "Say hi.", "input": ["a"], "output": "Hi."},
    "output not a string": {"instruction": "Say hi.", "output": ["Hi."]},
    "not an object": ["Say hi.", "Hi."],
    "a string": "Say hi.",
}


@pytest.mark.points(6)
def test_schema_with_jsonschema(lab):
    """INSTRUCTION_SCHEMA is a valid JSON Schema that accepts good records and rejects each kind of bad one."""
    schema = lab.get("INSTRUCTION_SCHEMA")
    check(isinstance(schema, dict), "INSTRUCTION_SCHEMA should be a dict")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for record in GOOD_RECORDS:
        check(validator.is_valid(record), "the schema rejects a valid record (input optional and may be empty or spaces)")
    for what, record in BAD_RECORDS.items():
        check(not validator.is_valid(record), f"the schema accepts a record with: {what}")


def write(tmp_path, lab, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lab.put_file(path)


@pytest.mark.points(3)
def test_load_json(lab, tmp_path):
    """load_instructions reads a .json array: order kept, a missing input becomes '', an empty array gives []."""
    records = [{"output": "Hi.", "instruction": "Say hi."}, {"instruction": "Add.", "input": "2 + 3", "output": "5"},
               {"instruction": "Ünï", "input": "", "output": "日本"}]
    path = write(tmp_path, lab, "good.json", json.dumps(records, ensure_ascii=False, indent=1))
    got = lab.load_instructions(path)
    want = [{"instruction": "Say hi.", "input": "", "output": "Hi."}, records[1], records[2]]
    check([dict(r) for r in got] == want, "the records read back are wrong (order, a missing input should become '')")
    check(list(lab.load_instructions(write(tmp_path, lab, "empty.json", "[]"))) == [], "an empty array gives []")


@pytest.mark.points(3)
def test_load_jsonl(lab, tmp_path):
    """load_instructions reads .jsonl: one object a line, blank lines skipped, a missing input becomes ''."""
    lines = ['{"instruction": "A", "output": "a"}', "", '{"instruction": "B", "input": "b", "output": "bb"}', "   ",
             '{"instruction": "Ç", "input": "", "output": "ç"}']
    path = write(tmp_path, lab, "good.jsonl", "\n".join(lines) + "\n")
    got = lab.load_instructions(path)
    want = [{"instruction": "A", "input": "", "output": "a"}, {"instruction": "B", "input": "b", "output": "bb"},
            {"instruction": "Ç", "input": "", "output": "ç"}]
    check([dict(r) for r in got] == want, "the records read from .jsonl are wrong (blank lines skipped, input defaulted to '')")
    check(list(lab.load_instructions(write(tmp_path, lab, "blank.jsonl", "\n \n"))) == [], "a .jsonl of blank lines gives []")


def raises_value_error(lab, path: str, *parts: str) -> None:
    with pytest.raises(ValueError) as info:
        lab.load_instructions(path)
    message = str(info.value)
    for part in parts:
        check(part in message, f"the error message for a bad file should contain {part!r}")


@pytest.mark.points(4)
def test_load_json_errors_name_record_and_field(lab, tmp_path):
    """A bad record in .json raises ValueError naming the file, 'record i' (0-based) and "field '<name>'"."""
    good = {"instruction": "Say hi.", "output": "Hi."}
    ok = write(tmp_path, lab, "ok.json", json.dumps([good]))
    check(len(lab.load_instructions(ok)) == 1, "a valid file should load")
    cases = [
        ("empty_instruction.json", [good, good, good, {"instruction": "", "output": "x"}], "record 3", "field 'instruction'"),
        ("missing_output.json", [good, {"instruction": "x"}], "record 1", "field 'output'"),
        ("extra_key.json", [{"instruction": "x", "output": "y", "source": "web"}], "record 0", "field 'source'"),
        ("bad_input.json", [good, good, {"instruction": "x", "input": 5, "output": "y"}], "record 2", "field 'input'"),
        ("string_record.json", [good, "text"], "record 1", ""),
    ]
    for name, records, where, field in cases:
        path = write(tmp_path, lab, name, json.dumps(records))
        raises_value_error(lab, path, path, where, field)
    path = write(tmp_path, lab, "object.json", json.dumps(good))
    raises_value_error(lab, path, path)
    path = write(tmp_path, lab, "broken.json", '[{"instruction": "x", "output": "y"},')
    raises_value_error(lab, path, path)


@pytest.mark.points(4)
def test_load_jsonl_errors_name_line_and_field(lab, tmp_path):
    """A bad line in .jsonl raises ValueError naming the file, 'line n' (1-based, blank lines counted) and "field '<name>'"."""
    good = json.dumps({"instruction": "Say hi.", "output": "Hi."})
    cases = [
        ("whitespace_output.jsonl", [good, "", good, json.dumps({"instruction": "x", "output": " "})], "line 4", "field 'output'"),
        ("missing_instruction.jsonl", [good, json.dumps({"output": "y"})], "line 2", "field 'instruction'"),
        ("extra.jsonl", [json.dumps({"instruction": "x", "output": "y", "id": 1})], "line 1", "field 'id'"),
        ("broken.jsonl", [good, good, "", "{not json"], "line 4", ""),
        ("array.jsonl", [good, "[1, 2]"], "line 2", ""),
    ]
    for name, lines, where, field in cases:
        path = write(tmp_path, lab, name, "\n".join(lines) + "\n")
        raises_value_error(lab, path, path, where, field)
    path = write(tmp_path, lab, "records.txt", good)
    raises_value_error(lab, path, path)
    with pytest.raises(FileNotFoundError):
        lab.load_instructions(str(tmp_path / "missing.jsonl"))


# ---- 3. tokens ------------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_encode_and_encode_example(lab):
    """encode gives UTF-8 bytes; encode_example gives prompt + response ids and the prompt's length."""
    check(list(lab.encode("hé")) == [104, 195, 169], "encode('hé') should be its UTF-8 bytes")
    check(list(lab.encode("")) == [], "encode('') should be []")
    check(lab.get("EOS_ID") == EOS and lab.get("PAD_ID") == PAD and lab.get("VOCAB_SIZE") == VOCAB, "the special ids")
    for record in ({"instruction": "Say hi.", "output": "Hi."}, {"instruction": "Ä", "input": "€", "output": "ü!"}):
        got = lab.encode_example(record)
        prompt, response = lab.prompt_and_response(record)
        check(list(got["input_ids"]) == list((prompt + response).encode()), "input_ids should be the bytes of prompt + response")
        check(got["prompt_length"] == len(prompt.encode()), "prompt_length should count the prompt's bytes (not characters)")


# ---- 4. collate: hand-written masks ---------------------------------------------------------------------------------


EXAMPLES = [
    {"input_ids": [10, 11, 12, 20, 21], "prompt_length": 3},
    {"input_ids": [30, 31, 40], "prompt_length": 2},
    {"input_ids": [50, 60], "prompt_length": 1},
]

# (pad_id, eos_id, max_length, mask_prompt) -> (input_ids, attention_mask, labels), written out by hand.
HAND = {
    "masked": ((0, 2, None, True), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 0, 0], [50, 60, 2, 0, 0, 0]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[X, X, X, 20, 21, 2], [X, X, 40, 2, X, X], [X, 60, 2, X, X, X]])),
    "unmasked": ((0, 2, None, False), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 0, 0], [50, 60, 2, 0, 0, 0]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, X, X], [50, 60, 2, X, X, X]])),
    "pad_is_eos_masked": ((2, 2, None, True), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 2, 2], [50, 60, 2, 2, 2, 2]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[X, X, X, 20, 21, 2], [X, X, 40, 2, X, X], [X, 60, 2, X, X, X]])),
    "pad_is_eos_unmasked": ((2, 2, None, False), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 2, 2], [50, 60, 2, 2, 2, 2]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, X, X], [50, 60, 2, X, X, X]])),
    "truncated_masked": ((0, 2, 4, True), (
        [[10, 11, 12, 2], [30, 31, 40, 2], [50, 60, 2, 0]],
        [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 0]],
        [[X, X, X, 2], [X, X, 40, 2], [X, 60, 2, X]])),
    "truncated_into_prompt_masked": ((0, 2, 3, True), (
        [[10, 11, 2], [30, 31, 2], [50, 60, 2]],
        [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
        [[X, X, 2], [X, X, 2], [X, 60, 2]])),
    "truncated_unmasked_pad_is_eos": ((2, 2, 5, False), (
        [[10, 11, 12, 20, 2], [30, 31, 40, 2, 2], [50, 60, 2, 2, 2]],
        [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]],
        [[10, 11, 12, 20, 2], [30, 31, 40, 2, X], [50, 60, 2, X, X]])),
    "truncated_masked_pad_is_eos": ((2, 2, 5, True), (
        [[10, 11, 12, 20, 2], [30, 31, 40, 2, 2], [50, 60, 2, 2, 2]],
        [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]],
        [[X, X, X, 20, 2], [X, X, 40, 2, X], [X, 60, 2, X, X]])),
    "max_length_not_reached": ((7, 2, 50, True), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 7, 7], [50, 60, 2, 7, 7, 7]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[X, X, X, 20, 21, 2], [X, X, 40, 2, X, X], [X, 60, 2, X, X, X]])),
    "max_length_exact": ((0, 2, 6, True), (
        [[10, 11, 12, 20, 21, 2], [30, 31, 40, 2, 0, 0], [50, 60, 2, 0, 0, 0]],
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]],
        [[X, X, X, 20, 21, 2], [X, X, 40, 2, X, X], [X, 60, 2, X, X, X]])),
    "max_length_one": ((0, 2, 1, False), (
        [[2], [2], [2]], [[1], [1], [1]], [[2], [2], [2]])),
}

HAND_POINTS = {"masked": 3, "unmasked": 2, "pad_is_eos_masked": 3, "pad_is_eos_unmasked": 2, "truncated_masked": 3,
               "truncated_into_prompt_masked": 2, "truncated_unmasked_pad_is_eos": 2, "truncated_masked_pad_is_eos": 2,
               "max_length_not_reached": 1, "max_length_exact": 1, "max_length_one": 1}


def check_batch(got, want, what: str) -> None:
    check(isinstance(got, dict) and {"input_ids", "attention_mask", "labels"} <= set(got),
          "collate should return input_ids, attention_mask and labels")
    for key, expected in zip(("input_ids", "attention_mask", "labels"), want):
        value = got[key]
        check(isinstance(value, torch.Tensor) and value.dtype == torch.long, f"{key} should be a torch.long tensor")
        check(tuple(value.shape) == (len(expected), len(expected[0])),
              f"{what}: {key} has the wrong shape (batch, longest row with its end-of-text)")
        check(value.tolist() == expected, f"{what}: {key} is wrong")


@pytest.mark.parametrize("case", [pytest.param(name, marks=pytest.mark.points(HAND_POINTS[name])) for name in HAND])
def test_collate_hand_written(lab, case):
    """collate matches hand-written input_ids / attention_mask / labels (padding, prompt masking, truncation, pad = eos)."""
    (pad_id, eos_id, max_length, mask_prompt), want = HAND[case]
    got = lab.collate(EXAMPLES, pad_id, eos_id, max_length=max_length, mask_prompt=mask_prompt)
    check_batch(got, want, case.replace("_", " "))


@pytest.mark.points(2)
def test_collate_defaults_keywords_and_inputs(lab):
    """collate's defaults (PAD_ID, EOS_ID, no truncation, prompt masked); keyword calls; tuples; inputs left unchanged."""
    examples = [{"input_ids": (1, 2, 3), "prompt_length": 2}, {"input_ids": [], "prompt_length": 0},
                {"input_ids": [EOS, 4], "prompt_length": 0}]
    copy = json.loads(json.dumps([dict(e, input_ids=list(e["input_ids"])) for e in examples]))
    want = ([[1, 2, 3, EOS], [EOS, PAD, PAD, PAD], [EOS, 4, EOS, PAD]], [[1, 1, 1, 1], [1, 0, 0, 0], [1, 1, 1, 0]],
            [[X, X, 3, EOS], [EOS, X, X, X], [EOS, 4, EOS, X]])
    check_batch(lab.collate(examples), want, "defaults")
    check_batch(lab.collate(examples=examples, pad_id=PAD, eos_id=EOS, max_length=None, mask_prompt=True), want, "keywords")
    check([dict(e, input_ids=list(e["input_ids"])) for e in examples] == copy, "collate should not change its inputs")


@pytest.mark.points(2)
def test_collate_errors(lab):
    """collate raises ValueError for no examples, max_length < 1 and a prompt_length outside 0..len(ids)."""
    check(lab.collate([{"input_ids": [5], "prompt_length": 1}], 0, 2, max_length=1)["labels"].tolist() == [[2]], "valid call")
    with pytest.raises(ValueError):
        lab.collate([], 0, 2)
    for max_length in (0, -3):
        with pytest.raises(ValueError):
            lab.collate(EXAMPLES, 0, 2, max_length=max_length)
    for p in (-1, 4):
        with pytest.raises(ValueError):
            lab.collate([EXAMPLES[0], {"input_ids": [1, 2, 3], "prompt_length": p}], 0, 2)


def brute_collate(examples, pad_id, eos_id, max_length, mask_prompt):
    rows = []
    for e in examples:
        ids, p = list(e["input_ids"]), e["prompt_length"]
        while max_length is not None and len(ids) + 1 > max_length:
            ids.pop()
        p = min(p, len(ids))
        tokens = ids + [eos_id]
        labels = [X if (mask_prompt and i < p) else t for i, t in enumerate(ids)] + [eos_id]
        rows.append((tokens, labels))
    width = max(len(t) for t, _ in rows)
    ids = [t + [pad_id] * (width - len(t)) for t, _ in rows]
    mask = [[1] * len(t) + [0] * (width - len(t)) for t, _ in rows]
    labels = [y + [X] * (width - len(y)) for _, y in rows]
    return ids, mask, labels


def random_examples(seed: int, n: int, high: int = 250) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        length = rng.randint(0, 30)
        out.append({"input_ids": [rng.randrange(high) for _ in range(length)], "prompt_length": rng.randint(0, length)})
    return out


@pytest.mark.points(3)
def test_collate_random_grid(lab):
    """collate agrees with a brute-force collate on random batches, for every mix of options (pairwise and more)."""
    settings = [(pad, eos, max_length, mask) for pad, eos in ((PAD, EOS), (EOS, EOS), (0, EOS)) for max_length in (None, 1, 7, 20)
                for mask in (True, False)]
    calls = [(random_examples(seed, 6), pad, eos, max_length, mask) for seed, (pad, eos, max_length, mask) in enumerate(settings)]
    got = lab.map(lab.collate, [(e, pad, eos) for e, pad, eos, _, _ in calls[:1]])
    check_batch(got[0], brute_collate(calls[0][0], calls[0][1], calls[0][2], None, True), "random batch with defaults")
    for examples, pad, eos, max_length, mask in calls:
        got = lab.collate(examples, pad, eos, max_length=max_length, mask_prompt=mask)
        check_batch(got, brute_collate(examples, pad, eos, max_length, mask),
                    f"random batch (pad_id={'eos' if pad == eos else pad}, max_length={max_length}, mask_prompt={mask})")


@pytest.mark.points(3)
def test_collate_real_records_and_library_loss(lab):
    """On real Alpaca records only the response + end-of-text are learned; GPT2LMHeadModel's loss on the batch is theirs."""
    records = [{"instruction": "Upper-case the word.", "input": "cat", "output": "CAT"},
               {"instruction": "Say hi.", "output": "Hi there"}]
    examples = [lab.encode_example(r) for r in records]
    batch = lab.collate(examples, EOS, EOS)
    labels = batch["labels"]
    for row, record in enumerate(records):
        learned = [t for t in labels[row].tolist() if t != X]
        check(learned == list(record["output"].encode()) + [EOS], "only the response bytes and one end-of-text should be learned")
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(**CONFIG)).eval()
    with torch.no_grad():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels)
        # each learned token's loss computed by hand, position by position
        logp = out.logits.log_softmax(-1)
        terms = [-logp[b, t - 1, labels[b, t]] for b in range(2) for t in range(1, labels.shape[1]) if labels[b, t] != X]
    assert_close(out.loss, torch.stack(terms).mean(), atol=1e-5, rtol=1e-5, what="library loss against the hand-computed loss")
    assert_close(lab.masked_lm_loss(out.logits, labels), out.loss, atol=1e-5, rtol=1e-5, what="masked_lm_loss on this batch")


# ---- 5. chat ----------------------------------------------------------------------------------------------------------


def b(text: str) -> list[int]:
    return list(text.encode("utf-8"))


@pytest.mark.points(5)
def test_format_chat_hand_written(lab):
    """format_chat: headers, contents and end-of-turn tokens; only assistant contents and their end token are learned."""
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Yo"}, {"role": "user", "content": "2+2?"},
                {"role": "assistant", "content": "4"}]
    got = lab.format_chat(messages, eos_id=9)
    ids = (b("<|system|>\nBe brief.") + [9] + b("<|user|>\nHi") + [9] + b("<|assistant|>\nYo") + [9]
           + b("<|user|>\n2+2?") + [9] + b("<|assistant|>\n4") + [9])
    labels = ([X] * 21 + [X] * 12 + [X] * 14 + [89, 111, 9] + [X] * 14 + [X] * 14 + [52, 9])
    check(list(got["input_ids"]) == ids, "input_ids should be header + content + end token for each message")
    check(len(got["labels"]) == len(ids), "labels should have the length of input_ids")
    check(list(got["labels"]) == labels, "labels: only assistant contents and their end token are learned (every assistant turn)")


@pytest.mark.points(2)
def test_format_chat_default_eos_and_empty_content(lab):
    """format_chat's default end token is EOS_ID; a conversation may start with the assistant; empty content is allowed."""
    got = lab.format_chat([{"role": "assistant", "content": ""}, {"role": "user", "content": "é"}])
    check(list(got["input_ids"]) == b("<|assistant|>\n") + [EOS] + b("<|user|>\né") + [EOS], "input_ids with the default end token")
    check(list(got["labels"]) == [X] * 14 + [EOS] + [X] * 12, "an empty assistant turn still learns its end token")
    got = lab.format_chat(messages=[{"content": "ok", "role": "assistant"}], eos_id=EOS)
    check(list(got["labels"]) == [X] * 14 + b("ok") + [EOS], "a single assistant message (keys in any order)")


@pytest.mark.points(2)
def test_format_chat_library_loss(lab):
    """GPT2LMHeadModel's loss on format_chat's labels equals masked_lm_loss, and only assistant tokens contribute."""
    messages = [{"role": "user", "content": "Name a fruit."}, {"role": "assistant", "content": "Apple."},
                {"role": "user", "content": "Another?"}, {"role": "assistant", "content": "Pear."}]
    got = lab.format_chat(messages)
    ids, labels = torch.tensor([list(got["input_ids"])]), torch.tensor([list(got["labels"])])
    torch.manual_seed(1)
    model = GPT2LMHeadModel(GPT2Config(**CONFIG)).eval()
    with torch.no_grad():
        out = model(input_ids=ids, labels=labels)
    check(int((labels != X).sum()) == len("Apple.") + len("Pear.") + 2, "the number of learned tokens is wrong")
    assert_close(lab.masked_lm_loss(out.logits, labels), out.loss, atol=1e-5, rtol=1e-5, what="masked_lm_loss on a chat")


@pytest.mark.points(2)
def test_format_chat_errors(lab):
    """format_chat raises ValueError for an empty chat, bad roles, keys or content, a late system turn, no assistant turn."""
    ok = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]
    check(len(lab.format_chat(ok)["input_ids"]) > 0, "a valid conversation should work")
    bad = [
        [],
        [{"role": "bot", "content": "a"}],
        [{"role": "Assistant", "content": "a"}],
        [{"role": "user", "content": "u"}, {"role": "assistant", "content": 3}],
        [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a", "name": "x"}],
        [{"role": "assistant"}],
        [{"role": "user", "content": "u"}, {"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}],
        [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
        [{"role": "user", "content": "u"}],
        ["assistant", "a"],
    ]
    for messages in bad:
        with pytest.raises(ValueError):
            lab.format_chat(messages)
    system = "".join(["sys", "tem"])  # a role string built at run time (compare roles with ==, not is)
    with pytest.raises(ValueError):
        lab.format_chat([{"role": "user", "content": "u"}, {"role": system, "content": "s"}, {"role": "assistant", "content": "a"}])


@pytest.mark.points(1)
def test_format_chat_roles_built_at_run_time(lab):
    """format_chat compares roles by value: role strings built at run time (e.g. read from JSON) work the same."""
    assistant, user = "".join(["assis", "tant"]), "".join(["us", "er"])
    got = lab.format_chat([{"role": user, "content": "Hi"}, {"role": assistant, "content": "Yo"}], eos_id=9)
    check(list(got["labels"]) == [X] * 12 + [X] * 14 + [89, 111, 9], "labels with role strings built at run time")


# ---- 6. loss ------------------------------------------------------------------------------------------------------


def oracle_loss(logits, labels):
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=X)


def random_labels(g, shape, vocab, keep=0.6):
    labels = torch.randint(0, vocab, shape, generator=g)
    labels[torch.rand(shape, generator=g) > keep] = X
    labels[:, 1] = torch.randint(0, vocab, (shape[0],), generator=g)
    return labels


@pytest.mark.parametrize("scale, dtype", [pytest.param(3.0, torch.float32, id="float32", marks=pytest.mark.points(2)),
                                          pytest.param(1e4, torch.float32, id="large_logits", marks=pytest.mark.points(2)),
                                          pytest.param(2.0, torch.float64, id="float64", marks=pytest.mark.points(1))])
def test_masked_lm_loss_matches_cross_entropy(lab, scale, dtype):
    """masked_lm_loss equals cross_entropy(ignore_index=-100) on shifted logits and labels, and so do its gradients."""
    g = torch.Generator().manual_seed(int(scale))
    logits = (scale * torch.randn(3, 7, 11, generator=g)).to(dtype)
    labels = random_labels(g, (3, 7), 11)
    want = oracle_loss(logits, labels)
    got = lab.masked_lm_loss(logits, labels)
    check(got.dtype == dtype and got.dim() == 0, "the loss should be a 0-dim tensor of the logits' dtype")
    assert_close(got, want, atol=1e-5 * max(1.0, scale), rtol=1e-5, what="masked loss")
    grad_out = torch.tensor(1.0, dtype=dtype)
    result = lab.vjp(lab.masked_lm_loss, logits, labels, grad_output=grad_out, wrt=(0,))
    leaf = logits.clone().requires_grad_(True)
    oracle_loss(leaf, labels).backward()
    assert_close(result.grads[0], leaf.grad, atol=1e-6, rtol=1e-4, what="gradient of the loss with respect to the logits")


@pytest.mark.points(2)
def test_masked_lm_loss_weights_tokens_and_errors(lab):
    """Each learned token weighs the same (not a mean of row means); the label at position 0 is never used; all -100 raises."""
    g = torch.Generator().manual_seed(5)
    logits = torch.randn(2, 6, 9, generator=g)
    labels = torch.tensor([[3, 1, 2, 3, 4, 5], [7, X, X, X, X, 8]])
    assert_close(lab.masked_lm_loss(logits, labels), oracle_loss(logits, labels), atol=1e-6, rtol=1e-6,
                 what="loss with rows of different learned counts")
    with pytest.raises(ValueError):
        lab.masked_lm_loss(logits, torch.tensor([[3] + [X] * 5, [X] * 6]))


# ---- 7. model and training ---------------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_build_model(lab):
    """build_model(config, seed) is GPT2LMHeadModel(GPT2Config(**config)) with weights drawn after manual_seed(seed)."""
    config = dict(CONFIG, n_layer=1)
    model = lab.build_model(config, 3)
    torch.manual_seed(3)
    oracle = GPT2LMHeadModel(GPT2Config(**config))
    got, want = model.state_dict(), oracle.state_dict()
    check(set(got) == set(want), "the model's state_dict keys differ from GPT2LMHeadModel's")
    for key, value in want.items():
        assert_close(got[key], value, atol=0, rtol=0, what=f"initial weight {key}")
    default = lab.build_model(config=config).state_dict()
    torch.manual_seed(0)
    assert_close(default["transformer.wte.weight"], GPT2LMHeadModel(GPT2Config(**config)).transformer.wte.weight,
                 atol=0, rtol=0, what="initial weights with the default seed 0")


WORDS = ["cat", "dog", "tree", "house", "river", "apple", "stone", "cloud", "light", "sun", "moon", "bird"]


def upper_records(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        word = rng.choice(WORDS) + rng.choice(WORDS)
        if rng.random() < 0.5:
            out.append({"instruction": "Upper-case the word.", "input": word, "output": word.upper()})
        else:
            out.append({"instruction": f"Upper-case {word}.", "output": word.upper()})
    return out


def examples_of(records) -> list[dict]:
    out = []
    for r in records:
        prompt = (HEAD_INPUT + r["instruction"] + "\n\n### Input:\n" + r["input"] if r.get("input")
                  else HEAD_PLAIN + r["instruction"]) + "\n\n### Response:\n"
        out.append({"input_ids": b(prompt) + b(r["output"]), "prompt_length": len(b(prompt))})
    return out


def oracle_state(seed: int) -> dict:
    torch.manual_seed(seed)
    return {k: v.clone() for k, v in GPT2LMHeadModel(GPT2Config(**CONFIG)).state_dict().items()}


def oracle_run(state, examples, *, epochs, batch_size, lr, seed, pad_id, eos_id, max_length, mask_prompt):
    model = GPT2LMHeadModel(GPT2Config(**CONFIG))
    model.load_state_dict(state)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(examples), generator=generator).tolist()
        for start in range(0, len(examples), batch_size):
            ids, mask, labels = map(torch.tensor, brute_collate([examples[i] for i in order[start:start + batch_size]],
                                                                pad_id, eos_id, max_length, mask_prompt))
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses, model.state_dict()


@pytest.mark.parametrize(
    "epochs, batch_size, max_length, mask_prompt, pad_id",
    [pytest.param(2, 4, None, True, PAD, id="masked", marks=pytest.mark.points(4)),
     pytest.param(1, 3, 150, False, EOS, id="unmasked_truncated_pad_is_eos", marks=pytest.mark.points(3))],
)
def test_fine_tune_matches_reference_run(lab, epochs, batch_size, max_length, mask_prompt, pad_id):
    """fine_tune reproduces the stated procedure: losses and final weights equal a seeded run of the library model."""
    examples = examples_of(upper_records(11, 10))
    state = oracle_state(21)
    model = lab.build_model(CONFIG, 0)
    model.load_state_dict(state)
    got = lab.fine_tune(model, examples, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7, pad_id=pad_id, eos_id=EOS,
                        max_length=max_length, mask_prompt=mask_prompt)
    want, want_state = oracle_run(state, examples, epochs=epochs, batch_size=batch_size, lr=3e-3, seed=7, pad_id=pad_id,
                                  eos_id=EOS, max_length=max_length, mask_prompt=mask_prompt)
    check(len(got) == len(want), f"expected {len(want)} losses (epochs * ceil(n / batch_size)), got {len(got)}")
    check(all(isinstance(x, float) for x in got), "losses should be Python floats")
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), atol=1e-4, rtol=1e-4,
                 what="the loss sequence (shuffle order, batches, masks, one AdamW, loss before each update)")
    after = model.state_dict()
    for key in ("transformer.wte.weight", "transformer.h.1.mlp.c_fc.weight", "transformer.ln_f.weight"):
        assert_close(after[key], want_state[key], atol=2e-4, rtol=1e-3, what=f"the trained parameter {key}")
    check(model.training is False, "fine_tune should leave the model in eval mode")


@pytest.mark.points(5)
def test_held_out_loss_falls(lab):
    """Fine-tuning on instructions lowers the loss on held-out instructions well below its start."""
    train, held_out = examples_of(upper_records(1, 48)), examples_of(upper_records(2, 16))
    model = lab.build_model(CONFIG, 0)
    before = float(lab.evaluate_loss(model, held_out))
    losses = lab.fine_tune(model, train, epochs=3, batch_size=8, lr=3e-3, seed=0)
    check(len(losses) == 18, f"expected 18 losses, got {len(losses)}")
    after = float(lab.evaluate_loss(model, held_out))
    check(before > 5.0, "an untrained model should have a held-out loss near log(258)")
    check(after < 0.7 * before, f"held-out loss fell only from {before:.2f} to {after:.2f}")
    check(sum(losses[-3:]) < 0.7 * sum(losses[:3]), "the training loss should fall")


@pytest.mark.points(2)
def test_fine_tune_defaults_and_errors(lab):
    """fine_tune defaults (1 epoch, batch 8, lr 1e-3, seed 0, PAD/EOS, no truncation, prompt masked); epochs=0; errors."""
    examples = examples_of(upper_records(3, 10))
    state = oracle_state(4)
    model = lab.build_model(CONFIG)
    model.load_state_dict(state)
    got = lab.fine_tune(model=model, examples=examples)
    want, _ = oracle_run(state, examples, epochs=1, batch_size=8, lr=1e-3, seed=0, pad_id=PAD, eos_id=EOS, max_length=None,
                         mask_prompt=True)
    check(len(got) == 2, f"the defaults on 10 examples give 2 steps, got {len(got)}")
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(want, dtype=torch.float64), atol=1e-4, rtol=1e-4,
                 what="the loss sequence with the defaults")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    check(list(lab.fine_tune(model, examples, epochs=0)) == [], "epochs=0 should return []")
    check(all(torch.equal(before[k], v) for k, v in model.state_dict().items()), "epochs=0 should not change the model")
    check(len(lab.fine_tune(model, examples[:2], batch_size=1)) == 2, "batch_size=1 is valid")
    for kwargs in (dict(epochs=-1), dict(batch_size=0)):
        with pytest.raises(ValueError):
            lab.fine_tune(model, examples, **kwargs)
    with pytest.raises(ValueError):
        lab.fine_tune(model, [])


@pytest.mark.points(2)
def test_evaluate_loss_matches_library(lab):
    """evaluate_loss: the token-weighted mean of the library's loss over all learned tokens, in eval mode, any batch size."""
    examples = examples_of(upper_records(5, 7))
    state = oracle_state(6)
    oracle = GPT2LMHeadModel(GPT2Config(**dict(CONFIG, resid_pdrop=0.3)))
    oracle.load_state_dict(state)
    oracle.eval()
    model = lab.build_model(dict(CONFIG, resid_pdrop=0.3))
    model.load_state_dict(state)
    model.train()
    for max_length, mask_prompt, pad_id in ((None, True, PAD), (120, False, EOS)):
        total, count = 0.0, 0
        with torch.no_grad():
            for e in examples:
                ids, mask, labels = map(torch.tensor, brute_collate([e], pad_id, EOS, max_length, mask_prompt))
                n = int((labels[:, 1:] != X).sum())
                total += oracle(input_ids=ids, labels=labels).loss.item() * n
                count += n
        for batch_size in (3, 7):
            got = lab.evaluate_loss(model, examples, batch_size=batch_size, pad_id=pad_id, eos_id=EOS, max_length=max_length,
                                    mask_prompt=mask_prompt)
            assert_close(float(got), total / count, atol=1e-5, rtol=1e-5,
                         what=f"evaluate_loss (max_length={max_length}, mask_prompt={mask_prompt}, batch_size={batch_size})")
    check(model.training is False, "evaluate_loss should leave the model in eval mode")
    check(isinstance(lab.evaluate_loss(model, examples), float), "evaluate_loss should return a Python float")
    for kwargs in (dict(examples=[]), dict(examples=examples, batch_size=0)):
        with pytest.raises(ValueError):
            lab.evaluate_loss(model, **kwargs)


@pytest.mark.points(1)
def test_evaluate_loss_short_rows(lab):
    """evaluate_loss on very short rows weighs each learned token once; one learned token is enough; none raises ValueError."""
    state = oracle_state(8)
    oracle = GPT2LMHeadModel(GPT2Config(**CONFIG))
    oracle.load_state_dict(state)
    oracle.eval()
    model = lab.build_model(CONFIG)
    model.load_state_dict(state)
    examples = [{"input_ids": [5], "prompt_length": 0}, {"input_ids": [7, 8], "prompt_length": 0},
                {"input_ids": [1, 2, 3, 4, 5, 6], "prompt_length": 0}]
    terms = []
    with torch.no_grad():
        for e in examples:
            ids = torch.tensor([e["input_ids"] + [EOS]])
            logp = oracle(input_ids=ids).logits.log_softmax(-1)
            terms += [-logp[0, t - 1, ids[0, t]].item() for t in range(1, ids.shape[1])]
    got = lab.evaluate_loss(model, examples, batch_size=1, mask_prompt=False)
    assert_close(float(got), sum(terms) / len(terms), atol=1e-5, rtol=1e-5, what="evaluate_loss over rows of 2, 3 and 7 tokens")
    one = [{"input_ids": [9], "prompt_length": 1}]
    with torch.no_grad():
        logp = oracle(input_ids=torch.tensor([[9, EOS]])).logits.log_softmax(-1)
    assert_close(float(lab.evaluate_loss(model, one)), -logp[0, 0, EOS].item(), atol=1e-5, rtol=1e-5,
                 what="evaluate_loss with a single learned token (the end-of-text)")
    for lone in ([{"input_ids": [], "prompt_length": 0}], [{"input_ids": [3, 4], "prompt_length": 1}] * 2):
        with pytest.raises(ValueError):
            lab.evaluate_loss(model, lone, max_length=1)
