"""``autograder validate``: prove that each lab grades what it claims to.

Per lab: the manifest validates and agrees with the tests' points markers;
the public tests pass on the reference; through the real grading pipeline
(workers and all), the reference earns full marks, the stub earns zero, and
every known-wrong variant loses points. Gradings run in parallel; the
reference of a lab with timed kernels is graded last, alone, so that its
timing against itself is not disturbed by the other jobs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import grading, sandbox
from autograder.course import Course, CourseError, Lab


@dataclass
class Check:
    lab: str
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


def collect_points(lab: Lab) -> dict[str, float]:
    """The hidden tests' ids and ``points`` markers, collected in a subprocess."""
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.collect", str(lab.hidden_tests_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    if proc.returncode != 0:
        raise CourseError(f"{lab.hidden_tests_dir}: collecting the hidden tests failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def variant_folder(lab: Lab, variant: Path) -> Path:
    """A copy of the reference with the variant's definitions appended to its target module."""
    folder = sandbox.private_dir(f"variant-{variant.stem}-")
    for name in lab.files:
        src = lab.solution_dir / name
        if src.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, folder / name)
    text = variant.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    target = first.split(":", 1)[1].strip() if first.startswith("# target:") else f"{lab.entry}.py"
    if target not in lab.files:
        raise CourseError(f"{variant}: target {target!r} is not one of the lab's files {lab.files}")
    with (folder / target).open("a", encoding="utf-8") as fh:
        fh.write(f"\n\n# ---- known-wrong variant: {variant.stem} ----\n{text}\n")
    return folder


def _grade(course: Course, lab: Lab, folder: Path, who: str, timing: bool) -> dict:
    hide = grading.hidden_paths(course, None, None, ())
    return grading.run_lab(course, lab, folder, who, grading.GradeOptions(timing=timing), hide)


def _public_tests(lab: Lab) -> Check:
    start = time.monotonic()
    if not lab.public_tests_dir.is_dir():
        return Check(lab.id, "public tests pass on the reference", False, f"no {lab.public_tests_dir}")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(lab.public_tests_dir), "--lab-dir", str(lab.solution_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=lab.root,
    )
    summary = (proc.stdout.strip().splitlines() or [""])[-1]
    return Check(lab.id, "public tests pass on the reference", proc.returncode == 0, summary, time.monotonic() - start)


def _jobs_for(course: Course, lab: Lab, timing: bool) -> tuple[list[Callable[[], Check]], list[Callable[[], Check]]]:
    """(parallel jobs, jobs to run alone at the end) for one lab."""
    tests_max = sum(lab.tests.values())

    def manifest_check() -> Check:
        start = time.monotonic()
        try:
            collected = collect_points(lab)
        except CourseError as exc:
            return Check(lab.id, "markers agree with the manifest", False, str(exc))
        missing = sorted(set(lab.tests) - set(collected))
        extra = sorted(set(collected) - set(lab.tests))
        differ = sorted(t for t in set(lab.tests) & set(collected) if abs(lab.tests[t] - collected[t]) > 1e-9)
        problems = [f"{len(missing)} in manifest only {missing[:3]}"] if missing else []
        problems += [f"{len(extra)} collected but not in manifest {extra[:3]}"] if extra else []
        problems += [f"points differ for {differ[:3]}"] if differ else []
        return Check(lab.id, "markers agree with the manifest", not problems, "; ".join(problems) or f"{len(collected)} tests", time.monotonic() - start)

    def reference_check(with_timing: bool) -> Callable[[], Check]:
        def run() -> Check:
            start = time.monotonic()
            r = _grade(course, lab, lab.solution_dir, "reference", with_timing)
            expected = lab.points if with_timing else tests_max
            retried = ""
            tests_ok = all(t["status"] == "passed" for t in r["tests"])
            if with_timing and tests_ok and r["score"] < expected:
                # timing is statistical (autograder bench measures how often the reference
                # earns full marks against itself): one more session decides
                r = _grade(course, lab, lab.solution_dir, "reference", with_timing)
                retried = " (timing retried once)"
            failed = [t["name"] for t in r["tests"] if t["status"] != "passed"]
            slow = [f"{k['name']}: {k.get('message', '')}" for k in r["kernels"] if with_timing and k["points"] < k["max_points"]]
            detail = f"{r['score']:g}/{expected:g}{retried}" + (f"; failed {failed[:3]}" if failed else "") + (f"; {slow}" if slow else "") + "".join(f"; {e}" for e in r["errors"])
            return Check(lab.id, "reference scores full marks", abs(r["score"] - expected) < 1e-9, detail, time.monotonic() - start)

        return run

    def stub_check() -> Check:
        start = time.monotonic()
        r = _grade(course, lab, lab.assignment_dir, "stub", False)
        passed = [t["name"] for t in r["tests"] if t["status"] == "passed"]
        detail = f"{r['score']:g}/{lab.points:g}" + (f"; passing: {passed[:3]}" if passed else "")
        return Check(lab.id, "stub scores zero", r["score"] == 0, detail, time.monotonic() - start)

    def variant_check(variant: Path) -> Callable[[], Check]:
        def run() -> Check:
            start = time.monotonic()
            folder = variant_folder(lab, variant)
            try:
                r = _grade(course, lab, folder, f"variant-{variant.stem}", False)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            failed = [t["name"].split("::", 1)[-1] for t in r["tests"] if t["status"] != "passed"]
            lost = tests_max - r["score"]
            detail = f"{r['score']:g}/{tests_max:g}; fails {len(failed)}: {', '.join(failed[:4])}{' ...' if len(failed) > 4 else ''}"
            return Check(lab.id, f"variant {variant.stem} loses points", lost > 1e-9, detail, time.monotonic() - start)

        return run

    def variant_count() -> Check:
        n = len(lab.variants())
        return Check(lab.id, "at least five known-wrong variants", n >= 5, f"{n} variants")

    parallel: list[Callable[[], Check]] = [manifest_check, variant_count, lambda: _public_tests(lab), stub_check]
    parallel += [variant_check(v) for v in lab.variants()]
    alone: list[Callable[[], Check]] = []
    if lab.kernels and timing:
        alone.append(reference_check(True))
    else:
        parallel.append(reference_check(False))
    return parallel, alone


def validate_labs(course: Course, lab_ids: list[str], jobs: int, timing: bool, console: Console) -> bool:
    checks: list[Check] = []
    parallel: list[Callable[[], Check]] = []
    alone: list[Callable[[], Check]] = []
    start = time.monotonic()
    for lab_id in lab_ids or course.lab_ids():
        try:
            lab = course.lab(lab_id)
        except CourseError as exc:
            checks.append(Check(lab_id, "manifest is valid", False, str(exc)))
            continue
        checks.append(Check(lab.id, "manifest is valid", True, f"{len(lab.tests)} tests, {len(lab.kernels)} kernels, {lab.points:g} points"))
        p, a = _jobs_for(course, lab, timing)
        parallel += p
        alone += a

    def safe(job: Callable[[], Check]) -> Check:
        try:
            return job()
        except Exception as exc:  # noqa: BLE001 - one broken lab must not hide the others' results
            return Check("?", "check ran", False, f"{type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        checks += list(pool.map(safe, parallel))
    checks += [safe(job) for job in alone]
    checks.sort(key=lambda c: c.lab)
    table = Table("lab", "check", "result", "detail", "s", title="autograder validate")
    for c in checks:
        table.add_row(c.lab, escape(c.name), "[green]ok[/]" if c.ok else "[red]FAIL[/]", escape(c.detail), f"{c.seconds:.1f}")
    console.print(table)
    ok = all(c.ok for c in checks)
    failed = sum(not c.ok for c in checks)
    console.print(f"{len(checks)} checks, {failed} failed, {time.monotonic() - start:.1f} s")
    return ok
