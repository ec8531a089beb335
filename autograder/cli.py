"""The ``autograder`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.course import Course, CourseError

console = Console(width=None if sys.stdout.isatty() else 160)


def _course() -> Course:
    try:
        return Course()
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None


def _lab(course: Course, lab_id: str):
    try:
        return course.lab(lab_id)
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
@click.version_option(package_name="llm-course-autograder")
def main() -> None:
    """Autograder for the LLM course: labs, grading, validation and benchmarks."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


@main.command("labs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def labs_cmd(as_json: bool) -> None:
    """List the labs: id, title, week, module, points."""
    course = _course()
    try:
        labs = [lab.summary() for lab in course.labs()]
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(labs, indent=2))
        return
    table = Table("id", "title", "week", "module", "points")
    for lab in labs:
        table.add_row(lab["id"], lab["title"], str(lab["week"]), lab["module"], f"{lab['points']:g}")
    console.print(table)


@main.command("test", context_settings={"ignore_unknown_options": True})
@click.argument("lab_id")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test_cmd(lab_id: str, pytest_args: tuple[str, ...]) -> None:
    """Run LAB's public tests on your working copy (in this process; --pdb works).

    Extra arguments go to pytest, e.g. ``autograder test lab02_text_statistics -k zipf --pdb``.
    """
    course = _course()
    folder = course.root / "assignments" / lab_id
    if not (folder / "tests").is_dir():
        raise click.ClickException(f"no public tests at {folder / 'tests'}")
    import pytest

    plugin = ["-p", "autograder.plugin"] if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") else []
    code = pytest.main([str(folder / "tests"), *plugin, "--lab-dir", str(folder), "-p", "no:cacheprovider", *pytest_args])
    sys.exit(int(code))


@main.command("grade")
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--lab", "lab_ids", multiple=True, help="Grade only these labs (default: every lab folder in the submission).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("grades"), show_default=True)
@click.option("--student", help="Student name (default: the folder or zip name).")
@click.option("--no-timing", is_flag=True, help="Skip kernel timing (speed points are then 0).")
@click.option("--seed", type=int, help="Seed for kernel inputs (default: random, unknown to the student).")
def grade_cmd(submission: Path, lab_ids: tuple[str, ...], out_dir: Path, student: str | None, no_timing: bool, seed: int | None) -> None:
    """Grade one SUBMISSION (a folder or a .zip holding labNN_slug/ folders)."""
    from autograder.service import grade_submission

    course = _course()
    results = grade_submission(course, submission, list(lab_ids), out_dir, student, timing=not no_timing, seed=seed)
    _print_results(results)


def _print_results(results: list[dict]) -> None:
    table = Table("student", "lab", "score", "notes")
    for r in results:
        notes = "; ".join(r.get("errors", []) + [i["message"] for i in r.get("incidents", [])][:2])
        table.add_row(escape(r["student"]), r["lab"]["id"], f"{r['score']:g} / {r['max_score']:g}", escape(notes[:120]))
    console.print(table)


@main.command("batch")
@click.argument("class_path", type=click.Path(path_type=Path, exists=True))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Where reports, the gradebook and the summary go.")
@click.option("--labs", "lab_ids", multiple=True, help="Grade only these labs (default: every lab folder found).")
@click.option("--workers", type=int, default=0, help="Gradings at once (default: number of CPUs).")
@click.option("--no-timing", is_flag=True, help="Skip kernel timing.")
def batch_cmd(class_path: Path, out_dir: Path, lab_ids: tuple[str, ...], workers: int, no_timing: bool) -> None:
    """Grade a whole class: a folder of student folders or zips, or a Gradescope or Canvas export."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from autograder import classreport
    from autograder.batch import grade_class
    from autograder.submission import SubmissionError

    course = _course()
    try:
        course.labs(list(lab_ids)) if lab_ids else None
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None

    class Bar:
        def __init__(self, progress: Progress) -> None:
            self.progress = progress
            self.task = None

        def start(self, total: int) -> None:
            self.task = self.progress.add_task("grading", total=total)

        def advance(self, r: dict) -> None:
            self.progress.update(self.task, advance=1, description=f"{r['student']} {r['lab']['id']}")

    columns = [TextColumn("{task.description:40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=not console.is_terminal) as progress:
        try:
            result = grade_class(course, class_path, out_dir, list(lab_ids), workers or os.cpu_count() or 1, not no_timing, Bar(progress))
        except SubmissionError as exc:
            raise click.ClickException(str(exc)) from None
    reports = classreport.load_reports(out_dir.resolve())
    gradebook = classreport.write_gradebook(course, reports, out_dir / "gradebook.csv")
    summary = classreport.write_summary(classreport.summarize(reports), out_dir / "summary.html")
    for problem in result.problems:
        console.print(f"[yellow]note:[/] {escape(problem)}")
    console.print(f"graded {len(result.graded)}, kept {len(result.skipped)} unchanged; {gradebook}, {summary}")


@main.command("validate")
@click.argument("lab_ids", nargs=-1)
@click.option("--jobs", "-j", type=int, default=0, help="Gradings to run at once (default: number of CPUs).")
@click.option("--no-timing", is_flag=True, help="Do not time the reference's kernels against itself.")
def validate_cmd(lab_ids: tuple[str, ...], jobs: int, no_timing: bool) -> None:
    """Check labs: manifest, reference 100 %, stub 0, public tests, every wrong variant loses points."""
    from autograder.validate import validate_labs

    course = _course()
    ok = validate_labs(course, list(lab_ids), jobs or os.cpu_count() or 1, timing=not no_timing, console=console)
    sys.exit(0 if ok else 1)


@main.command("bench")
@click.argument("lab_id")
@click.option("--submission", type=click.Path(path_type=Path), help="Also time this submission against the reference.")
@click.option("--runs", type=int, default=20, show_default=True, help="Timing sessions of the reference against itself.")
def bench_cmd(lab_id: str, submission: Path | None, runs: int) -> None:
    """Time LAB's kernels: the reference against itself (fairness) and optionally a submission."""
    from autograder.bench import bench_lab

    course = _course()
    bench_lab(course, _lab(course, lab_id), submission, runs, console)


@main.command("manifest-sync")
@click.argument("lab_id")
def manifest_sync_cmd(lab_id: str) -> None:
    """Print LAB's [tests] table from the hidden tests' points markers."""
    from autograder.validate import collect_points

    from autograder.course import Lab

    course = _course()
    path = course.root / "reference" / lab_id / "manifest.toml"
    lab = Lab(course.root, path, {"id": lab_id})  # the manifest may still be incomplete: that is what this fixes
    try:
        points = collect_points(lab)
    except CourseError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("[tests]")
    for test_id, p in points.items():
        click.echo(f'"{test_id}" = {p:g}')


if __name__ == "__main__":
    main()
