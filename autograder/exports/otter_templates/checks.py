"""Checks for one lab under Otter-Grader, written by ``autograder export otter``.

Otter's test files call ``check(env, test_id)``; ``env`` is the student's
global names (a notebook's or an executed script's). The first call runs the
lab's hidden pytest suite ONCE in this process against those names (the
``lab`` fixture of ``autograder.plugin`` in its in-process mode) and caches
each test's outcome; every call then raises ``AssertionError`` with the
feedback the student would read in our own report, or returns if its test
passed.

Security: Otter runs this in the student's process, so the student's code can
read everything in this package (hidden tests, data) and can change any
outcome. Grades from Otter are only as trustworthy as Otter's model; the
course's own grader (``autograder grade``) keeps student code in a separate,
sandboxed process.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import types
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONFIG = json.loads((HERE / "config.json").read_text(encoding="utf-8"))

# One suite run per student environment: [(env, {test id: None if passed, else feedback}, pytest exit code)].
_RUNS: list[tuple[dict, dict[str, str | None], int]] = []


def check(env: dict, test_id: str) -> None:
    """Return if hidden test ``test_id`` passed on the student's names ``env``;
    raise AssertionError with the student-facing feedback otherwise."""
    outcomes, exit_code = _outcomes(env)
    if test_id not in outcomes:
        raise AssertionError(f"{test_id} did not run (the hidden tests stopped with pytest exit code {exit_code})")
    feedback = outcomes[test_id]
    if feedback is not None:
        raise AssertionError(feedback)


def _outcomes(env: dict) -> tuple[dict[str, str | None], int]:
    for seen, outcomes, exit_code in _RUNS:
        if seen is env:
            return outcomes, exit_code
    outcomes, exit_code = run_suite(env)
    _RUNS.append((env, outcomes, exit_code))
    return outcomes, exit_code


class _Recorder:
    """Records each test's outcome as the trusted runner would: the first
    failing phase wins, a skip is a failure, feedback from exception messages only."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str | None] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        result = yield
        report = result.get_result()
        self.outcomes.setdefault(item.nodeid, None)
        if self.outcomes[item.nodeid] is None and (report.failed or report.skipped):
            self.outcomes[item.nodeid] = _feedback(item, call) if report.failed else "skipped"


def _feedback(item: pytest.Item, call: pytest.CallInfo) -> str:
    from autograder.plugin import _first_line, describe_failure

    kind, text = describe_failure(call.excinfo)
    if kind == "checker" and call.excinfo is not None:
        # In-process, an exception from the student's code is not told apart from one in the test.
        exc = call.excinfo.value
        text = f"raised {type(exc).__name__}: {str(exc)[:300]}"
    description = _first_line(getattr(item, "obj", None))
    return f"{description}\n{text}" if description else text


def student_module(env: dict) -> types.ModuleType:
    """A module object exposing the student's global names under the lab's entry name."""
    module = types.ModuleType(CONFIG["entry"])
    module.__dict__.update({k: v for k, v in env.items() if not (k.startswith("__") and k.endswith("__"))})
    return module


def run_suite(env: dict) -> tuple[dict[str, str | None], int]:
    """Run the hidden tests against ``env``; ({test id: None or feedback}, pytest exit code).
    Restores sys.path, sys.modules[entry] and the environment variables it sets."""
    entry = CONFIG["entry"]
    tests_dir = HERE / "reference" / CONFIG["lab"] / "tests"
    saved_path, saved_module = list(sys.path), sys.modules.get(entry)
    saved_env = {k: os.environ.get(k) for k in ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "HF_HUB_OFFLINE")}
    recorder = _Recorder()
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugins named below
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.modules[entry] = student_module(env)
    try:
        with tempfile.TemporaryDirectory() as empty:
            args = [
                str(tests_dir),
                "-c", str(HERE / "pytest.ini"),
                "--rootdir", str(tests_dir),
                "--noconftest",
                "--assert=plain",  # rewritten asserts would put expected values in the feedback
                "-p", "no:cacheprovider",
                "-p", "autograder.plugin",
                "--lab-dir", empty,  # the module comes from sys.modules, not from a file
                "--lab-entry", entry,
                "-q", "-rN", "--tb=no", "--capture=sys",
                "-o", "python_files=test_*.py",
            ]
            if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
                args += ["-p", "pytest_timeout", f"--timeout={CONFIG['test_timeout_s']}", "--timeout-method=signal"]
            exit_code = int(pytest.main(args, plugins=[recorder]))
    finally:
        sys.path[:] = saved_path
        if saved_module is None:
            sys.modules.pop(entry, None)
        else:
            sys.modules[entry] = saved_module
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return recorder.outcomes, exit_code
