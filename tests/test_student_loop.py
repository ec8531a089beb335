"""What a student sees: `autograder test` (in-process) on endless loops and
untouched stubs, and the report's feedback on stubs, import failures and
results that cannot be checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from autograder import report
from autograder.cli import main
from conftest import FIXTURE_COURSE, REPO, by_name


def autograder_test(course: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_COURSE": str(course), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "autograder.cli", "test", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,  # a run that hangs fails the test here
    )


def looping_course(tmp_path: Path, body: str) -> Path:
    """The toy course, its stub's add() calling a helper with this body."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    stub = root / "assignments/lab98_toy/toy.py"
    code = stub.read_text().replace('def add(a, b):\n    raise NotImplementedError("TODO")', f"def _helper(n):\n{body}\n\ndef add(a, b):\n    return _helper(a)")
    assert "_helper" in code
    stub.write_text(code)
    return root


# ---- autograder test: timeouts ------------------------------------------------------------------------


def test_endless_loop_times_out_naming_the_test_and_function(tmp_path):
    course = looping_course(tmp_path, "    while True:\n        n += 1\n")
    proc = autograder_test(course, "lab98_toy", "--timeout", "1")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert re.search(r"test_add timed out after 1 s in add, in _helper \(toy\.py, line \d+\)", out), out
    assert "1 failed" in out


def test_loop_that_swallows_the_timeout_still_ends_the_run(tmp_path):
    body = "    while True:\n        try:\n            while True:\n                n += 1\n        except BaseException:\n            pass\n"
    proc = autograder_test(looping_course(tmp_path, body), "lab98_toy", "--timeout", "0.5")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert re.search(r"test_add timed out after 0\.5 s in add, in _helper \(toy\.py, line \d+\)", out), out
    assert "run ends here" in out


def test_default_limit_is_the_lab_per_test_limit(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    proc = autograder_test(course, "lab98_toy")
    assert "timeout: 10.0s" in proc.stdout  # reference/lab98_toy/manifest.toml: test_s = 10


# ---- autograder test: stubs and unknown labs ---------------------------------------------------------


def test_untouched_stub_prints_one_line_per_function():
    proc = autograder_test(REPO, "lab02_text_statistics")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    functions = ["count_characters", "words", "word_frequencies", "top_k", "split_sentences", "text_stats"]
    for name in functions:
        assert len(re.findall(rf"^{name}: not implemented yet \(TODO\)", out, re.M)) == 1, out
    assert "Traceback" not in out and "raise NotImplementedError" not in out and '"""' not in out
    assert "FAILURES" not in out
    assert len(out.splitlines()) < 40, out
    assert re.search(r"\d+ not implemented", out)


def test_unknown_lab_lists_the_labs(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(FIXTURE_COURSE))
    result = CliRunner().invoke(main, ["test", "lab99_nope"])
    assert result.exit_code != 0
    assert "unknown lab 'lab99_nope'" in result.output and "lab98_toy" in result.output


# ---- the report: each problem once, in words that do not repeat ----------------------------------------


def test_stub_feedback_is_one_line(toy_course):
    from autograder import grading

    lab = toy_course.lab("lab98_toy")
    r = grading.run_lab(toy_course, lab, lab.assignment_dir, "stub", grading.GradeOptions(timing=False), [])
    tests = by_name(r)
    assert tests["test_add"]["feedback"] == "add: not implemented yet (NotImplementedError: TODO)"
    assert tests["test_counter_object"]["feedback"] == "Counter.__init__: not implemented yet (NotImplementedError: TODO)"


def test_import_failure_is_listed_once(submit):
    r = submit(source="def add(a, b)\n    return a + b\n")
    assert r["score"] == 0
    text = json.dumps({k: v for k, v in r.items() if not k.startswith("_")})
    assert text.count("SyntaxError") == 1, text
    (incident,) = [i for i in r["incidents"] if i["kind"] == "import"]
    assert "SyntaxError" in incident["message"] and "line 1" in incident["message"]
    assert incident["summary"].lower() not in incident["message"].lower()
    assert all(t["feedback"] == report.IMPORT_FEEDBACK for t in r["tests"])
    html = report.render_html(r)
    assert "imported: your code could not be imported" not in html and html.count("could not be imported") <= 1 + len(r["tests"])


# ---- results that cannot be sent or checked ----------------------------------------------------------

DEEP_RESULT = """
def check_positive(x):
    if x < 0:
        value = []
        for _ in range(200_000):
            value = [value]
        return value  # garbage, not the ValueError the test expects
    return x
"""


def test_unsendable_result_fails_a_pytest_raises_test(submit):
    r = submit(DEEP_RESULT)
    test = by_name(r)["test_errors"]
    assert test["status"] == "failed" and test["points"] == 0
    assert "your function check_positive returned a value nested too deeply to check" in test["feedback"]
    assert "WireError" not in test["feedback"]
    assert r["score"] == 9  # only that test lost its point
