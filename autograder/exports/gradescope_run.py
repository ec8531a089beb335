"""What runs inside Gradescope for every submission (``run_autograder`` starts it).

``python -m autograder.exports.gradescope_run --root /autograder --lab LAB [--no-timing]``

Grades ``ROOT/submission`` with the same engine as ``autograder grade``
(:func:`autograder.grading.run_lab`: the trusted runner, the sandboxed
worker) and writes ``ROOT/results/results.json``. Whatever goes wrong, a
valid results.json is written (score 0 and the reason) and the exit code is 0.

The course is ``$AUTOGRADER_COURSE``, else ``ROOT/source/course`` (where
Gradescope unpacks the zip's ``course/``). Student code never sees ROOT:
the hidden tests, the submission folder and the results all live there.
What it prints here (stdout) is for the staff: Gradescope shows it only to
instructors, and it includes the runner's log with hidden test tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from autograder import grading, report
from autograder.course import Course, Lab
from autograder.exports.gradescope import COURSE_DIR, error_results, to_results, write_results
from autograder.submission import LAB_DIR, Submission, SubmissionError, open_submission

STUDENT = "submission"


def course_for(root: Path) -> Course:
    configured = os.environ.get("AUTOGRADER_COURSE")
    return Course(Path(configured) if configured else root / "source" / COURSE_DIR)


def open_gradescope_submission(folder: Path) -> Submission:
    """The uploaded files: as they are, or the one zip the student uploaded instead."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"] if folder.is_dir() else []
    if len(entries) == 1 and entries[0].is_file() and entries[0].suffix.lower() == ".zip":
        return open_submission(entries[0], STUDENT)
    return open_submission(folder, STUDENT)


def lab_folder(sub: Submission, lab: Lab) -> Path:
    """Where the lab's files are: a ``labNN_slug/`` folder of this lab, else the top of the submission.

    Gradescope uploads are usually the bare files (``text_stats.py``); a
    folder named after the lab (as in the course's own layout) works too.
    """
    folders = sub.lab_folders()
    if lab.id in folders:
        return folders[lab.id]
    others = [name for name in folders if name != lab.id and LAB_DIR.match(name)]
    if others and not (sub.root / f"{lab.entry}.py").is_file():
        sub.problems.append(f"found {', '.join(o + '/' for o in others)} but this assignment is {lab.id}")
    return sub.root


def hidden_for(course: Course, root: Path) -> list[Path]:
    """What the worker must not see: all of ROOT (the submission folder's parent), which holds the
    hidden tests, the results and the submission, and the course's reference/ wherever it is.
    :func:`grading.hidden_paths` never covers this package or the Python the worker runs on."""
    return grading.hidden_paths(course, root / "results", root / "submission", (root / "source", course.root / "reference"))


def grade(root: Path, lab_id: str, timing: bool) -> tuple[dict, str]:
    """Grade ``root/submission``; return (our report, the staff log)."""
    course = course_for(root)
    lab = course.lab(lab_id)
    submission = root / "submission"
    try:
        sub = open_gradescope_submission(submission)
    except SubmissionError as exc:
        return report.build(lab, STUDENT, [], time.time(), errors=[str(exc)]), ""
    try:
        options = grading.GradeOptions(timing=timing)
        result = grading.run_lab(course, lab, lab_folder(sub, lab), STUDENT, options, hidden_for(course, root), problems=sub.problems)
    finally:
        sub.cleanup()
    log = result.pop("_instructor_log", "")
    return result, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradescope_run", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", "/autograder")))
    parser.add_argument("--lab", required=True, help="the lab this assignment grades")
    parser.add_argument("--no-timing", action="store_true", help="skip kernel timing (speed points are then 0)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    root = args.root.resolve()
    started = time.time()
    # one more layer where workers run as another uid but without mount namespaces
    (root / "results").mkdir(parents=True, exist_ok=True)
    os.chmod(root / "results", 0o700)
    try:
        result, log = grade(root, args.lab, timing=not args.no_timing)
        results = to_results(result)
    except Exception as exc:  # a broken grader must still give Gradescope a results.json
        traceback.print_exc(file=sys.stdout)
        results = error_results(f"{type(exc).__name__}: {exc}", time.time() - started)
        log = ""
    path = write_results(results, root / "results" / "results.json")
    print(f"score {results['score']:g}; wrote {path}")
    for test in results["tests"]:
        print(f"  {test['status']:6} {test['score']:g}/{test['max_score']:g}  {test['name']}")
    if log:
        print("\n==== runner log (staff only) ====\n" + log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
