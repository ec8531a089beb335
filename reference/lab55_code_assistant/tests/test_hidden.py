"""Hidden tests for lab 55 (the evaluation loop of a code assistant).

Oracles:

* pass@k: the closed form ``1 - C(n - c, k) / C(n, k)`` in exact integers
  (``math.comb`` and ``fractions.Fraction``), rounded to a float once;
* code blocks: the CommonMark fence rules of the docstring, on answers
  written here (several fences, tags, no tag, tildes, longer fences,
  indented fences, backticks inside strings);
* ``check_code``: ``ast.parse``'s own ``SyntaxError`` (line and message);
* prompts and programs: the formats of the docstrings written out here;
  ``json`` for the problem files;
* running: programs written here whose outcome is known (passing, failing,
  crashing, exiting early with ``sys.exit(0)`` / ``os._exit(0)``, looping
  forever, leaving a child behind, opening a socket to a listener that the
  test holds on the loopback of the student's sandbox), and the problems of
  ``data/problems_hidden.jsonl`` with their canonical solutions.

Every subprocess costs about 0.1-0.3 s, so the tests share runs where they can.
"""

from __future__ import annotations

import ast
import json
import math
import random
import socket
import time
from fractions import Fraction

import numpy as np
import pytest

from autograder.testing import assert_close, check

INSTRUCTION = (
    "Complete the Python function of the last task. Answer with one ```python code block "
    "that holds the whole function, with the imports it needs."
)


def exact_pass_at_k(n, c, k):
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


def load(lab_data, name="problems_hidden.jsonl"):
    return [json.loads(line) for line in (lab_data / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def problems(lab_data):
    return {p["task_id"]: p for p in load(lab_data)}


def full_function(problem, body=None):
    """The problem's function written out whole (full-function style)."""
    return problem["prompt"] + (problem["canonical_solution"] if body is None else body)


# "Endless" loops end by themselves after 30 s, so that a broken runner cannot leave them spinning.
SPIN = "import time\n_end = time.monotonic() + 30\nwhile time.monotonic() < _end:\n    pass\n"
SPIN_BODY = "    import time\n    end = time.monotonic() + 30\n    while time.monotonic() < end:\n        pass\n"


def fenced(code, tag="python"):
    return f"```{tag}\n{code}```\n"


# ---- load_problems ------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_load_problems_reads_jsonl(lab, lab_data, tmp_path):
    """load_problems reads every problem in order, keeps extra keys and skips blank lines."""
    expected = load(lab_data)
    got = lab.load_problems(lab.put_file(lab_data / "problems_hidden.jsonl"))
    check(isinstance(got, list) and len(got) == len(expected), "load_problems should return one dict per line")
    check(got == expected, "load_problems should return the JSON objects unchanged, in the file's order")
    rows = [dict(expected[0], extra=[1, 2], note="kept"), expected[1]]
    path = tmp_path / "extra.jsonl"
    path.write_text("\n" + json.dumps(rows[0]) + "\n   \n\t\n" + json.dumps(rows[1]), encoding="utf-8")
    check(lab.load_problems(lab.put_file(path)) == rows,
          "blank lines (whitespace only) are skipped, a last line without newline is read, extra keys are kept")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    check(lab.load_problems(lab.put_file(empty)) == [], "a file with no problem gives []")


@pytest.mark.points(3)
def test_load_problems_errors(lab, lab_data, tmp_path):
    """load_problems raises ValueError naming the line for bad JSON, non-objects, missing or non-str keys, repeated ids."""
    good = load(lab_data)[:2]
    ok = tmp_path / "ok.jsonl"
    ok.write_text("".join(json.dumps(p) + "\n" for p in good), encoding="utf-8")
    check(len(lab.load_problems(lab.put_file(ok))) == 2, "a valid file should load")
    line0, line1 = json.dumps(good[0]), json.dumps(good[1])
    no_test = {k: v for k, v in good[1].items() if k != "test"}
    cases = {
        "bad_json.jsonl": (line0 + "\n\n" + line1[:-1] + "\n", 3, "a line that is not valid JSON"),
        "list.jsonl": (line0 + "\n[1, 2]\n", 2, "a line that is a JSON array"),
        "missing.jsonl": (line0 + "\n" + json.dumps(no_test) + "\n", 2, "a problem without 'test'"),
        "not_str.jsonl": ("\n" + json.dumps(dict(good[0], entry_point=5)) + "\n", 2, "an entry_point that is an int"),
        "null.jsonl": (json.dumps(dict(good[0], canonical_solution=None)) + "\n", 1, "a canonical_solution of null"),
        "repeat.jsonl": (line0 + "\n" + line1 + "\n" + json.dumps(dict(good[1], prompt="x")) + "\n", 3,
                         "a task_id used twice"),
    }
    for name, (text, line, what) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError) as info:
            lab.load_problems(lab.put_file(path))
        check(f"line {line}" in str(info.value), f"the ValueError for {what} should name its line number")


# ---- build_prompt -------------------------------------------------------------------------------------


def shot(example):
    return (f"### Task\n```python\n{example['prompt'].strip()}\n```\n### Answer\n"
            f"```python\n{(example['prompt'] + example['canonical_solution']).strip()}\n```")


def open_task(problem):
    return f"### Task\n```python\n{problem['prompt'].strip()}\n```\n### Answer\n"


def expected_prompt(problem, shots, instruction=INSTRUCTION):
    head = [instruction] if instruction else []
    return "\n\n".join([*head, *(shot(s) for s in shots), open_task(problem)])


@pytest.mark.points(3)
def test_build_prompt_format(lab, problems):
    """build_prompt joins instruction, solved shots and the open task by blank lines, exactly as documented."""
    p = list(problems.values())
    check(lab.get("DEFAULT_INSTRUCTION") == INSTRUCTION, "DEFAULT_INSTRUCTION must not be changed")
    got = lab.build_prompt(p[0], [p[1], p[2]])
    check(isinstance(got, str), "build_prompt should return a str")
    check(got.endswith("### Answer\n"), "the prompt should end with the open task's '### Answer\\n'")
    check(got == expected_prompt(p[0], [p[1], p[2]]), "the prompt differs from the documented format (two shots)")
    # prompts whose text starts and ends with whitespace are stripped, inside the fences too
    padded = dict(p[3], prompt="\n\n" + p[3]["prompt"] + "\n  ", canonical_solution=p[3]["canonical_solution"] + "\n\n")
    got = lab.build_prompt(dict(p[4], prompt="  " + p[4]["prompt"]), [padded])
    check(got == expected_prompt(dict(p[4], prompt=p[4]["prompt"]), [padded]),
          "the task and the answer are str.strip()-ed inside their fences")
    check(lab.build_prompt(p[5], [p[0]], instruction="Solve it.") == expected_prompt(p[5], [p[0]], "Solve it."),
          "a custom instruction is the first part")
    check(lab.build_prompt(p[5], [p[0]], instruction="") == expected_prompt(p[5], [p[0]], ""),
          "instruction='' leaves that part out (the prompt then starts with '### Task')")


@pytest.mark.points(2)
def test_build_prompt_leaves_out_its_own_task(lab, problems):
    """build_prompt never shows the problem's own solution as a shot."""
    p = list(problems.values())
    own = json.loads(json.dumps(p[1]))  # equal values, other objects
    got = lab.build_prompt(own, [p[0], p[1], p[2]])
    check(got == expected_prompt(p[1], [p[0], p[2]]), "the example with the problem's task_id must be left out")
    check(p[1]["canonical_solution"].strip() not in got, "the problem's canonical solution leaked into its prompt")
    copy = dict(p[1], task_id="other/1")
    check(lab.build_prompt(p[1], [copy]) == expected_prompt(p[1], [copy]), "only the task_id decides what is left out")


@pytest.mark.points(3)
def test_build_prompt_n_shots(lab, problems):
    """n_shots takes the first examples (None: all, 0: zero-shot) and refuses too many or negative."""
    p = list(problems.values())
    examples = [p[1], p[0], p[2], p[3]]
    check(lab.build_prompt(p[0], examples, n_shots=None) == expected_prompt(p[0], [p[1], p[2], p[3]]),
          "n_shots=None uses every example except the problem's own")
    check(lab.build_prompt(p[0], examples, n_shots=2) == expected_prompt(p[0], [p[1], p[2]]),
          "n_shots=2 uses the first two examples left once the problem's own is removed")
    check(lab.build_prompt(p[0], examples, 0) == expected_prompt(p[0], []), "n_shots=0 gives a zero-shot prompt")
    check(lab.build_prompt(p[0], examples, 3) == expected_prompt(p[0], [p[1], p[2], p[3]]),
          "n_shots equal to the examples left is allowed")
    check(lab.build_prompt(p[0], [], n_shots=None) == expected_prompt(p[0], []), "no examples: a zero-shot prompt")
    for bad in (4, -1):
        with pytest.raises(ValueError):
            lab.build_prompt(p[0], examples, n_shots=bad)
    with pytest.raises(ValueError):
        lab.build_prompt(p[0], [p[0]], n_shots=1)


@pytest.mark.points(3)
def test_build_prompt_max_chars(lab, problems):
    """max_chars drops shots from the end until the prompt fits, and raises when even zero shots do not fit."""
    p = list(problems.values())
    examples = [p[5], p[1], p[2]]  # a long shot first, then shorter ones
    lengths = [len(expected_prompt(p[0], examples[:i])) for i in range(4)]
    check(lab.build_prompt(p[0], examples, max_chars=lengths[3]) == expected_prompt(p[0], examples),
          "a prompt of exactly max_chars characters fits")
    check(lab.build_prompt(p[0], examples, max_chars=lengths[3] - 1) == expected_prompt(p[0], examples[:2]),
          "one character over the budget drops the LAST shot")
    check(lab.build_prompt(p[0], examples, max_chars=lengths[1] + 5) == expected_prompt(p[0], examples[:1]),
          "shots are dropped from the end until the prompt fits")
    check(lab.build_prompt(p[0], examples, n_shots=2, max_chars=lengths[3]) == expected_prompt(p[0], examples[:2]),
          "n_shots and max_chars together: n_shots first, then the budget")
    check(lab.build_prompt(p[0], examples, max_chars=lengths[0]) == expected_prompt(p[0], []),
          "a budget that fits no shot gives the zero-shot prompt")
    with pytest.raises(ValueError):
        lab.build_prompt(p[0], examples, max_chars=lengths[0] - 1)


# ---- find_code_blocks / extract_code -----------------------------------------------------------------


@pytest.mark.points(3)
def test_find_code_blocks_basics(lab):
    """find_code_blocks returns (language, code) per block: first word of the tag, lower case; CRLF; unclosed blocks."""
    text = ("Here you go:\n```Python title=sol.py\ndef f():\n    return 1\n```\nand a run:\n"
            "``` \n$ python sol.py\n```\n```bash\npip install x\n```\n``` py3 \n```\n")
    got = lab.find_code_blocks(text)
    check(isinstance(got, list) and all(len(b) == 2 for b in got), "find_code_blocks should return (language, code) pairs")
    check([tuple(b) for b in got] == [("python", "def f():\n    return 1\n"), ("", "$ python sol.py\n"),
                                      ("bash", "pip install x\n"), ("py3", "")],
          "wrong blocks for an answer with four fences (tags with extra words, an empty tag, an empty block)")
    crlf = "Answer:\r\n```python\r\nx = 1\r\ny = 2\r\n```\r\n"
    check([tuple(b) for b in lab.find_code_blocks(crlf)] == [("python", "x = 1\ny = 2\n")], "'\\r\\n' is read as '\\n'")
    check([tuple(b) for b in lab.find_code_blocks("```python\nx = 1\n\ny = 2")] == [("python", "x = 1\n\ny = 2\n")],
          "a block never closed runs to the end of the text (its last line kept)")
    check([tuple(b) for b in lab.find_code_blocks("```python\nx = 1\n")] == [("python", "x = 1\n")],
          "the newline that ends the text does not add an empty line to an unclosed block")
    check([tuple(b) for b in lab.find_code_blocks("\nSo:\n```py\nx = 1\ny = 2")] == [("py", "x = 1\ny = 2\n")],
          "a text that starts with an empty line")
    check([tuple(b) for b in lab.find_code_blocks("```\n\n```")] == [("", "\n")], "a block of one empty line")
    check(lab.find_code_blocks("no code here, just `inline` text") == [], "no fence: no block")


@pytest.mark.points(3)
def test_find_code_blocks_fence_rules(lab):
    """Closing fences need the same character, at least the opening's length and nothing after; indentation rules."""
    def blocks(text):
        return [tuple(b) for b in lab.find_code_blocks(text)]

    tilde = "~~~python\ns = '''\n```\n'''\n~~~\n"
    check(blocks(tilde) == [("python", "s = '''\n```\n'''\n")], "a ``` line does not close a ~~~ block")
    longer = "````python\nprint('''\n```python\nx\n```\n''')\n````\n"
    check(blocks(longer) == [("python", "print('''\n```python\nx\n```\n''')\n")],
          "a ``` line does not close a ```` block, and lines inside a block never open one")
    check(blocks("```\nx = 1\n`````\ny = 2\n") == [("", "x = 1\n")], "a longer closing fence closes the block")
    check(blocks("```\nx = 1\n```  \t\n") == [("", "x = 1\n")], "spaces and tabs may follow a closing fence")
    check(blocks("```\nx = 1\n``` not a close\ny\n```\n") == [("", "x = 1\n``` not a close\ny\n")],
          "a fence followed by text does not close a block")
    check(blocks("~~~ a`b\nz\n~~~\n") == [("a`b", "z\n")], "a tilde fence's info string may hold backticks")
    check(blocks("```x = 1``` is inline\n```py\nok\n```\n") == [("py", "ok\n")],
          "a backtick 'fence' whose info string holds a backtick is not a fence")
    check(blocks("   ```python\n     a = 1\n    b = 2\n  c = 3\n x\n   ```\n") == [("python", "  a = 1\n b = 2\nc = 3\nx\n")],
          "an opening fence indented by 3 spaces removes up to 3 leading spaces from each line")
    docstring = '    """Example:\n    ```\n    f()\n    ```\n    """\n'
    check(blocks(docstring) == [], "lines indented by 4 spaces are never fences")
    check(blocks("```python\nx = 1\n    ```\ny = 2\n```\n") == [("python", "x = 1\n    ```\ny = 2\n")],
          "a fence indented by 4 spaces does not close a block")


@pytest.mark.points(4)
def test_extract_code_takes_the_last_python_block(lab):
    """extract_code returns the LAST python-tagged block (python, py, python3 in any case), even after other blocks."""
    first, last = "def f(x):\n    return x\n", "def f(x):\n    return x + 1\n"
    answer = f"First try:\n{fenced(first)}Wait, that is wrong. Fixed:\n{fenced(last)}"
    check(lab.extract_code(answer) == last, "with several ```python blocks the answer is in the last one")
    for tag in ("py", "python3", "PYTHON", "Py"):
        check(lab.extract_code(fenced(first) + fenced(last, tag)) == last, f"'{tag}' marks a Python block")
    later = fenced(last) + "Output:\n" + fenced("5\n", "") + fenced("echo hi\n", "sh")
    check(lab.extract_code(later) == last, "a python block wins over later blocks without a tag or in other languages")
    check(lab.extract_code(fenced(first, "") + fenced(last, "python")) == last, "a tagged block beats an earlier untagged one")
    check(lab.extract_code(fenced(last) + fenced(first, "pythonic")) == last, "'pythonic' is not a Python tag")


@pytest.mark.points(3)
def test_extract_code_fallbacks(lab):
    """No python block: the last untagged block; only other languages: None; no block: the text if it parses."""
    a, b = "x = 1\n", "y = 2\n"
    check(lab.extract_code(fenced("z = 0\n", "") + fenced(a, "") + fenced(b, "") + fenced("ls\n", "bash")) == b,
          "without a python block, the last block with no language")
    check(lab.extract_code(fenced(a, "bash") + fenced(b, "text")) is None,
          "blocks only in other languages give None")
    check(lab.extract_code("~~~bash\n~~~ x\n") is None,
          "a text with blocks gives None even if it would parse as Python")
    bare = "def f(x):\n    return x * 2\n"
    check(lab.extract_code(bare) == bare, "no block: the whole text, unchanged, when ast.parse accepts it")
    check(lab.extract_code("  x = 1") is None, "no block and text that does not parse (indented): None")
    check(lab.extract_code("Sure! Here is the function you asked for.") is None, "prose gives None")
    check(lab.extract_code("") is None and lab.extract_code(" \n\t") is None, "a blank text gives None")


@pytest.mark.points(2)
def test_extract_code_backticks_inside_code(lab):
    """Backticks inside strings and docstrings do not end a block."""
    code = ('def render(s):\n    """Wrap s in a Markdown fence:\n\n    ```\n    text\n    ```\n    """\n'
            '    return "```" + s + "```"\n')
    answer = f"Here:\n```python\n{code}```\nDone."
    check(lab.extract_code(answer) == code, "an indented fence in a docstring and ``` inside a string stay in the code")
    outer = "````python\ndef md():\n    return '''\n```python\nx = 1\n```\n'''\n````\n"
    check(lab.extract_code(outer) == "def md():\n    return '''\n```python\nx = 1\n```\n'''\n",
          "a ```` block holds ``` lines, and the inner ```python line is not a block of its own")


# ---- check_code ---------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_check_code_syntax_errors(lab):
    """check_code reports 'syntax error: line N: msg' with ast.parse's own line and message."""
    for code in ["def f(x):\n    return x +\n", "def f(x)\n    return x\n", "x = 1\n\ndef f(:\n    pass\n",
                 "def f():\n  return 1\n    x = 2\n"]:
        try:
            ast.parse(code)
        except SyntaxError as e:
            expected = f"syntax error: line {e.lineno}: {e.msg}"
        check(lab.check_code(code, "f") == expected, "the syntax error message differs from the documented format")
    check(lab.check_code("def f(x)\n", "g").startswith("syntax error"), "the syntax check comes first")


@pytest.mark.points(3)
def test_check_code_entry_point(lab):
    """check_code wants a top-level def of the entry point: not async, not a lambda, not nested."""
    missing = "missing: no top-level function 'f'"
    check(lab.check_code("import math\n\ndef f(x):\n    return math.sqrt(x)\n", "f") is None, "valid code gives None")
    check(lab.check_code("def g():\n    pass\n\ndef f():\n    return g()\n", "f") is None, "helpers are allowed")
    for code, what in [("def g(x):\n    return x\n", "another name"),
                       ("async def f(x):\n    return x\n", "an async def"),
                       ("f = lambda x: x\n", "a lambda"),
                       ("class A:\n    def f(self):\n        return 1\n", "a method"),
                       ("def g():\n    def f():\n        return 1\n    return f\n", "a nested function"),
                       ("if True:\n    def f():\n        return 1\n", "a def inside an if"),
                       ("", "empty code")]:
        check(lab.check_code(code, "f") == missing, f"{what} does not define the entry point at top level")
    check(lab.check_code("def f():\n    import os\n", "g") == "missing: no top-level function 'g'",
          "the entry-point check comes before the import check")


@pytest.mark.points(3)
def test_check_code_banned_imports(lab):
    """check_code refuses banned modules in every import form, anywhere, the first in source order."""
    head = "def f():\n    return 1\n"
    for stmt, name in [("import os", "os"), ("import os.path", "os"), ("from os import path", "os"),
                       ("from os.path import join as j", "os"), ("import numpy as np, subprocess", "subprocess"),
                       ("import urllib.request", "urllib"), ("from http.client import HTTPConnection", "http")]:
        check(lab.check_code(head + stmt + "\n", "f") == f"banned import: {name!r}", f"'{stmt}' should be refused")
    inner = "def f():\n    import socket\n    return socket\n"
    check(lab.check_code(inner, "f") == "banned import: 'socket'", "imports inside a function count too")
    order = "def f():\n    import subprocess\n    return 1\n\nimport os\n"
    check(lab.check_code(order, "f") == "banned import: 'subprocess'", "the first banned import in SOURCE order")
    same_line = head + "x = 1; import signal; import os\n"
    check(lab.check_code(same_line, "f") == "banned import: 'signal'", "on one line, the first by column")
    check(lab.check_code(head + "import math, shutil, ctypes\n", "f") == "banned import: 'shutil'",
          "in one statement, the first name")
    for ok in ["import numpy as np", "from collections import Counter", "import ossaudiodev_like_name as o",
               "from . import os", "from .os import path", "import posixpath"]:
        check(lab.check_code(head + ok + "\n", "f") is None, f"'{ok}' is allowed")
    check(lab.check_code(head + "import math\n", "f", banned={"math"}) == "banned import: 'math'",
          "a custom banned set is used")
    check(lab.check_code(head + "import os\n", "f", banned=["json"]) is None, "banned replaces the default (a list works)")
    check(lab.check_code(head + "import os\n", "f", banned=()) is None, "an empty banned set allows everything")


# ---- assemble_solution / build_program ----------------------------------------------------------------


@pytest.mark.points(3)
def test_assemble_solution_styles(lab, problems):
    """Full-function code is used as is; anything else continues the prompt (completion style)."""
    p = problems["LAB55H/3"]
    full = "def digital_root(n):\n    return 0 if n == 0 else 1 + (n - 1) % 9\n"
    check(lab.assemble_solution(p, full) == full, "code that defines the entry point at top level is used as is")
    body = p["canonical_solution"]
    check(lab.assemble_solution(p, body) == p["prompt"] + body, "an indented body is appended to the prompt")
    helper = "def helper(n):\n    return n\n"
    check(lab.assemble_solution(p, helper) == p["prompt"] + helper, "code without the entry point continues the prompt")
    nested = "if True:\n    def digital_root(n):\n        return 1\n"
    check(lab.assemble_solution(p, nested) == p["prompt"] + nested, "a def inside an if is not a top-level def")
    check(lab.assemble_solution(p, "async def digital_root(n):\n    return 1\n").startswith(p["prompt"]),
          "an async def is not the entry point")


@pytest.mark.points(2)
def test_build_program_exact(lab, problems):
    """build_program is solution + blank line + test + blank line + check(entry_point)."""
    for p in problems.values():
        program = lab.build_program(p, p["canonical_solution"])
        check(program == p["prompt"] + p["canonical_solution"] + "\n\n" + p["test"] + "\n\n" + f"check({p['entry_point']})\n",
              "build_program differs from the documented concatenation")
        namespace: dict = {}
        exec(compile(program, "program", "exec"), namespace)  # our own canonical solution: it must pass
    p = problems["LAB55H/4"]
    full = "def count_vowels(text):\n    return 0\n"
    check(lab.build_program(p, full) == full + "\n\n" + p["test"] + "\n\ncheck(count_vowels)\n",
          "full-function code is not prefixed by the prompt")


# ---- run_program --------------------------------------------------------------------------------------


def run(lab, program, timeout=10.0):
    result = lab.run_program(program, timeout)
    check(isinstance(result, dict) and {"status", "stdout", "stderr", "seconds"} <= set(result),
          "run_program should return a dict with status, stdout, stderr and seconds")
    check(result["status"] in ("passed", "failed", "error", "timeout"), "run_program returned an unknown status")
    return result


@pytest.mark.points(5)
def test_run_program_statuses(lab):
    """run_program: passed, failed on AssertionError, error on other exceptions, with output and tracebacks."""
    ok = run(lab, "import numpy\nprint('h\\u00e9llo \\u2713')\nassert sum([1, 2]) == 3\n")
    check(ok["status"] == "passed", "a program that runs to its end has passed (it may import the course's packages)")
    check(ok["stdout"] == "h\u00e9llo \u2713\n",
          "stdout should be exactly what the program printed, decoded as UTF-8 (your report line removed)")
    check(isinstance(ok["stderr"], str) and isinstance(ok["seconds"], float) and 0 < ok["seconds"] < 60,
          "stderr is a str and seconds a float")
    silent = run(lab, "x = 1\n")
    check(silent["status"] == "passed" and silent["stdout"] == "", "a program printing nothing passes, with stdout ''")
    fail = run(lab, "def check(c):\n    assert c(2) == 5, 'two'\ncheck(lambda x: x)\n")
    check(fail["status"] == "failed", "an AssertionError is 'failed'")
    check("AssertionError" in fail["stderr"] and "two" in fail["stderr"], "stderr should hold the traceback")
    crash = run(lab, "import sys\nprint('before', flush=True)\nsys.stderr.write('first\\n')\n1 / 0\n")
    check(crash["status"] == "error", "any other exception is 'error'")
    check("ZeroDivisionError" in crash["stderr"] and "before" in crash["stdout"], "stdout and the traceback are kept")
    check(crash["stderr"].startswith("first\n"), "stderr should hold everything the program wrote there, from its start")
    late = run(lab, "import atexit, os\natexit.register(os._exit, 1)\nassert 1 == 2\n")
    check(late["status"] == "failed", "an AssertionError is 'failed', whatever the exit code")
    check(run(lab, "def f(:\n    pass\n")["status"] == "error", "a syntax error is 'error'")


@pytest.mark.points(5)
def test_run_program_early_exit_is_not_a_pass(lab):
    """A program that exits 0 before its checks have run (sys.exit, os._exit, SystemExit) is an error, not a pass."""
    programs = {
        "sys.exit(0) before the checks": "import sys\nprint('bye')\nsys.exit(0)\nassert False\n",
        "sys.exit(0) inside the candidate": ("import sys\ndef f(x):\n    sys.exit(0)\n"
                                             "def check(c):\n    assert c(1) == 2\ncheck(f)\n"),
        "os._exit(0)": "import os\nos._exit(0)\nassert False\n",
        "exit() at the end": "assert True\nexit()\n",
        "os._exit(1) when Python exits": "import atexit, os\natexit.register(os._exit, 1)\n",
        "a kill at exit": "import atexit, os, signal\natexit.register(os.kill, os.getpid(), signal.SIGKILL)\n",
    }
    for what, program in programs.items():
        got = run(lab, program)
        check(got["status"] == "error", f"{what}: the status should be 'error'")
        if "bye" in program:
            check(got["stdout"] == "bye\n", "what a program printed before exiting is kept in stdout")


@pytest.mark.points(4)
def test_run_program_time_limit(lab):
    """run_program stops an endless loop at the limit and reports 'timeout', also for a program hanging at exit."""
    start = time.monotonic()
    got = run(lab, SPIN, timeout=1.0)
    elapsed = time.monotonic() - start
    check(got["status"] == "timeout", "an endless loop should be a 'timeout'")
    check(elapsed < 10, "run_program should return soon after the limit (1 s here)")
    check(0.95 <= got["seconds"] < 10, "seconds should be the time from the start until the child was killed")
    hang = run(lab, "import atexit, time\natexit.register(time.sleep, 3)\nassert 1 + 1 == 2\n", timeout=1)
    check(hang["status"] == "timeout",
          "a program that passed its checks but had not exited at the limit (1 s, an int) is a 'timeout'")


@pytest.mark.points(2)
def test_run_program_default_limit(lab):
    """The default limit is DEFAULT_TIMEOUT = 3 s."""
    check(lab.get("DEFAULT_TIMEOUT") == 3.0, "DEFAULT_TIMEOUT must not be changed")
    got = lab.run_program(SPIN)
    check(got["status"] == "timeout", "an endless loop is a 'timeout' under the default limit")
    check(2.9 <= got["seconds"] < 20, "without a timeout argument the limit should be DEFAULT_TIMEOUT seconds")


@pytest.mark.points(4)
def test_run_program_kills_children(lab, tmp_path):
    """On a timeout the whole process group dies: a child the program started stops too, and the call returns."""
    anchor = tmp_path / "lab55_anchor.txt"
    anchor.write_text("anchor", encoding="utf-8")
    folder = lab.put_file(anchor).rsplit("/", 1)[0]
    beat = f"{folder}/lab55_heartbeat.txt"
    grandchild = ("import sys, time\nprint('ready', flush=True)\nend = time.monotonic() + 20\n"
                  f"while time.monotonic() < end:\n    with open({beat!r}, 'a') as f:\n        f.write('x')\n"
                  "    time.sleep(0.05)\n")
    program = ("import subprocess, sys\nprint('started', flush=True)\n"
               f"child = subprocess.Popen([sys.executable, '-c', {grandchild!r}], stdout=subprocess.PIPE)\n"
               "assert child.stdout.readline().strip() == b'ready'\n"
               + SPIN)
    start = time.monotonic()
    got = run(lab, program, timeout=2.5)
    elapsed = time.monotonic() - start
    check(got["status"] == "timeout", "a program that loops forever after starting a child is a 'timeout'")
    check(elapsed < 12, "run_program should return at the limit even when the program left a child behind")
    check(got["seconds"] >= 2.4, "seconds should be the time from the start until the child was killed")
    check(got["stdout"] == "started\n", "what the program printed before the limit is kept in stdout")
    # a program that passes but leaves a child behind (one that holds none of the program's outputs)
    beat2 = f"{folder}/lab55_heartbeat2.txt"
    leaver = ("import subprocess, sys\n"
              f"child = subprocess.Popen([sys.executable, '-c', {grandchild.replace(beat, beat2)!r}],\n"
              "                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
              "assert child.stdout.readline().strip() == b'ready'\n")
    check(run(lab, leaver)["status"] == "passed", "a program that starts a child and ends has passed")
    sizes = []
    for path in (beat, beat2):
        try:
            sizes.append(len(lab.get_file(path)))
        except OSError:
            sizes.append(0)
    check(min(sizes) > 0, "the program's child never started (the program may start processes)")
    time.sleep(1.0)
    check(len(lab.get_file(beat)) == sizes[0],
          "a child started by the program is still running after the timeout: kill the process group")
    check(len(lab.get_file(beat2)) == sizes[1],
          "a child started by a program that passed is still running: kill what is left in the process group")


@pytest.mark.points(4)
def test_run_program_has_no_network(lab):
    """Inside the program socket.socket and socket.create_connection raise OSError, even to a live listener."""
    server = lab.socket()
    try:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        port = server.getsockname()[1]
        program = (
            "import socket\n"
            "def attempt(make):\n    try:\n        s = make()\n    except OSError:\n        return 'blocked'\n"
            "    s.close()\n    return 'open'\n"
            f"got = [attempt(lambda: socket.create_connection(('127.0.0.1', {port}), timeout=3)),\n"
            "       attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))]\n"
            "print(got)\nassert got == ['blocked', 'blocked'], got\n"
        )
        got = run(lab, program)
        check(got["status"] == "passed", "opening a socket (or connecting to 127.0.0.1) inside the program must raise OSError")
        server.settimeout(0.3)
        with pytest.raises(socket.timeout):
            server.accept()[0].close()
    finally:
        server.close()


@pytest.mark.points(2)
def test_run_program_fresh_folder_and_empty_stdin(lab):
    """Each run gets a fresh working folder, removed afterwards, and an empty stdin."""
    first = run(lab, "import os\nopen('left.txt', 'w').write('x')\nprint(os.getcwd())\n")
    check(first["status"] == "passed", "a program may write files in its working folder")
    folder = first["stdout"].strip()
    second = run(lab, f"import os, sys\nassert not os.path.exists('left.txt')\nassert os.getcwd() != {folder!r}\n"
                      f"assert not os.path.exists({folder!r})\nassert sys.stdin.read() == ''\n")
    check(second["status"] == "passed",
          "the second run saw the first run's file or folder, or a stdin that is not empty")


@pytest.mark.points(1)
def test_run_program_errors(lab):
    """run_program raises ValueError for a limit <= 0."""
    check(lab.run_program("pass\n", 3)["status"] == "passed", "a valid call should pass")
    for bad in (0, 0.0, -1.0):
        with pytest.raises(ValueError):
            lab.run_program("pass\n", bad)


# ---- evaluate_sample ----------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_evaluate_sample_statuses(lab, problems):
    """evaluate_sample: passed in both answer styles, failed, error on early exit, invalid and no_code without running."""
    p = problems["LAB55H/1"]
    answers = {
        "passed": [f"Attempt:\n{fenced('def caesar(text, shift):' + chr(10) + '    return text' + chr(10))}"
                   f"Better:\n{fenced(full_function(p))}", fenced(p["canonical_solution"], "py")],
        "failed": [f"{fenced(full_function(p))}Again:\n{fenced('def caesar(text, shift):' + chr(10) + '    return text' + chr(10))}"],
        "error": [fenced("import sys\n\ndef caesar(text, shift):\n    sys.exit(0)\n")],
        "invalid": [fenced("import subprocess\n" + full_function(p)), fenced("def caesar(text, shift)\n    return ''\n")],
        "no_code": ["I cannot help with that.", fenced("echo caesar", "bash")],
    }
    for status, outputs in answers.items():
        for output in outputs:
            check(lab.evaluate_sample(p, output) == status, f"an answer that should be {status!r} got another status")
    loop = fenced("def caesar(text, shift):\n" + SPIN_BODY)
    check(lab.evaluate_sample(p, loop, 0.5) == "timeout", "an endless loop is a 'timeout' (limit passed through)")


@pytest.mark.points(1)
def test_evaluate_sample_errors(lab, problems):
    """evaluate_sample raises ValueError for a limit <= 0, even for an answer without code."""
    p = problems["LAB55H/1"]
    check(lab.evaluate_sample(p, "no code", 2.0) == "no_code", "prose is 'no_code'")
    for bad in (0, -2.0):
        with pytest.raises(ValueError):
            lab.evaluate_sample(p, "no code", bad)


# ---- pass_at_k ----------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_pass_at_k_matches_closed_form(lab):
    """pass_at_k equals 1 - C(n-c, k) / C(n, k) (exact integers) for every n <= 12 and random larger cases."""
    cases = [(n, c, k) for n in range(1, 13) for c in range(n + 1) for k in range(1, n + 1)]
    rng = random.Random(55)
    for _ in range(150):
        n = rng.randint(13, 400)
        cases.append((n, rng.randint(0, n), rng.randint(1, n)))
    got = lab.map(lab.pass_at_k, cases)
    expected = np.array([exact_pass_at_k(*case) for case in cases])
    check(all(isinstance(g, float) for g in got), "pass_at_k should return a Python float")
    assert_close(np.array(got, dtype=np.float64), expected, atol=1e-12, rtol=1e-9, what="pass@k")


@pytest.mark.points(3)
def test_pass_at_k_large_n(lab):
    """pass_at_k stays accurate for n in the tens of thousands (no overflowing binomials)."""
    cases = [(50_000, 7, 1), (50_000, 7, 100), (50_000, 7, 1000), (20_000, 19_000, 2), (30_000, 1, 29_999),
             (40_000, 20_000, 300), (10_000, 3, 5_000)]
    got = lab.map(lab.pass_at_k, cases)
    expected = np.array([exact_pass_at_k(*case) for case in cases])
    assert_close(np.array(got, dtype=np.float64), expected, atol=1e-12, rtol=1e-9, what="pass@k for large n")


@pytest.mark.points(3)
def test_pass_at_k_named_values(lab):
    """pass_at_k: n - c < k gives exactly 1.0, c = 0 exactly 0.0, and k = 1 gives c / n."""
    for n, c, k in [(5, 4, 2), (5, 5, 1), (10, 3, 8), (1, 1, 1), (100, 60, 41), (7, 1, 7)]:
        check(lab.pass_at_k(n, c, k) == 1.0, "n - c < k must give exactly 1.0")
    for n, k in [(1, 1), (10, 3), (1000, 1000)]:
        check(lab.pass_at_k(n, 0, k) == 0.0, "c = 0 must give exactly 0.0")
    assert_close(lab.pass_at_k(200, 37, 1), 37 / 200, atol=1e-15, rtol=1e-12, what="pass@1 (= c / n)")
    assert_close(lab.pass_at_k(5, 3, 2), 0.9, atol=1e-15, rtol=1e-12, what="pass@2 with n - c == k")


@pytest.mark.points(2)
def test_pass_at_k_input_types(lab):
    """pass_at_k takes NumPy integers and refuses bools and floats with TypeError."""
    got = lab.pass_at_k(np.int64(20), np.int32(5), np.int16(3))
    check(isinstance(got, float), "pass_at_k should return a Python float for NumPy integers too")
    assert_close(got, exact_pass_at_k(20, 5, 3), atol=1e-12, rtol=1e-9, what="pass@k with NumPy integers")
    for args in [(10.0, 3, 2), (10, 3.0, 2), (10, 3, 2.0), (True, 1, 1), (10, True, 1), (10, 3, True)]:
        with pytest.raises(TypeError):
            lab.pass_at_k(*args)


@pytest.mark.points(2)
def test_pass_at_k_errors(lab):
    """pass_at_k raises ValueError for n < 1, c outside [0, n] and k outside [1, n]."""
    assert_close(lab.pass_at_k(3, 1, 3), 1.0, what="a valid call")
    for args in [(0, 0, 1), (-2, 0, 1), (5, -1, 1), (5, 6, 1), (5, 2, 0), (5, 2, 6), (5, 2, -1)]:
        with pytest.raises(ValueError):
            lab.pass_at_k(*args)


# ---- evaluate -----------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_evaluate_counts_and_pass_at_k(lab, problems):
    """evaluate judges every answer, counts passes per problem and averages the unbiased pass@k."""
    chosen = [problems[t] for t in ("LAB55H/0", "LAB55H/2", "LAB55H/5")]
    a, b, c = chosen
    samples = {
        a["task_id"]: [fenced(full_function(a)), "no code", fenced(a["canonical_solution"]),
                       fenced("def collatz_steps(n):\n    return n\n")],
        b["task_id"]: [fenced("def merge_intervals(intervals):\n    return sorted(intervals)\n"),
                       fenced("import os\n" + full_function(b)), fenced(full_function(b)),
                       fenced("import sys\ndef merge_intervals(intervals):\n    sys.exit(0)\n")],
        c["task_id"]: [fenced("def flatten(nested):\n    return nested\n")] * 2,
    }
    report = lab.evaluate(chosen, samples, ks=(1, 2))
    check(set(report) == {"pass@1", "pass@2", "results"}, "evaluate should return pass@k keys and 'results'")
    expected = {a["task_id"]: (4, 2, ["passed", "no_code", "passed", "failed"]),
                b["task_id"]: (4, 1, ["failed", "invalid", "passed", "error"]),
                c["task_id"]: (2, 0, ["failed"] * 2)}
    results = report["results"]
    check(set(results) == set(expected), "results should have one entry per problem")
    for task_id, (n, c_, statuses) in expected.items():
        r = results[task_id]
        check(r["n"] == n and r["c"] == c_, "a problem's n or c is wrong")
        check(list(r["statuses"]) == statuses, "a problem's statuses are wrong or out of order")
    for k in (1, 2):
        want = np.mean([exact_pass_at_k(n, c_, k) for n, c_, _ in expected.values()])
        check(isinstance(report[f"pass@{k}"], float), "pass@k values should be floats")
        assert_close(report[f"pass@{k}"], want, atol=1e-12, rtol=1e-9, what=f"pass@{k} (unbiased, averaged over problems)")


@pytest.mark.points(2)
def test_evaluate_defaults_and_repeated_calls(lab, problems):
    """evaluate reports pass@1 by default and gives the same report when called again."""
    p = problems["LAB55H/4"]
    samples = {p["task_id"]: [fenced(full_function(p)), "No idea.", "Still no idea."]}
    first = lab.evaluate([p], samples)
    check(set(first) == {"pass@1", "results"}, "the default ks is (1,)")
    assert_close(first["pass@1"], 1 / 3, atol=1e-12, rtol=1e-9, what="pass@1")
    second = lab.evaluate([p], samples, timeout=4.0)
    check(second == first, "a second call should give the same report")


@pytest.mark.points(2)
def test_evaluate_errors(lab, problems):
    """evaluate refuses no problems, problems without answers, unknown task_ids, k out of range and a bad limit."""
    p, q = problems["LAB55H/3"], problems["LAB55H/4"]
    samples = {p["task_id"]: ["No idea.", "Sorry, I can't."], q["task_id"]: ["Hmm.", "No.", "Ask me later."]}
    check(lab.evaluate([p, q], samples, ks=(2,))["pass@2"] == 0.0, "answers without code give pass@k 0.0")
    # answers that would run for 20 s each: the errors must come before any of them runs
    loop = fenced("def digital_root(n):\n" + SPIN_BODY)
    slow = {p["task_id"]: [loop, loop], q["task_id"]: [loop, loop, loop]}
    bad_calls = [
        ([], {}, (1,), 20.0),
        ([p, q], {p["task_id"]: [loop]}, (1,), 20.0),
        ([p, q], {p["task_id"]: [loop], q["task_id"]: []}, (1,), 20.0),
        ([p, q], dict(slow, **{"LAB55H/99": [loop]}), (1,), 20.0),
        ([p, q], slow, (1, 3), 20.0),
        ([p, q], slow, (0,), 20.0),
        ([p, q], slow, (1,), 0),
        ([p, q], slow, (1,), -1.0),
    ]
    start = time.monotonic()
    for problems_, samples_, ks, timeout in bad_calls:
        with pytest.raises(ValueError):
            lab.evaluate(problems_, samples_, ks, timeout)
    check(time.monotonic() - start < 15, "evaluate should raise these errors before running any answer")
