"""Grading a batch on a Ray cluster: ``autograder batch --backend ray --address ADDR``.

The driver (the ``batch`` command) finds the submissions, decides what to
grade, and writes every report, exactly as a local batch does; only the
gradings move. Each (student, lab) is one Ray task that receives the lab's
submitted files as bytes and runs :func:`autograder.grading.run_lab` on its
node: the same trusted runner and sandboxed worker as local grading (separate
user, namespaces, rlimits, hidden paths), nothing loosened.

- Resources: a grading asks for one CPU, so CPU labs pack onto the cluster's
  cores; a lab whose kernels are timed on a GPU (``gpu = true`` in its
  manifest, timing on) asks for one GPU as well, so two timings never share a
  GPU. On a cluster without GPUs such labs are timed on the CPU, as a local
  batch on a CPU machine would.
- Node loss: Ray runs a task again elsewhere when its worker or node dies
  (up to :data:`RETRIES` times). A task's result reaches the driver once,
  and the driver writes one report per (student, lab): nothing duplicated,
  and a task that fails every try is a report that says so, not a lost one.
- Each node needs the grader installed and the course checkout at the same
  path as the driver's (a shared file system or the same image), as Ray's
  own runtime environments assume; reports are written by the driver only.
- Ctrl-C cancels the outstanding tasks; reports already written stay and a
  re-run resumes, as in a local batch.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

RETRIES = 3
_session: contextlib.ExitStack | None = None


@dataclass(frozen=True)
class RayJob:
    """What a node needs to grade one (student, lab)."""

    course_root: str
    lab_id: str
    student: str
    files: dict[str, bytes] | None  # the submitted lab files (None: no lab folder)
    problems: tuple[str, ...]
    timing: bool
    select: tuple[str, ...]
    cpu_slots: int = 1


def read_lab_files(folder: Path | None, wanted: list[str]) -> tuple[dict[str, bytes] | None, list[str]]:
    """The files a grading would copy from ``folder`` (as bytes) and the problems found, checked as locally."""
    from autograder import sandbox
    from autograder.submission import collect_lab_files

    if folder is None:
        return None, []
    # staged in the command's scratch session (removed with it if the driver is killed)
    staged = sandbox.private_dir("ray-files-")
    try:
        copied, problems = collect_lab_files(folder, wanted, staged)
        return {name: (staged / name).read_bytes() for name in copied}, problems
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _ensure_session() -> None:
    """One scratch session per Ray worker process, kept for its life (its guardian
    removes the folder if the process is killed), so its zygote is reused."""
    global _session
    if _session is None:
        from autograder import grading, scratch

        stack = contextlib.ExitStack()
        stack.enter_context(scratch.session())
        atexit.register(stack.close)
        grading.allow_runners()
        _session = stack


def grade_job(job: RayJob) -> dict:
    """Run on a node: grade one job with the local engine and return its report."""
    from autograder import grading, report, sandbox
    from autograder.course import Course

    _ensure_session()
    course = Course(Path(job.course_root))
    lab = course.lab(job.lab_id)
    holder = sandbox.private_dir("ray-submission-")
    try:
        folder = None
        if job.files is not None:
            folder = holder / lab.id
            folder.mkdir()
            for name, data in job.files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
        hide = grading.hidden_paths(course, None, None, (holder,))
        options = grading.GradeOptions(timing=job.timing, select=job.select)
        try:
            return grading.run_lab(course, lab, folder, job.student, options, hide, problems=list(job.problems))
        except Exception as exc:  # noqa: BLE001 - one broken grading never stops the batch
            return report.refused(lab, job.student, [f"the grader failed on this submission: {type(exc).__name__}: {exc}"])
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def connect(address: str) -> dict[str, float]:
    """Join the cluster at ``address`` (``local``: start one on this machine); its resources."""
    import ray

    if not ray.is_initialized():
        ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    return dict(ray.cluster_resources())


def run(jobs: list[tuple[object, RayJob]], needs_gpu: Callable[[RayJob], bool], on_result: Callable[[object, dict], None], on_failure: Callable[[object, str], dict]) -> int:
    """Submit every job, hand each result to ``on_result`` as it arrives (in the
    driver), and a job that failed every try to ``on_failure``. Returns the
    number of results. Ctrl-C cancels what is left and re-raises."""
    import ray

    gpus = ray.cluster_resources().get("GPU", 0)
    remote = ray.remote(max_retries=RETRIES, retry_exceptions=False)(grade_job)
    pending: dict[object, object] = {}
    for tag, job in jobs:
        use_gpu = gpus >= 1 and needs_gpu(job)
        ref = remote.options(num_cpus=job.cpu_slots, num_gpus=1 if use_gpu else 0, name=f"grade {job.student} {job.lab_id}").remote(job)
        pending[ref] = tag
    done = 0
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                tag = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - retries exhausted: a report says so
                    result = on_failure(tag, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                on_result(tag, result)
                done += 1
    except KeyboardInterrupt:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise
    return done
