"""Grading whole submissions: which labs, in what order, where reports go."""

from __future__ import annotations

from pathlib import Path

from autograder import grading, report
from autograder.course import Course
from autograder.submission import SubmissionError, open_submission


def grade_submission(
    course: Course,
    path: Path,
    lab_ids: list[str],
    out_dir: Path,
    student: str | None = None,
    timing: bool = True,
    seed: int | None = None,
) -> list[dict]:
    """Grade every requested lab of one submission and write the reports.

    A submission that cannot be read still gets a report for each requested
    lab saying why (score 0); with no lab requested that is an error
    (:class:`SubmissionError`). An unknown lab raises :class:`CourseError`.
    """
    out_dir = out_dir.resolve()
    options = grading.GradeOptions(timing=timing, seed=seed)
    labs = [course.lab(i) for i in lab_ids]
    try:
        sub = open_submission(path, student)
    except SubmissionError as exc:
        if not labs:
            raise
        name = student or path.stem
        results = [report.refused(lab, name, [str(exc)]) for lab in labs]
        for r in results:
            grading.write_report(r, out_dir)
        return results
    try:
        folders = sub.lab_folders()
        if not labs:
            unknown = [f for f in folders if f not in course.lab_ids()]
            labs = [course.lab(f) for f in folders if f in course.lab_ids()]
            if not labs:
                if len(lab_ids) == 0 and not folders:
                    raise SubmissionError(
                        f"{path}: no labNN_slug/ folders found; expected e.g. {course.lab_ids()[:1]} (or pass --lab)"
                    )
            for f in unknown:
                sub.problems.append(f"{f}/ is not a lab of this course and was ignored")
        hide = grading.hidden_paths(course, out_dir, path.resolve(), ())
        results = []
        for lab in labs:
            folder = folders.get(lab.id)
            if folder is None and len(lab_ids) == 1 and (sub.root / f"{lab.entry}.py").is_file():
                folder = sub.root  # the lab's files at the top of the submission
            result = grading.run_lab(course, lab, folder, sub.student, options, hide, problems=sub.problems)
            grading.write_report(result, out_dir)
            results.append(result)
        return results
    finally:
        sub.cleanup()
