"""The mutant runner: one process that imports the heavy modules once and
forks a child per mutant.

Run as ``python -m autograder.mutation.server`` by :mod:`autograder.mutation.core`,
which talks to it in JSON lines on stdin/stdout:

- ``{"op": "init", "tests_dir", "entry", "preload", "jobs", "memory_mb", "solution_files"}``:
  import ``preload``, pytest and our plugin, collect the hidden tests once
  (which imports the test modules and whatever they import); answers
  ``{"collected": [ids], "seconds": s}``.
- ``{"op": "trace", "files": {name: text}}``: run the whole suite on these
  files with a tracer; answers ``{"trace": {...}}`` (per test: the lab
  functions it called and its duration; the functions called at import time).
- ``{"op": "run", "jobs": [{"id", "files", "select", "timeout"}]}``: run each
  mutant, ``jobs`` at a time, each in a forked child on the ``select``ed
  tests with ``-x``; answers one ``{"result": {...}}`` per job as it ends,
  then ``{"done": true}``.
- ``{"op": "quit"}``.

The hidden tests are trusted code and the mutants are the reference with one
small change, so this runs them in-process (no sandbox), with an
address-space limit so that a mutant that allocates without bound cannot take
the machine down, and a time limit per mutant (the child's process group is
killed).
"""

from __future__ import annotations

import builtins
import gc
import importlib
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

STATE: dict[str, Any] = {}


def _send(message: dict) -> None:
    sys.__stdout__.write(json.dumps(message) + "\n")
    sys.__stdout__.flush()


NOT_NEEDED = ("unraisableexception", "threadexception", "faulthandler", "doctest", "junitxml", "pastebin", "stepwise", "setuponly", "setupplan")


def _pytest_args(tests_dir: str, code_dir: str, entry: str, ini: str, stop_first: bool) -> list[str]:
    return [
        tests_dir,
        "-c", ini,
        "--rootdir", tests_dir,
        "--noconftest",
        "--assert=plain",
        "-p", "no:cacheprovider",
        # plugins a hidden test never needs, some slow at start or exit (unraisableexception collects garbage twice)
        *[arg for name in NOT_NEEDED for arg in ("-p", f"no:{name}")],
        "-p", "autograder.plugin",
        "-q", "-rN", "--tb=line", "-o", "python_files=test_*.py",
        "--lab-dir", code_dir,
        "--lab-entry", entry,
        *(["-x"] if stop_first else []),
    ]


class Recorder:
    """A pytest plugin: keep only the selected tests (in the given order),
    remember the first failure and each test's duration."""

    def __init__(self, select: list[str] | None) -> None:
        self.select = select
        self.first_failed: str | None = None
        self.failed: list[str] = []
        self.durations: dict[str, float] = {}
        self.current: str | None = None
        self.collected: list[str] = []
        self.shared: list[str] = []  # the shared (not function-scoped) fixtures being set up now
        self.uses: dict[str, list[str]] = {}  # test id -> every fixture it uses

    def pytest_collection_modifyitems(self, session, config, items) -> None:
        self.collected = [item.nodeid for item in items]
        self.uses = {item.nodeid: list(getattr(item, "fixturenames", ())) for item in items}
        if self.select is None:
            return
        order = {nodeid: i for i, nodeid in enumerate(self.select)}
        keep = sorted((item for item in items if item.nodeid in order), key=lambda item: order[item.nodeid])
        dropped = [item for item in items if item.nodeid not in order]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self.current = nodeid

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        # a module-scoped fixture runs once, inside the first test that uses it: what it
        # calls is credited to every test that uses it (see _start_tracer)
        shared = fixturedef.scope != "function"
        if shared:
            self.shared.append(fixturedef.argname)
        try:
            yield
        finally:
            if shared:
                self.shared.pop()

    def pytest_runtest_logreport(self, report) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration
        if (report.failed or (report.skipped and report.when == "call")) and report.nodeid not in self.failed:
            self.failed.append(report.nodeid)
            if self.first_failed is None:
                self.first_failed = report.nodeid

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        self.current = None


# ---- in the child -------------------------------------------------------------------------------------


def _limit_memory(memory_mb: int | None) -> None:
    """Cap the address space at what the child maps now plus the lab's limit."""
    if not memory_mb:
        return
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        now = pages * os.sysconf("SC_PAGE_SIZE")
        limit = now + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass


def _die_with_parent(sig: int) -> None:
    """Linux: get ``sig`` when the parent process ends (so nothing outlives a killed run)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(work: Path, files: dict[str, str], select: list[str] | None, trace: bool) -> None:
    """Runs in the forked child; never returns."""
    code = 99
    result: dict[str, Any] = {}
    try:
        os.setpgid(0, 0)
        _die_with_parent(signal.SIGKILL)
        os.chdir(work)
        out = os.open(work / "pytest.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.dont_write_bytecode = True
        code_dir = work / "code"
        for name, text in files.items():
            (code_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (code_dir / name).write_text(text, encoding="utf-8")
        _limit_memory(STATE.get("memory_mb"))
        import pytest

        recorder = Recorder(select)
        args = _pytest_args(STATE["tests_dir"], str(code_dir), STATE["entry"], STATE["ini"], stop_first=not trace)
        args += ["--basetemp", str(work / "tmp")]  # tmp_path: one folder per child, removed with it
        if trace:
            calls, import_time, by_fixture = _start_tracer(recorder, code_dir, list(files))
        started = time.monotonic()
        exit_code = int(pytest.main(args, plugins=[recorder]))
        if trace:
            sys.settrace(None)
            import threading

            threading.settrace(None)  # type: ignore[arg-type]
            _credit_fixtures(calls, by_fixture, recorder.uses)
            result["calls"] = {k: sorted(v) for k, v in calls.items()}
            result["import_time"] = sorted(import_time)
            result["collected"] = recorder.collected
        result.update(
            exit_code=exit_code,
            first_failed=recorder.first_failed,
            failed=recorder.failed,
            durations=recorder.durations,
            seconds=time.monotonic() - started,
        )
        sys.stdout.flush()
        sys.stderr.flush()
        code = 0
    except BaseException as exc:  # noqa: BLE001 - report whatever went wrong
        result["exception"] = f"{type(exc).__name__}: {exc}"
    finally:
        try:
            (work / "result.json").write_text(json.dumps(result))
        finally:
            os._exit(code)


def _start_tracer(recorder: Recorder, code_dir: Path, names: list[str]):
    """Record which lab functions (file, first line, name) each test calls, and
    which are called while a lab module is being imported."""
    import threading

    files = {str((code_dir / n).resolve()): n for n in names if n.endswith(".py")}
    files.update({str(code_dir / n): n for n in names if n.endswith(".py")})
    calls: dict[str, set[str]] = {}
    import_time: set[str] = set()
    by_fixture: dict[str, set[str]] = {}  # shared fixture -> what it called while being set up
    importing = [0]  # lab modules being imported right now

    def module_tracer(frame, event, arg):
        if event == "return":  # also when the import raises
            importing[0] -= 1
        return module_tracer

    def tracer(frame, event, arg):
        if event != "call":
            return None
        code = frame.f_code
        name = files.get(code.co_filename)
        if name is None:
            return None
        if code.co_name == "<module>":
            importing[0] += 1
            return module_tracer
        key = f"{name}:{code.co_firstlineno}:{code.co_name}"
        if importing[0]:
            import_time.add(key)
        if recorder.current is not None:
            calls.setdefault(recorder.current, set()).add(key)
        for fixture in recorder.shared:
            by_fixture.setdefault(fixture, set()).add(key)
        return None

    threading.settrace(tracer)
    sys.settrace(tracer)
    return calls, import_time, by_fixture


def _credit_fixtures(calls: dict[str, set[str]], by_fixture: dict[str, set[str]], uses: dict[str, list[str]]) -> None:
    """Add to each test what the shared fixtures it uses called (they ran only once)."""
    for test, fixtures in uses.items():
        for fixture in fixtures:
            if fixture in by_fixture:
                calls.setdefault(test, set()).update(by_fixture[fixture])


# ---- in the server ------------------------------------------------------------------------------------


def _init(message: dict) -> dict:
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    started = time.monotonic()
    for name in message.get("preload", []):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the tests will say what is missing
            pass
    import pytest

    import autograder.plugin  # noqa: F401
    try:
        from cosmic_ray.exceptions import CosmicRayTestingException
    except ImportError:  # a trace for validate needs no mutants (cosmic-ray is in the dev extra)
        pass
    else:
        # cosmic-ray's ExceptionReplacer writes `except CosmicRayTestingException:`: a handler that never matches
        builtins.CosmicRayTestingException = CosmicRayTestingException  # type: ignore[attr-defined]
    scratch = Path(tempfile.mkdtemp(prefix="autograder-mutants-"))
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\n")
    STATE.update(
        tests_dir=message["tests_dir"],
        entry=message["entry"],
        jobs=max(1, int(message.get("jobs", 1))),
        memory_mb=message.get("memory_mb"),
        scratch=scratch,
        ini=str(ini),
    )
    # Collect once here: the test modules and what they import are then shared by every child.
    recorder = Recorder(None)
    out = os.dup(1)
    err = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        empty = scratch / "empty"
        empty.mkdir()
        args = _pytest_args(STATE["tests_dir"], str(empty), STATE["entry"], STATE["ini"], stop_first=False)
        exit_code = int(pytest.main([*args, "--collect-only"], plugins=[recorder]))
    finally:
        sys.stdout.flush()
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.close(null)
    # what is imported now is shared by every child: keep the collector off it (faster
    # collections in the children, and fewer pages copied on write)
    gc.collect()
    gc.freeze()
    return {"collected": recorder.collected, "exit_code": exit_code, "seconds": time.monotonic() - started}


class Child:
    def __init__(self, job: dict, trace: bool = False) -> None:
        self.job = job
        self.work = Path(tempfile.mkdtemp(prefix="m-", dir=STATE["scratch"]))
        self.started = time.monotonic()
        self.deadline = self.started + float(job.get("timeout") or 1e9)
        gc.freeze()  # the collected tests and their libraries: out of every collection in the child
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(self.work, job["files"], job.get("select"), trace)
        self.pid = pid
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.fd = None

    def kill(self) -> None:
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass

    def finish(self, status: int, timed_out: bool) -> dict:
        seconds = time.monotonic() - self.started
        try:
            os.killpg(self.pid, signal.SIGKILL)  # anything the tests left running
        except OSError:
            pass
        if self.fd is not None:
            os.close(self.fd)
        result: dict[str, Any] = {"id": self.job.get("id"), "seconds": round(seconds, 3)}
        try:
            data = json.loads((self.work / "result.json").read_text())
        except (OSError, ValueError):
            data = {}
        if timed_out:
            result.update(status="timeout")
        elif "exit_code" in data:
            code = data["exit_code"]
            if data.get("failed"):  # a failure, an error or a skip: each costs points when grading
                result.update(status="killed", test=data.get("first_failed"))
            elif code == 0:
                result.update(status="survived")
            else:
                result.update(status="error", detail=f"pytest exit code {code}: " + _tail(self.work / "pytest.out"))
            result.update({k: data[k] for k in ("calls", "import_time", "durations", "failed", "collected") if k in data})
        elif os.WIFSIGNALED(status):
            # the child died (a segfault, the memory limit, os._exit in the code under test): a test would fail
            result.update(status="killed", test=None, detail=f"the test process died (signal {os.WTERMSIG(status)})")
        else:
            detail = data.get("exception") or f"exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
            if "exception" not in data and os.WIFEXITED(status):
                # code under test called os._exit / sys.exit before we could report: the tests did not finish
                result.update(status="killed", test=None, detail=f"the test process exited early ({detail})")
            else:
                result.update(status="error", detail=detail + ": " + _tail(self.work / "pytest.out"))
        shutil.rmtree(self.work, ignore_errors=True)
        return result


def _tail(path: Path, n: int = 1500) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return ""


def _run(jobs: list[dict], trace: bool = False, emit=_send) -> None:
    pending = list(reversed(jobs))
    running: dict[int, Child] = {}
    try:
        _schedule(pending, running, trace, emit)
    finally:
        for child in running.values():  # interrupted: leave nothing running
            child.kill()
            try:
                os.waitpid(child.pid, 0)
            except OSError:
                pass
            shutil.rmtree(child.work, ignore_errors=True)


def _schedule(pending: list[dict], running: dict[int, Child], trace: bool, emit) -> None:
    while pending or running:
        while pending and len(running) < STATE["jobs"]:
            child = Child(pending.pop(), trace)
            running[child.pid] = child
        now = time.monotonic()
        wait = max(0.0, min(c.deadline for c in running.values()) - now)
        fds = [c.fd for c in running.values() if c.fd is not None]
        if fds and len(fds) == len(running):
            select.select(fds, [], [], min(wait, 60.0))
        else:
            time.sleep(min(wait, 0.005))
        now = time.monotonic()
        for pid, child in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            timed_out = False
            if not done and now >= child.deadline:
                child.kill()
                done, status = os.waitpid(pid, 0)
                timed_out = True
            if done:
                del running[pid]
                emit({"result": child.finish(status, timed_out)})


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    _die_with_parent(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        return _serve()
    finally:
        scratch = STATE.get("scratch")
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _serve() -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        op = message.get("op")
        try:
            if op == "init":
                _send(_init(message))
            elif op == "trace":
                results: list[dict] = []
                _run([{"id": "trace", "files": message["files"], "timeout": message.get("timeout")}], trace=True, emit=lambda m: results.append(m["result"]))
                _send({"trace": results[0]})
            elif op == "run":
                _run(message["jobs"])
                _send({"done": True})
            elif op == "quit":
                break
            else:
                _send({"error": f"unknown op {op!r}"})
        except Exception as exc:  # noqa: BLE001 - tell the caller instead of hanging it
            _send({"error": f"{type(exc).__name__}: {exc}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
