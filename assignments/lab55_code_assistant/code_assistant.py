"""Lab 55: the evaluation loop of a code assistant (your file: fill in every TODO).

A code assistant asks a model for code and must then decide whether the code
is any good. This module is that loop, on HumanEval-format problems (one JSON
object per line with ``task_id``, ``prompt``, ``entry_point``,
``canonical_solution`` and ``test``; ``test`` defines ``check(candidate)``):

- :func:`load_problems` reads a problem file;
- :func:`build_prompt` writes a few-shot prompt;
- :func:`find_code_blocks` and :func:`extract_code` pull the code out of the
  model's Markdown answer;
- :func:`check_code` validates it with :mod:`ast` before anything runs;
- :func:`assemble_solution`, :func:`build_program` and :func:`run_program`
  run it against the problem's tests in a separate Python process, with a
  time limit and the network switched off;
- :func:`evaluate_sample` chains these for one answer, and :func:`evaluate`
  scores many answers per problem with the unbiased estimator
  :func:`pass_at_k`.

Running the code in a subprocess protects the grader's process from crashes,
endless loops and stray global state; it is not a sandbox against hostile
code (the operating system's isolation is).
"""

from __future__ import annotations

import ast  # noqa: F401
import json  # noqa: F401
import os  # noqa: F401
import re  # noqa: F401
import secrets  # noqa: F401
import signal  # noqa: F401
import subprocess  # noqa: F401
import sys  # noqa: F401
import tempfile  # noqa: F401
import time  # noqa: F401
from collections.abc import Iterable, Mapping, Sequence

import numpy as np  # noqa: F401

# ---- constants (part of the specification; do not change them) -------------------------------------

#: Keys every problem has (all str). Other keys are kept as they are.
REQUIRED_KEYS = ("task_id", "prompt", "entry_point", "canonical_solution", "test")

#: Language tags that mark a fenced block as Python (compared in lower case).
PYTHON_TAGS = frozenset({"python", "py", "python3"})

#: Top-level modules that :func:`check_code` refuses by default.
BANNED_MODULES = frozenset({
    "ctypes", "http", "multiprocessing", "os", "shutil", "signal", "socket", "subprocess", "urllib",
})

#: The instruction that opens a prompt from :func:`build_prompt` by default.
DEFAULT_INSTRUCTION = (
    "Complete the Python function of the last task. Answer with one ```python code block "
    "that holds the whole function, with the imports it needs."
)

#: The time limit of one program run, in seconds, when the caller gives none (HumanEval uses 3 s).
DEFAULT_TIMEOUT = 3.0

#: What :func:`run_program` and :func:`evaluate_sample` may report.
RUN_STATUSES = ("passed", "failed", "error", "timeout")
SAMPLE_STATUSES = ("no_code", "invalid", *RUN_STATUSES)


# ---- problems and prompts ------------------------------------------------------------------------------


def load_problems(path: str | os.PathLike) -> list[dict]:
    """Read a HumanEval-format JSONL file.

    Each non-blank line is one JSON object, a problem. Blank lines (only
    whitespace) are skipped. Every problem must have the keys of
    ``REQUIRED_KEYS`` with ``str`` values; other keys are kept unchanged.

    Args:
        path: the file (UTF-8).

    Returns:
        The problems as dicts, in the file's order (an empty list for a file
        with no problem).

    Raises:
        ValueError: a line that is not valid JSON or not a JSON object, a
            missing key or a value that is not a ``str``, or a ``task_id``
            that an earlier line already used. The message names the line
            number (counted from 1, blank lines included) as ``line N``.
    """
    raise NotImplementedError("TODO: load_problems")


def build_prompt(
    problem: Mapping,
    examples: Sequence[Mapping],
    n_shots: int | None = None,
    instruction: str = DEFAULT_INSTRUCTION,
    max_chars: int | None = None,
) -> str:
    """A few-shot prompt that asks for ``problem``'s function.

    The prompt is the parts below joined by one blank line (``"\\n\\n"``):

    1. ``instruction``, unless it is ``""`` (then there is no such part);
    2. one part per shot (a solved example), in the order of ``examples``::

           ### Task
           ```python
           <example prompt, stripped>
           ```
           ### Answer
           ```python
           <example prompt + example canonical_solution, stripped>
           ```

    3. the problem itself, the same way with its answer left open:
       ``"### Task\\n```python\\n" + prompt.strip() + "\\n```\\n### Answer\\n"``.

    "Stripped" is ``str.strip()``. No part ends with a newline except the
    last, which ends with ``"### Answer\\n"``.

    Shots: the examples whose ``task_id`` equals the problem's are left out
    (a prompt never holds its own answer); of the others, the first
    ``n_shots`` are used (all of them when ``n_shots`` is None; 0 gives a
    zero-shot prompt). Then, when ``max_chars`` is not None, shots are
    dropped one at a time from the end until ``len(prompt) <= max_chars``.

    Args:
        problem: a problem (``task_id`` and ``prompt`` are read).
        examples: problems with ``task_id``, ``prompt`` and
            ``canonical_solution`` (not modified).
        n_shots: how many shots, or None for all.
        instruction: the first part.
        max_chars: a budget in characters for the whole prompt, or None.

    Returns:
        The prompt.

    Raises:
        ValueError: ``n_shots`` < 0 or larger than the number of examples
            left once the problem's own task is removed; ``max_chars`` that
            even the prompt without any shot exceeds.
    """
    raise NotImplementedError("TODO: build_prompt")


# ---- code extraction -----------------------------------------------------------------------------------

def find_code_blocks(text: str) -> list[tuple[str, str]]:
    """Every fenced code block of a Markdown text, in order.

    The rules are CommonMark's, simplified:

    - ``"\\r\\n"`` is read as ``"\\n"``; lines are split at ``"\\n"``.
    - An opening fence is a line of at most 3 spaces of indentation, then
      3 or more backticks or 3 or more tildes, then an *info string* (the
      rest of the line, stripped). A backtick fence whose info string
      contains a backtick is not a fence (`````x = 1````` on one line is
      inline code). A line indented by 4 spaces or more is never a fence.
    - The block's language is the info string's first word in lower case
      (``"``` Python title=a.py"`` gives ``"python"``), or ``""`` when the
      info string is empty.
    - The block ends at the first later line made of at most 3 spaces, then
      at least as many of the *same* fence character as the opening fence,
      then nothing but spaces or tabs. A shorter fence or the other
      character does not close it. A block never closed runs to the end of
      the text.
    - The code is the lines between the fences, each followed by ``"\\n"``
      (``""`` for an empty block), with as many leading spaces removed from
      each line as the opening fence had (fewer when the line has fewer).
    - Text after a closing fence is searched for more blocks; a block's own
      lines never open a new block.

    Args:
        text: the model's answer.

    Returns:
        A list of ``(language, code)`` pairs, one per block.
    """
    raise NotImplementedError("TODO: find_code_blocks")


def extract_code(text: str) -> str | None:
    """The code to run from a model's answer.

    The rule, in order:

    1. the code of the **last** block whose language is in ``PYTHON_TAGS``;
    2. else the code of the last block with no language (``""``);
    3. else, if the text has blocks (all in other languages, e.g. a shell
       command or a program's output), None;
    4. else (no block at all) the whole text unchanged, if it is not blank
       and :func:`ast.parse` accepts it; None otherwise.

    Blocks are those of :func:`find_code_blocks`.

    Args:
        text: the model's answer.

    Returns:
        The code, or None when there is none.
    """
    raise NotImplementedError("TODO: extract_code")


# ---- validation and programs ---------------------------------------------------------------------------


def check_code(code: str, entry_point: str, banned: Iterable[str] = BANNED_MODULES) -> str | None:
    """Validate code with :mod:`ast` before running it (nothing is executed).

    The checks, in order; the first that fails gives the result:

    1. ``ast.parse(code)`` succeeds, else
       ``"syntax error: line {lineno}: {msg}"`` with the ``SyntaxError``'s
       ``lineno`` and ``msg``;
    2. the module defines ``entry_point`` with a top-level ``def`` (not an
       ``async def``, not a lambda, not inside a class, a function or an
       ``if``), else ``"missing: no top-level function {entry_point!r}"``;
    3. no absolute ``import`` or ``from ... import`` anywhere in the code
       (inside functions too) names a module whose first dotted part is in
       ``banned`` (``import os.path`` and ``from os import path`` both name
       ``os``; relative imports such as ``from . import x`` are ignored),
       else ``"banned import: {name!r}"`` for the first such import in
       source order (line, then column, then position in the statement).

    This is a static screen for honest mistakes, not a security boundary.

    Args:
        code: the module's source.
        entry_point: the function the tests call.
        banned: top-level module names to refuse.

    Returns:
        None when every check passes, else the message of the first failure.
    """
    raise NotImplementedError("TODO: check_code")


def assemble_solution(problem: Mapping, code: str) -> str:
    """The solution module for ``code``, in either answer style.

    - *Full-function style*: ``code`` parses and defines
      ``problem["entry_point"]`` with a top-level ``def`` (as in
      :func:`check_code`): the result is ``code`` itself.
    - *Completion style* (anything else, e.g. an indented function body
      that continues the prompt, as in the original HumanEval): the result
      is ``problem["prompt"] + code``.

    Args:
        problem: a problem (``prompt`` and ``entry_point`` are read).
        code: extracted code.

    Returns:
        The source of the solution module.
    """
    raise NotImplementedError("TODO: assemble_solution")


def build_program(problem: Mapping, code: str) -> str:
    """The test program for ``code``: solution, tests, then the call to ``check``.

    Exactly ``assemble_solution(problem, code) + "\\n\\n" + problem["test"] +
    "\\n\\n" + "check(" + problem["entry_point"] + ")\\n"``.

    Args:
        problem: a problem.
        code: extracted code.

    Returns:
        Python source that raises ``AssertionError`` when a test fails.
    """
    raise NotImplementedError("TODO: build_program")


# ---- running -------------------------------------------------------------------------------------------

def run_program(program: str, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Run Python source in a new process with a time limit and no network.

    The child is ``sys.executable`` started in a new session (its own
    process group) in a fresh temporary folder as its working directory,
    with stdin empty. Before ``program`` runs, the child switches the
    network off: ``socket.socket`` and ``socket.create_connection`` (and the
    module's other ways to make a socket) raise ``OSError``. The program may
    start processes of its own.

    Status, decided by how the program ended, never by its exit code alone:

    - ``"timeout"``: the child had not exited ``timeout`` seconds (wall
      clock) after it started. The child's whole process group is then
      killed (SIGKILL), children it started included, and the call returns
      at once.
    - ``"passed"``: the program ran to its end without an exception (and
      the child then exited with code 0). A program that stops early, e.g.
      with ``sys.exit(0)`` or ``os._exit(0)`` before its checks have run,
      has not passed.
    - ``"failed"``: the program raised ``AssertionError`` (a test's
      ``assert`` failed).
    - ``"error"``: anything else: any other exception (``SyntaxError`` and
      ``SystemExit`` included, whatever its code), or a child that ended
      without the program reaching its end (``os._exit``, a signal, ...).

    Whatever the status, processes left in the child's process group are
    killed before the call returns, and the temporary folder is removed.

    Args:
        program: Python source (e.g. from :func:`build_program`).
        timeout: the limit in seconds, > 0.

    Returns:
        A dict with ``"status"`` (one of ``RUN_STATUSES``), ``"stdout"`` and
        ``"stderr"`` (``str``: what the program wrote, decoded as UTF-8 with
        errors replaced; on ``"failed"`` and ``"error"`` ``stderr`` ends with
        the traceback of the exception; any line your runner adds to report
        the outcome is removed from ``stdout``), and ``"seconds"`` (``float``,
        the wall-clock time from the start of the child until it ended or
        was killed).

    Raises:
        ValueError: ``timeout`` <= 0.
    """
    raise NotImplementedError("TODO: run_program")


# ---- scoring -------------------------------------------------------------------------------------------


def evaluate_sample(problem: Mapping, output: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Judge one model answer to ``problem``.

    1. ``code = extract_code(output)``; None gives ``"no_code"``;
    2. ``solution = assemble_solution(problem, code)``; if
       ``check_code(solution, problem["entry_point"])`` (default
       ``banned``) reports a problem, ``"invalid"`` (nothing runs);
    3. else the status of
       ``run_program(build_program(problem, code), timeout)``.

    Args:
        problem: a problem.
        output: the model's answer (Markdown or bare code).
        timeout: the time limit of the run, in seconds (> 0).

    Returns:
        One of ``SAMPLE_STATUSES``.

    Raises:
        ValueError: ``timeout`` <= 0 (even when nothing would run).
    """
    raise NotImplementedError("TODO: evaluate_sample")


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of pass@k from ``n`` samples of which ``c`` passed.

    pass@k is the probability that at least one of ``k`` samples passes.
    With ``n >= k`` samples drawn and ``c`` correct, the unbiased estimator
    (Chen et al., 2021) is ``1 - C(n - c, k) / C(n, k)``: one minus the
    chance that ``k`` samples drawn without replacement from the ``n`` are all
    wrong. Compute it without huge binomials, e.g. as
    ``1 - prod(1 - k / i for i in n-c+1 .. n)``; it must stay accurate
    (relative error <= 1e-9) for ``n`` in the tens of thousands.

    Named values: ``n - c < k`` (every draw of ``k`` holds a correct sample)
    gives exactly ``1.0``; ``c == 0`` gives exactly ``0.0``.

    Args:
        n: samples drawn, >= 1.
        c: samples that passed, 0 <= c <= n.
        k: the k of pass@k, 1 <= k <= n.

    ``n``, ``c`` and ``k`` are Python or NumPy integers (not ``bool``).

    Returns:
        A Python ``float`` in [0, 1].

    Raises:
        TypeError: an argument that is not an integer (a ``bool`` or a
            ``float`` such as ``5.0`` included).
        ValueError: ``n < 1``, ``c`` outside [0, n], or ``k`` outside
            [1, n] (``k > n``: too few samples to estimate pass@k).
    """
    raise NotImplementedError("TODO: pass_at_k")


def evaluate(
    problems: Sequence[Mapping],
    samples: Mapping[str, Sequence[str]],
    ks: Sequence[int] = (1,),
    timeout: float = DEFAULT_TIMEOUT,
) -> dict:
    """Score many model answers per problem with pass@k.

    Each answer is judged with :func:`evaluate_sample`; a problem's ``n`` is
    its number of answers and ``c`` the number judged ``"passed"`` (every
    other status counts as wrong, ``"invalid"`` and ``"no_code"`` included).

    Args:
        problems: the problems (each ``task_id`` once).
        samples: ``task_id`` -> the model's answers to that problem (str),
            in order.
        ks: the k values to report.
        timeout: the time limit of each run, in seconds (> 0).

    Returns:
        A dict with one key ``f"pass@{k}"`` per k in ``ks``: the mean over
        ``problems`` of ``pass_at_k(n, c, k)`` (a ``float``), and
        ``"results"``: ``task_id`` -> ``{"n": int, "c": int, "statuses":
        [str, ...]}`` (the statuses in the order of the answers), for every
        problem.

    Raises:
        ValueError: ``problems`` is empty, a problem with no answers (missing
            from ``samples`` or an empty list), a ``task_id`` in ``samples``
            that no problem has, a k for which some problem has fewer than
            k answers (or k < 1), or ``timeout`` <= 0. All of these are
            raised before any program runs.
    """
    raise NotImplementedError("TODO: evaluate")
