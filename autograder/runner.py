"""The trusted runner: one (student, lab) per process.

``python -m autograder.runner CONFIG.json`` starts the student's worker
(which imports the submission while pytest starts), runs the lab's hidden
tests with our plugin and nothing else (no conftest, no autoloaded plugins,
our own ini, plain asserts), times the kernels, and appends every verdict
to the results file as JSON lines. That file lives in a folder only this
user can read; student code never runs in this process.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

from autograder import forkserver, plugin, sandbox, settings
from autograder.records import (
    Collected,  # noqa: F401 - the plugin writes it
    DeviceRecord,
    Done,
    IsolationRecord,
    KernelVerdict,
    PytestExit,
    RunnerConfig,
    WorkerSummary,
    emit,
)
from autograder.course import Course, Lab
from autograder.worker_client import WorkerClient, WorkerSpec
from autograder.timing import describe_device


def worker_spec(lab: Lab, files_dir: Path, hide: list[Path], label: str, cpu: int | None = None) -> WorkerSpec:
    files = {name: files_dir / name for name in lab.files if (files_dir / name).is_file()}
    limits = sandbox.Limits(
        cpu_s=int(lab.limits.total_s * 2) + 30,
        memory_mb=None if lab.gpu and sandbox.cuda_present() else lab.limits.memory_mb,
    )
    return WorkerSpec(
        files=files,
        entry=lab.entry,
        preload=lab.preload,
        hide=hide,
        limits=limits,
        call_s=lab.limits.call_s,
        total_s=lab.limits.total_s,
        threads=lab.threads,
        label=label,
        cpu=cpu,
    )


_live: list[WorkerClient] = []  # workers to kill if this runner is told to stop


def _on_sigterm(signum: int, frame: object) -> None:
    """Stopped from outside (the batch was cancelled or died): kill the workers,
    remove their homes, and leave no verdict behind (no "done" record)."""
    for client in _live:
        client.kill()
        shutil.rmtree(client.home, ignore_errors=True)
    os._exit(128 + signum)


def run_tests(lab: Lab, client: WorkerClient, results_path: Path, private: Path, select: list[str] | None = None, first_failure: bool = False) -> int:
    """Run the hidden tests (only the ``select``ed test ids, in that order, for
    a regrade or a variant); with ``first_failure``, stop at the first failing one."""
    import pytest

    plugin.RUNNER = plugin.RunnerState(
        client=client,
        lab_id=lab.id,
        test_s=lab.limits.test_s,
        results_path=results_path,
        reference_dir=lab.reference_dir,
        data_dir=lab.data_dir,
        entry=lab.entry,
    )
    ini = private / "pytest.ini"
    ini.write_text("[pytest]\n")
    targets = [str(lab.hidden_tests_dir / test_id) for test_id in select] if select else [str(lab.hidden_tests_dir)]
    args = [
        *targets,
        "-c", str(ini),
        "--rootdir", str(lab.hidden_tests_dir),
        "--noconftest",
        "--assert=plain",
        "-p", "no:cacheprovider",
        "-p", "autograder.plugin",
        "-p", "pytest_timeout",
        f"--timeout={int(lab.limits.test_s * 2 + 30)}",
        "--timeout-method=signal",
        "-q", "-rN", "--tb=native", "-o", "python_files=test_*.py",
        *(["--exitfirst"] if first_failure else []),
    ]
    return int(pytest.main(args))


def run_kernels(lab: Lab, client: WorkerClient, hide: list[Path], results_path: Path, seed: int) -> None:
    from autograder.timing import KernelResult, KernelTimer

    records = plugin.RUNNER.records if plugin.RUNNER else {}
    reference: WorkerClient | None = None
    try:
        for kernel in lab.kernels:
            failed = [t for t in kernel.requires if records.get(t, {}).get("outcome") != "passed"]
            if failed:
                result = KernelResult(kernel.name, 0.0, kernel.points, "skipped", "not timed: the correctness tests it depends on did not pass")
            else:
                if reference is None:
                    reference = WorkerClient(worker_spec(lab, lab.solution_dir, hide, "reference", client.spec.cpu))
                    _live.append(reference)
                    reference.start()
                result = KernelTimer(lab, kernel, client, reference, seed).run()
            emit(results_path, KernelVerdict(result.to_json()))
    finally:
        if reference is not None:
            reference.close()


def _can_fork_workers(files_dir: Path) -> bool:
    """Forked workers need what a cold one gets from exec: without namespaces
    (which can open a closed folder above Python), another uid must be able to
    read Python's files where they are."""
    if settings.flag(settings.COLD_START_ENV):
        return False
    isolation = sandbox.detect_isolation()
    return isolation.namespaces or not isolation.switch_uid or not sandbox.opened_paths(files_dir)


def main(config_path: str) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only our plugin, named with -p
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = RunnerConfig.read(Path(config_path))
    started = time.monotonic()
    lab = Course(Path(config.course_root)).lab(config.lab_id)
    if _can_fork_workers(Path(config.files_dir)):
        forkserver.start(lab.preload)  # before the seed and the hidden tests are in this process
    seed_path = Path(config_path).with_name(RunnerConfig.SEED_FILE)
    seed = int(seed_path.read_text()) if seed_path.is_file() else random.SystemRandom().getrandbits(62)
    results_path = Path(config.results_path)
    private = results_path.parent
    hide = [Path(p) for p in config.hide]
    cpu = sandbox.choose_cpu() if config.cpu is None else config.cpu
    client = WorkerClient(worker_spec(lab, Path(config.files_dir), hide, "student", cpu))
    _live.append(client)
    client.start()
    emit(results_path, IsolationRecord(list(client.isolation.warnings)))
    try:
        exit_code = run_tests(lab, client, results_path, private, config.select, config.first_failure)
        emit(results_path, PytestExit(exit_code, time.monotonic() - started))
        if config.timing and lab.kernels:
            run_kernels(lab, client, hide, results_path, seed)
    finally:
        client.close()
        emit(
            results_path,
            WorkerSummary(
                incidents=[vars(i) for i in client.incidents],
                restarts=client.restarts,
                output=client.output,
                busy_s=client.busy_s,
                requests=client.requests,
            ),
        )
        emit(results_path, DeviceRecord(describe_device()))
        emit(results_path, Done(time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
