"""Public sanity checks for lab 31 (instruction tuning).

Run with ``autograder test lab31_instruction_tuning`` or
``pytest assignments/lab31_instruction_tuning``. Passing these does not mean
the hidden tests pass: they also compare your masks with label arrays written
out by hand for every combination of prompt masking, truncation and
``pad_id == eos_id``, check your schema with ``jsonschema`` on many bad
records, compare your loss with ``GPT2LMHeadModel``'s, and re-run your
training procedure on a seeded library model.
"""

from __future__ import annotations

import json

import jsonschema
import torch
import torch.nn.functional as F

from autograder.testing import assert_close, check

IGNORE = -100


def test_prompt_ends_with_response_header(lab):
    """The Alpaca prompt (no input) ends with '### Response:' and a newline; the response is the output."""
    prompt, response = lab.prompt_and_response({"instruction": "Count to three.", "output": "1, 2, 3"})
    check(prompt.startswith("Below is an instruction that describes a task. "), "the no-input template starts differently")
    check(prompt.endswith("### Instruction:\nCount to three.\n\n### Response:\n"), "the prompt should end with the response header")
    check(response == "1, 2, 3", "the response is the record's output")


def test_prompt_with_input_has_input_section(lab):
    """With a non-empty input the prompt has an '### Input:' section after the instruction."""
    text = lab.format_alpaca({"instruction": "Sum.", "input": "1 2", "output": "3"})
    check("\n\n### Input:\n1 2\n\n### Response:\n3" in text, "the input section or the separators are wrong")


def test_schema_rejects_extra_key(lab):
    """The schema is a valid JSON Schema; a record with an unknown key is invalid, a minimal one is valid."""
    schema = lab.get("INSTRUCTION_SCHEMA")
    validator = jsonschema.Draft202012Validator(schema)
    check(validator.is_valid({"instruction": "Do it.", "output": "Done."}), "a minimal record should be valid")
    check(not validator.is_valid({"instruction": "Do it.", "output": "Done.", "lang": "en"}), "unknown keys are not allowed")


def test_load_jsonl_error_names_line(lab, tmp_path):
    """load_instructions names the file and the 1-based line of a bad .jsonl record."""
    path = tmp_path / "data.jsonl"
    rows = [{"instruction": "a", "output": "b"}, {"instruction": "c"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    remote = lab.put_file(path)
    try:
        lab.load_instructions(remote)
    except ValueError as exc:
        check("line 2" in str(exc) and "field 'output'" in str(exc), f"the message should name line 2 and field 'output', got: {exc}")
    else:
        check(False, "a record without output should raise ValueError")


def test_collate_small_batch(lab):
    """One short and one long example: right padding, prompt masked, one end-of-text learned per row."""
    batch = lab.collate([{"input_ids": [7, 8, 9], "prompt_length": 1}, {"input_ids": [5], "prompt_length": 1}], 0, 1)
    check(batch["input_ids"].tolist() == [[7, 8, 9, 1], [5, 1, 0, 0]], f"input_ids: {batch['input_ids'].tolist()}")
    check(batch["attention_mask"].tolist() == [[1, 1, 1, 1], [1, 1, 0, 0]], f"attention_mask: {batch['attention_mask'].tolist()}")
    check(batch["labels"].tolist() == [[IGNORE, 8, 9, 1], [IGNORE, 1, IGNORE, IGNORE]], f"labels: {batch['labels'].tolist()}")


def test_chat_learns_assistant_only(lab):
    """In a two-turn chat only the assistant content and its end token have labels."""
    out = lab.format_chat([{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}], eos_id=0)
    learned = [t for t in out["labels"] if t != IGNORE]
    check(learned == [ord("A"), 0], f"the learned tokens should be 'A' and the end token, got {learned}")


def test_masked_loss_small(lab):
    """masked_lm_loss on a tiny batch equals cross-entropy of the shifted logits with ignore_index=-100."""
    torch.manual_seed(0)
    logits = torch.randn(1, 4, 5)
    labels = torch.tensor([[IGNORE, 2, IGNORE, 4]])
    want = F.cross_entropy(logits[0, :3], torch.tensor([2, IGNORE, 4]), ignore_index=IGNORE)
    assert_close(lab.masked_lm_loss(logits, labels), want, atol=1e-6, rtol=1e-6, what="masked_lm_loss")
