"""Grader overhead: grading a lab (runner + sandboxed worker) against running
the same hidden tests in-process with plain pytest.

    python benchmarks/overhead.py [LAB ...] [--repeats N]

For each lab, both are timed as whole commands from a cold process,
alternating, and the medians compared: the ratio, and the difference in
seconds (the fixed cost per student and lab). Kernel timing is off in both
(it is not part of running the hidden tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import grading  # noqa: E402
from autograder.course import Course  # noqa: E402


def in_process(lab_id: str) -> float:
    start = time.perf_counter()
    # the same pytest setup as the runner (no autoloaded plugins, plain asserts), minus the worker
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "autograder.plugin", "--assert=plain",
         str(REPO / "reference" / lab_id / "tests")],
        cwd=REPO, check=True, capture_output=True, env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    return time.perf_counter() - start


def graded(course: Course, lab_id: str) -> float:
    lab = course.lab(lab_id)
    hide = grading.hidden_paths(course, None, None, ())
    start = time.perf_counter()
    result = grading.run_lab(course, lab, lab.solution_dir, "reference", grading.GradeOptions(timing=False), hide)
    elapsed = time.perf_counter() - start
    assert result["score"] == sum(lab.tests.values()), result["score"]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    course = Course(REPO)
    print(f"{'lab':26} {'in-process s':>12} {'graded s':>9} {'ratio':>6} {'fixed s':>8}")
    for lab_id in args.labs or course.lab_ids():
        a, b = [], []
        for _ in range(args.repeats):
            a.append(in_process(lab_id))
            b.append(graded(course, lab_id))
        ip, gr = statistics.median(a), statistics.median(b)
        print(f"{lab_id:26} {ip:12.2f} {gr:9.2f} {gr / ip:6.2f} {gr - ip:8.2f}")


if __name__ == "__main__":
    main()
