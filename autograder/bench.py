"""``autograder bench``: how fair is kernel timing on this machine?

Times each kernel of a lab, the reference against itself, in ``runs``
independent sessions (each one exactly what grading does: warm-up, then
interleaved repeats on fresh inputs, median of ratios), and reports the
share of sessions that would earn full speed marks. With ``--submission``
it also times that submission's kernel against the reference.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder import grading, sandbox
from autograder.course import Course, Lab
from autograder.worker_client import WorkerClient
from autograder.runner import worker_spec
from autograder.submission import collect_lab_files, open_submission
from autograder.timing import KernelTimer


def _client(lab: Lab, folder: Path, hide: list[Path], label: str) -> WorkerClient:
    client = WorkerClient(worker_spec(lab, folder, hide, label))
    client.deadline_total = float("inf")  # a benchmark has no lab-wide time limit
    client.start()
    return client


def fairness(lab: Lab, runs: int, hide: list[Path], console: Console | None = None) -> list[dict]:
    """For each kernel: the reference timed against itself ``runs`` times."""
    rows = []
    a = _client(lab, lab.solution_dir, hide, "reference-a")
    b = _client(lab, lab.solution_dir, hide, "reference-b")
    try:
        for kernel in lab.kernels:
            ratios, full = [], 0
            start = time.monotonic()
            for run in range(runs):
                result = KernelTimer(lab, kernel, a, b, random.SystemRandom().getrandbits(62)).run()
                if result.status != "timed":
                    raise RuntimeError(f"{kernel.name}: {result.message}")
                ratios.append(result.ratio)
                full += result.points >= kernel.points - 1e-9
                if console is not None and (run + 1) % 10 == 0:
                    console.print(f"  {kernel.name}: {run + 1}/{runs} sessions, {full} at full marks")
            rows.append(
                {
                    "kernel": kernel.name,
                    "runs": runs,
                    "full_marks": full,
                    "share_full": full / runs,
                    "median_ratio": statistics.median(ratios),
                    "min_ratio": min(ratios),
                    "max_ratio": max(ratios),
                    "session_s": (time.monotonic() - start) / runs,
                    "reference_ms": None if result.reference_s is None else 1000 * result.reference_s,
                }
            )
    finally:
        a.close()
        b.close()
    return rows


def bench_lab(course: Course, lab: Lab, submission: Path | None, runs: int, console: Console) -> None:
    if not lab.kernels:
        console.print(f"{lab.id} has no timed kernels")
        return
    hide = grading.hidden_paths(course, None, submission.resolve() if submission else None, ())
    console.print(f"{lab.id}: timing the reference against itself, {runs} sessions per kernel")
    table = Table("kernel", "sessions", "full marks", "median ratio", "min", "max", "reference ms/call", "s/session")
    for row in fairness(lab, runs, hide, console):
        table.add_row(
            row["kernel"], str(row["runs"]), f"{row['full_marks']} ({row['share_full']:.0%})",
            f"{row['median_ratio']:.3f}", f"{row['min_ratio']:.3f}", f"{row['max_ratio']:.3f}",
            f"{row['reference_ms']:.2f}", f"{row['session_s']:.1f}",
        )
    console.print(table)
    if submission is None:
        return
    sub = open_submission(submission)
    try:
        folder = sub.lab_folders().get(lab.id, sub.root)
        files = sandbox.private_dir("bench-files-")
        collect_lab_files(folder, lab.files, files)
        student = _client(lab, files, hide, "student")
        reference = _client(lab, lab.solution_dir, hide, "reference")
        try:
            table = Table("kernel", "ratio", "points", "message")
            for kernel in lab.kernels:
                r = KernelTimer(lab, kernel, student, reference, random.SystemRandom().getrandbits(62)).run()
                table.add_row(kernel.name, f"{r.ratio:.3f}" if r.ratio else "-", f"{r.points:g}/{r.max_points:g}", r.message)
            console.print(table)
        finally:
            student.close()
            reference.close()
    finally:
        sub.cleanup()
