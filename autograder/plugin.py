"""The pytest plugin: the ``lab``, ``reference`` and ``lab_data`` fixtures,
the ``points`` marker, and (in the trusted runner) the recording of results.

Two modes, one set of tests:
- in-process (students debugging, lab authors): ``lab`` is the module itself;
- grading (``autograder.runner`` sets ``RUNNER``): ``lab`` is a proxy to the
  untrusted worker, and every verdict is recorded here, in the runner.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograder import inprocess, records, remote, worker_client
from autograder.inprocess import InProcessLab, import_from


@dataclass
class RunnerState:
    """Set by :mod:`autograder.runner` before pytest starts."""

    client: worker_client.WorkerClient
    lab_id: str
    test_s: float
    results_path: Path
    reference_dir: Path
    data_dir: Path
    entry: str
    records: dict[str, dict] = field(default_factory=dict)
    pinned: bool = False


RUNNER: RunnerState | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder")
    group.addoption("--lab-dir", help="folder with the code under test (in-process mode)")
    group.addoption("--lab-entry", help="module name to import from --lab-dir")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): how many points the test is worth")


# ---- fixtures ----------------------------------------------------------------------------------------


def _lab_folder(path: Path) -> Path:
    """labNN_slug/ that holds this test file (tests/ is its child)."""
    for folder in path.parents:
        if folder.name.startswith("lab") and (folder.parent.name in ("assignments", "reference")):
            return folder
    raise pytest.UsageError(f"{path} is not inside assignments/labNN_slug/ or reference/labNN_slug/")


def _entry_for(lab_folder: Path, code_dir: Path) -> str:
    manifest = lab_folder.parent.parent / "reference" / lab_folder.name / "manifest.toml"
    if manifest.is_file():
        import tomllib

        return tomllib.loads(manifest.read_text())["entry"]
    from autograder.course import public_index

    for lab in public_index(lab_folder.parent.parent):  # a student bundle has no reference/
        if lab.get("id") == lab_folder.name and lab.get("entry"):
            return lab["entry"]
    modules = [p.stem for p in code_dir.glob("*.py")]
    if len(modules) != 1:
        raise pytest.UsageError(f"cannot tell which module of {code_dir} to test; pass --lab-entry")
    return modules[0]


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest) -> Any:
    """The student's API (see docs/lab-contract.md)."""
    if RUNNER is not None:
        return remote.RemoteLab(RUNNER.client)
    option = request.config.getoption("--lab-dir")
    folder = _lab_folder(Path(request.path))
    if option:
        code_dir = Path(option)
    elif folder.parent.name == "reference":
        code_dir = folder / "solution"
    else:
        code_dir = folder
    entry = request.config.getoption("--lab-entry") or _entry_for(folder, code_dir)
    inprocess.register_student_folder(code_dir)  # before the import: a loop at import is the student's too
    return InProcessLab(import_from(code_dir, entry), code_dir)


@pytest.fixture(scope="module")
def reference(request: pytest.FixtureRequest) -> Any:
    """The reference solution, imported in this (trusted) process under a private name."""
    if RUNNER is not None:
        solution, entry = RUNNER.reference_dir / "solution", RUNNER.entry
    else:
        folder = _lab_folder(Path(request.path))
        solution = folder.parent.parent / "reference" / folder.name / "solution"
        entry = _entry_for(folder, solution)
    return import_from(solution, entry, alias=f"_reference_{entry}")


@pytest.fixture(scope="module")
def lab_data(request: pytest.FixtureRequest) -> Path:
    """reference/labNN_slug/data/ (runner side)."""
    if RUNNER is not None:
        return RUNNER.data_dir
    folder = _lab_folder(Path(request.path))
    return folder.parent.parent / "reference" / folder.name / "data"


# ---- recording verdicts (runner only) ----------------------------------------------------------------


def describe_failure(excinfo: pytest.ExceptionInfo | None) -> tuple[str, str]:
    """(kind, student-facing text) for a failed test. Only exception messages
    are used: never the test's source, never expected values."""
    if excinfo is None:
        return "failed", "failed"
    exc = excinfo.value
    if isinstance(exc, worker_client.UnsendableValue):
        return exc.kind, str(exc)
    if isinstance(exc, worker_client.StudentImportError):
        return "import", str(exc)
    if isinstance(exc, worker_client.WorkerTimeout):
        return "timeout", str(exc)
    if isinstance(exc, worker_client.WorkerProblem):
        return "crash", str(exc)
    if isinstance(exc, worker_client.StudentCodeError):
        message = str(exc).removeprefix(f"{exc.type_name}: ")
        if exc.type_name == "NotImplementedError" and exc.raised_in and exc.raised_in != "<module>":
            # a stub's function: its traceback only repeats the raise line
            return "error", not_implemented(exc.raised_in, message, "NotImplementedError")
        text = f"your code raised {exc}" + _sandbox_hint(str(exc))
        if exc.student_traceback:
            text += "\n" + exc.student_traceback
        return "error", text
    if isinstance(exc, AssertionError):
        message = str(exc).strip()
        return "wrong", message or "wrong result"
    if isinstance(exc, pytest.fail.Exception):
        return "wrong", str(exc.msg if hasattr(exc, "msg") else exc)
    return "checker", f"your result could not be checked ({type(exc).__name__}: {str(exc)[:300]})"


TODO_BOILERPLATE = re.compile(r"TODO:?\s*(implement\s+[\w.]+(\s*\(see the docstring\))?)?\.?", re.I)


def not_implemented(function: str, message: str, type_name: str = "") -> str:
    """One line for a function that raised NotImplementedError:
    "word_counts: not implemented yet (TODO)". A stub's hint is kept
    ("TODO: split at runs of whitespace"); "TODO: implement word_counts" is just "TODO"."""
    hint = (message.strip().splitlines() or [""])[0][:160]
    if TODO_BOILERPLATE.fullmatch(hint):
        hint = "TODO"
    inner = ": ".join(p for p in (type_name, hint) if p)
    return f"{function}: not implemented yet" + (f" ({inner})" if inner else "")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if RUNNER is not None:
        with RUNNER.results_path.open("a", encoding="utf-8") as fh:
            fh.write(records.encode(records.Collected([item.nodeid for item in items])) + "\n")


SANDBOX_HINTS = {
    "Network is unreachable": "network access is blocked while grading",
    "Connection refused": "network access is blocked while grading",
    "Permission denied": "grading lets your code read and write only its own working folder",
    "File too large": "files your code writes are limited in size",
    "No space left on device": "your working folder is limited in size",
    "Resource temporarily unavailable": "the number of processes your code may start is limited",
}


def _sandbox_hint(message: str) -> str:
    hints = {hint for needle, hint in SANDBOX_HINTS.items() if needle in message}
    return "".join(f" ({hint})" for hint in sorted(hints))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if RUNNER is not None:
        RUNNER.client.test_deadline = time.monotonic() + RUNNER.test_s
        if not RUNNER.pinned:
            RUNNER.pinned = True
            _join_worker_cpu(RUNNER.client)


def _join_worker_cpu(client: worker_client.WorkerClient) -> None:
    """Once the worker has imported the submission (in parallel with our own
    start-up), move this runner onto the worker's CPU: calls alternate between
    the two processes, and a same-core round trip is several times faster."""
    if client.spec.cpu is None:
        return
    try:
        client.ensure_ready()
    except worker_client.WorkerProblem:
        return  # the first test reports it
    os.sched_setaffinity(0, {client.spec.cpu})
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if RUNNER is None:
        _shorten_not_implemented(outcome.get_result(), call)
        return
    report = outcome.get_result()
    record = RUNNER.records.setdefault(
        item.nodeid,
        {
            "id": item.nodeid,
            "description": _first_line(getattr(item, "obj", None)),
            "outcome": "passed",
            "kind": "passed",
            "feedback": "",
            "time_s": 0.0,
            "details": "",
            "calls": 0,
        },
    )
    if call.when == "setup":
        record["_calls_before"] = RUNNER.client.requests
    record["time_s"] += report.duration
    if report.failed and record["outcome"] == "passed":
        kind, text = describe_failure(call.excinfo)
        record.update(outcome="failed", kind=kind, feedback=text[:4000], details=str(report.longrepr)[-8000:])
    elif report.skipped and record["outcome"] == "passed":
        record.update(outcome="failed", kind="skipped", feedback="skipped")
    if call.when == "teardown":
        record["calls"] = RUNNER.client.requests - record.pop("_calls_before", RUNNER.client.requests)
        RUNNER.client.test_deadline = None
        with RUNNER.results_path.open("a", encoding="utf-8") as fh:
            fh.write(records.encode(records.TestVerdict(**{k: v for k, v in record.items() if not k.startswith("_")})) + "\n")


def _first_line(obj: Any) -> str:
    doc = getattr(obj, "__doc__", None) or ""
    doc = doc.strip()
    return doc.splitlines()[0].strip() if doc else ""


# ---- in-process runs (autograder test, plain pytest): short answers for students -----------------------

NOT_IMPLEMENTED = "not implemented"  # the test-status category of a test that hit an unimplemented function


def _shorten_not_implemented(report: pytest.TestReport, call: pytest.CallInfo) -> None:
    """A test that failed because the student's function raised NotImplementedError
    (an untouched stub) gets one line instead of the function's source and
    docstring: "word_counts: not implemented yet (TODO)". The terminal lists
    each such function once (:func:`pytest_terminal_summary`)."""
    if not report.failed or call.excinfo is None or not isinstance(call.excinfo.value, NotImplementedError):
        return
    frame = inprocess.raised_in_student_code(call.excinfo.value)
    if frame is None or frame.function == "<module>":
        return
    report.longrepr = not_implemented(frame.function, str(call.excinfo.value))
    report.not_implemented = frame.function  # type: ignore[attr-defined]


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    if RUNNER is None and report.failed and getattr(report, "not_implemented", None):
        # its own category: kept out of the FAILURES section and counted as "N not implemented";
        # still a failure (the exit code says so)
        return NOT_IMPLEMENTED, "T", ("NOT IMPLEMENTED", {"yellow": True})
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reports = terminalreporter.stats.get(NOT_IMPLEMENTED, [])
    if not reports or RUNNER is not None:
        return
    lines: dict[str, str] = {}
    tests: dict[str, set[str]] = {}
    for rep in reports:
        lines.setdefault(rep.not_implemented, str(rep.longrepr))
        tests.setdefault(rep.not_implemented, set()).add(rep.nodeid)
    terminalreporter.section("still to do", sep="=", yellow=True)
    for function, line in lines.items():
        n = len(tests[function])
        terminalreporter.line(line + (f", needed by {n} tests" if n > 1 else ""))


TIMEOUT_GRACE_S = 5.0  # at most this long after the limit, code that ignores the alarm (native code, except:) is stopped


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """In-process, pytest-timeout's limit (``autograder test`` passes the lab's
    per-test limit) fails the test with what was running: "test_counts timed
    out after 10 s in word_counts (text_stats.py, line 12)". Grading uses
    pytest-timeout's own handler (the runner holds no student code)."""
    if RUNNER is not None or settings.method != "signal" or not hasattr(signal, "SIGALRM"):
        return None
    if "lab" not in getattr(item, "fixturenames", ()) or threading.current_thread() is not threading.main_thread():
        return None  # not a lab's test (this suite's own, say): pytest-timeout's handler
    import pytest_timeout

    limit = float(settings.timeout)
    test = item.nodeid.rsplit("/", 1)[-1]
    main_thread = threading.main_thread()

    def debugging() -> bool:
        return not settings.disable_debugger_detection and pytest_timeout.is_debugging()

    def on_alarm(signum: int, frame: Any) -> None:
        if debugging():
            return
        # pytest's own failure outcome: no pytest.raises and no except Exception in a test takes it
        pytest.fail(timeout_message(test, limit, inprocess.frames_of_stack(frame)), pytrace=False)

    def hard_stop() -> None:
        """The alarm could not stop the test (a loop in native code, or one that
        catches every exception): say where it is, and end the run."""
        frame = sys._current_frames().get(main_thread.ident or -1)
        if pytest_timeout.SUPPRESS_TIMEOUT or _traced(frame):
            return  # someone is in the debugger
        text = timeout_message(test, limit, inprocess.frames_of_stack(frame))
        try:
            capture = item.config.pluginmanager.getplugin("capturemanager")
            if capture is not None:
                capture.suspend_global_capture(item)  # as pytest-timeout does: the terminal, not the capture file
            item.config.get_terminal_writer().line(f"\n{text}\nIt did not stop when told to, so the run ends here.", red=True)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)

    watchdog = threading.Timer(limit + min(TIMEOUT_GRACE_S, max(1.0, limit)), hard_stop)
    watchdog.daemon = True

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        watchdog.cancel()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # what pytest-timeout's cancel hook calls
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    watchdog.start()
    return True


def timeout_message(test: str, limit: float, frames: list) -> str:
    where = inprocess.describe_position(frames)
    if not where:
        return f"{test} timed out after {limit:g} s (not inside your code)"
    return f"{test} timed out after {limit:g} s {'while' if where.startswith('importing') else 'in'} {where}: an endless loop, or much too slow?"


def _traced(frame: Any) -> bool:
    while frame is not None:
        if frame.f_trace is not None:
            return True
        frame = frame.f_back
    return False
