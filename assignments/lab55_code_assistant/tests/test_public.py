"""Public sanity checks for lab 55 (a code assistant's evaluation loop).

Run with ``autograder test lab55_code_assistant``. Passing these does not
mean the hidden tests pass: they also check the exact prompt format and its
budget, every fence rule (tildes, longer fences, indentation, backticks in
strings), each ``check_code`` rule, every way a program can end (early
exits included), that children die with a timed-out program, that the
network is off, pass@k against the exact closed form for large n, and
``evaluate`` on problems you have not seen.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

from autograder.testing import assert_close, check

DATA = Path(__file__).resolve().parent.parent / "data" / "problems.jsonl"


@pytest.fixture(scope="module")
def public_problems():
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_load_problems(lab, public_problems):
    """load_problems reads the public file: six problems with the HumanEval keys."""
    loaded = lab.load_problems(lab.put_file(DATA))
    check(len(loaded) == 6, f"expected 6 problems, got {len(loaded)}")
    check(loaded == public_problems, "each problem should be the JSON object of its line")


def test_zero_shot_prompt(lab, public_problems):
    """A zero-shot prompt is the instruction, a blank line, then the open task."""
    problem = public_problems[0]
    prompt = lab.build_prompt(problem, public_problems, n_shots=0, instruction="Write the function.")
    want = "Write the function.\n\n### Task\n```python\n" + problem["prompt"].strip() + "\n```\n### Answer\n"
    check(prompt == want, f"zero-shot prompt:\n{prompt!r}\nexpected:\n{want!r}")


def test_extract_code_uses_the_last_python_block(lab):
    """When a model corrects itself, the code to run is in its last ```python block."""
    answer = "Draft:\n```python\nprint(1)\n```\nOops, final version:\n```python\nprint(2)\n```\n"
    check(lab.extract_code(answer) == "print(2)\n", f"got {lab.extract_code(answer)!r}")
    check(lab.extract_code("Sorry, no code today.") is None, "prose without a block is not code")


def test_check_code(lab):
    """check_code: None for good code, a message for a missing function or a banned import."""
    good = "def add(a, b):\n    return a + b\n"
    check(lab.check_code(good, "add") is None, "valid code with the entry point should give None")
    check(lab.check_code(good, "sub") == "missing: no top-level function 'sub'", "the entry point is missing")
    check(lab.check_code("import subprocess\n" + good, "add") == "banned import: 'subprocess'", "subprocess is banned")


def test_run_program_outcomes(lab):
    """Passing, failing and early-exiting programs get the right status."""
    check(lab.run_program("assert 2 + 2 == 4\n")["status"] == "passed", "a program without errors should pass")
    check(lab.run_program("assert 2 + 2 == 5\n")["status"] == "failed", "a failed assert should be 'failed'")
    early = lab.run_program("import sys\nsys.exit(0)\nassert 2 + 2 == 5\n")["status"]
    check(early == "error", f"a program that exits before its asserts ran got {early!r}, expected 'error'")


def test_run_program_timeout(lab):
    """A program that never ends is stopped at the limit."""
    start = time.monotonic()
    spin = "import time\nstop = time.time() + 60\nwhile time.time() < stop:\n    pass\n"  # ends by itself, eventually
    result = lab.run_program(spin, 1.5)
    check(result["status"] == "timeout", f"got {result['status']!r}")
    check(time.monotonic() - start < 15, "run_program took far longer than its 1.5 s limit")


def test_pass_at_k(lab):
    """pass@k is 1 - C(n-c, k) / C(n, k), not c / n."""
    assert_close(lab.pass_at_k(10, 3, 2), 1 - math.comb(7, 2) / math.comb(10, 2), what="pass@2 with n=10, c=3")
    check(lab.pass_at_k(4, 0, 2) == 0.0, "no correct sample: pass@k is 0")


def test_canonical_solutions_pass(lab, public_problems):
    """evaluate: the canonical solutions, written as full functions in a fence, all pass."""
    samples = {p["task_id"]: ["```python\n" + p["prompt"] + p["canonical_solution"] + "```\n"] for p in public_problems}
    report = lab.evaluate(public_problems, samples)
    bad = [t for t, r in report["results"].items() if r["statuses"] != ["passed"]]
    check(not bad, f"these canonical solutions did not pass: {bad}")
    assert_close(report["pass@1"], 1.0, what="pass@1 of the canonical solutions")
