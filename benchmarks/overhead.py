"""Grader overhead: grading a lab (runner + sandboxed worker) against running
the same hidden tests in-process with plain pytest.

    python benchmarks/overhead.py [LAB ...] [--repeats N]

For each lab, three things are timed, alternating, and their medians
compared: the hidden tests in-process (a cold ``pytest``), grading with
workers forked from the runner's fork server (the default), and grading with
workers started cold (``AUTOGRADER_COLD_START=1``): the ratios to
in-process, and the differences in seconds (the fixed cost per student and
lab). Kernel timing is off (it is not part of running the hidden tests).
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

from autograder import grading, settings  # noqa: E402
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


def graded(course: Course, lab_id: str, cold: bool = False) -> float:
    lab = course.lab(lab_id)
    hide = grading.hidden_paths(course, None, None, ())
    if cold:
        os.environ[settings.COLD_START_ENV] = "1"
    try:
        start = time.perf_counter()
        result = grading.run_lab(course, lab, lab.solution_dir, "reference", grading.GradeOptions(timing=False), hide)
        elapsed = time.perf_counter() - start
    finally:
        os.environ.pop(settings.COLD_START_ENV, None)
    assert result["score"] == sum(lab.tests.values()), result["score"]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    course = Course(REPO)
    print(f"{'lab':26} {'in-process':>10} {'forked':>8} {'ratio':>6} {'fixed':>7} {'cold':>8} {'ratio':>6} {'fixed':>7}")
    for lab_id in args.labs or course.lab_ids():
        a, b, c = [], [], []
        for _ in range(args.repeats):
            a.append(in_process(lab_id))
            b.append(graded(course, lab_id))
            c.append(graded(course, lab_id, cold=True))
        ip, fk, cd = statistics.median(a), statistics.median(b), statistics.median(c)
        print(f"{lab_id:26} {ip:10.2f} {fk:8.2f} {fk / ip:6.2f} {fk - ip:+7.2f} {cd:8.2f} {cd / ip:6.2f} {cd - ip:+7.2f}", flush=True)


if __name__ == "__main__":
    main()
