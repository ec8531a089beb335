"""Grading one student's lab: stage the files, run the trusted runner, build the report.

The runner is a separate process per (student, lab) so that no state leaks
between students; it starts the student's worker itself. A runner that
overruns the lab's total time is killed from here, and whatever verdicts it
had written still count.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder import report, sandbox, settings, zygote
from autograder.course import Course, Lab
from autograder.records import RunnerConfig, read_results
from autograder.static_checks import run_checks
from autograder.submission import collect_lab_files

RUNNER_MARGIN_S = 60
STOP_GRACE_S = 3.0  # a runner asked to stop gets this long to kill its workers before SIGKILL

_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


class Cancelled(Exception):
    """The grading was stopped from outside (Ctrl-C, SIGTERM): no verdict, no report."""


@dataclass
class GradeOptions:
    timing: bool = True
    seed: int | None = None
    extra_hide: tuple[Path, ...] = ()
    cpu: int | None = None  # pin the runner and its workers to this CPU (batch gives each slot one)
    select: tuple[str, ...] = ()  # run only these test ids (a regrade of single tests)
    first_failure: bool = False  # stop at the first failing test (validate: a variant only has to lose points)


def hidden_paths(course: Course, out_dir: Path | None, source: Path | None, extra: tuple[Path, ...]) -> list[Path]:
    """What a worker must not see: hidden tests and solutions, history, other
    students' work and reports."""
    paths = [course.root / "reference", course.root / ".git", course.root / "examples"]
    if out_dir is not None:
        paths.append(out_dir)
    if source is not None:
        paths.append(source.parent)  # the class folder: other students' work
    paths.extend(extra)
    env = settings.get(settings.HIDE_ENV)
    if env:
        paths.extend(Path(p) for p in env.split(":") if p)
    # never cover what the worker itself needs: Python, this package, the runners' folders
    needed = [sandbox.work_root(), Path(sys.prefix).resolve(), Path(__file__).resolve()]
    unique: list[Path] = []
    for p in (p.resolve() for p in paths):
        if p not in unique and not any(n.is_relative_to(p) for n in needed):
            unique.append(p)
    return unique


def run_lab(
    course: Course,
    lab: Lab,
    lab_folder: Path | None,
    student: str,
    options: GradeOptions,
    hide: list[Path],
    problems: list[str] | None = None,
) -> dict:
    """Grade the files in ``lab_folder`` (None: nothing submitted) and return the report."""
    started = time.time()
    private = sandbox.private_dir("run-")
    try:
        files_dir = private / "files"
        problems = list(problems or [])
        copied: list[str] = []
        if lab_folder is None:
            problems.append(f"no {lab.id}/ folder in the submission")
        else:
            copied, found = collect_lab_files(lab_folder, lab.files, files_dir)
            problems.extend(found)
        files_dir.mkdir(exist_ok=True)
        entry_file = f"{lab.entry}.py"
        if entry_file not in copied:
            why = next((p for p in problems if entry_file in p), f"{entry_file} was not submitted")
            return report.refused(lab, student, [f"nothing to grade: {why}"], warnings=problems, files_dir=files_dir)
        results_path = private / "results.jsonl"
        results_path.touch()
        config = RunnerConfig(
            course_root=str(course.root),
            lab_id=lab.id,
            files_dir=str(files_dir),
            results_path=str(results_path),
            hide=[str(p) for p in hide],
            timing=options.timing,
            cpu=options.cpu,
            select=list(options.select),
            first_failure=options.first_failure,
        )
        config.write(private / "config.json")
        if options.seed is not None:  # apart from the config: the runner reads it after forking its fork server
            (private / RunnerConfig.SEED_FILE).write_text(str(options.seed))
        log_path = private / "runner.log"
        errors = _run_runner(private / "config.json", log_path, lab.limits.total_s * (2 if lab.kernels and options.timing else 1) + RUNNER_MARGIN_S, lab.runner_preload)
        records = read_results(results_path)
        static = run_checks(lab.static_checks, {name: files_dir / name for name in copied})
        result = report.build(lab, student, records, started, errors=errors, warnings=problems, files_dir=files_dir, static=static)
        result["_instructor_log"] = log_path.read_text(errors="replace")[-200_000:] if log_path.exists() else ""
        return result
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _run_runner(config: Path, log_path: Path, deadline_s: float, preload: list[str] | None = None) -> list[str]:
    """Run one runner to its end or its deadline; raise :class:`Cancelled` if
    :func:`stop_runners` stopped it. The runner is forked from this thread's
    zygote (:mod:`autograder.zygote`), or started cold where there is none; it
    gets SIGTERM if its parent dies (so no runner outlives a killed batch) and
    is stopped the same way, with a grace period, on every other way out."""
    if _stopping.is_set():
        raise Cancelled()
    proc = _start_runner(config, log_path, preload or [])
    with _running_lock:
        _running.add(proc)
    try:
        code = proc.wait(timeout=deadline_s)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return [f"grading stopped after {deadline_s:.0f} s; tests not reached earned nothing"]
    except BaseException:
        _stop(proc)
        raise
    finally:
        with _running_lock:
            _running.discard(proc)
    if _stopping.is_set():
        raise Cancelled()
    if code != 0:
        return [f"the grader's runner failed (exit code {code}); this is a grader problem, not yours: tell the course staff"]
    return []


def _start_runner(config: Path, log_path: Path, preload: list[str]):
    forked = zygote.for_this_thread()
    if forked is not None:
        try:
            return forked.start(config, log_path, preload)
        except (zygote.ZygoteError, subprocess.TimeoutExpired):
            forked.close()
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "autograder.runner", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, not it: we stop it ourselves
            preexec_fn=sandbox.die_with_parent(signal.SIGTERM),
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie its parent has not reaped yet has ended
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _stop(proc) -> None:
    """SIGTERM (the runner then kills its workers and removes their homes), then SIGKILL."""
    for sig, wait_s in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def stop_runners() -> None:
    """Stop every runner of this process (SIGTERM, then SIGKILL after a grace
    period), and refuse to start new ones until :func:`allow_runners`. The
    threads that started them collect their exit."""
    _stopping.set()
    with _running_lock:
        pids = [proc.pid for proc in _running]
    for pid in pids:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + STOP_GRACE_S
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def allow_runners() -> None:
    _stopping.clear()


def write_report(result: dict, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<student>/<lab>.json`` and ``.html`` atomically; the runner's log
    (hidden test tracebacks: staff only) goes beside them as ``.staff.log``."""
    folder = out_dir / report.safe_name(result["student"])
    folder.mkdir(parents=True, exist_ok=True)
    log = result.pop("_instructor_log", "")
    json_path = folder / f"{result['lab']['id']}.json"
    html_path = folder / f"{result['lab']['id']}.html"
    atomic_write(json_path, json.dumps(result, indent=2))
    atomic_write(html_path, report.render_html(result))
    if log:
        atomic_write(folder / f"{result['lab']['id']}.staff.log", log)
    return json_path, html_path


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new
    one, never a part (a temporary file beside it, then a rename)."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
