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

from autograder.course import Course
from autograder.errors import GraderError

console = Console(width=None if sys.stdout.isatty() else 160)


class GraderGroup(click.Group):
    """The command group: the one place where the engine's own errors
    (:class:`autograder.errors.GraderError`: a bad manifest, an unreadable
    submission, a refused bundle, ...) become click's one-line ``Error: ...``
    with exit code 1 and no traceback. Subgroups run inside this invoke."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            raise click.ClickException(str(exc)) from None


def _course() -> Course:
    return Course()


def _lab(course: Course, lab_id: str):
    return course.lab(lab_id)


@click.group(cls=GraderGroup)
@click.version_option(package_name="llm-course-autograder")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Autograder for the LLM course: labs, grading, validation and benchmarks."""
    from autograder import scratch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    scratch.install_signal_handlers()
    ctx.with_resource(scratch.session())  # every private folder of this command, removed however it ends


@main.command("labs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def labs_cmd(as_json: bool) -> None:
    """List the labs: id, title, week, module, points."""
    labs = _course().summaries()
    if as_json:
        click.echo(json.dumps(labs, indent=2))
        return
    table = Table("id", "title", "week", "module", "points")
    for lab in labs:
        table.add_row(lab["id"], lab["title"], str(lab["week"]), lab["module"], f"{lab['points']:g}")
    console.print(table)


@main.command("test", context_settings={"ignore_unknown_options": True})
@click.argument("lab_id")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    help="Seconds one test may run before it fails, naming the function it was in "
    "(default: the lab's per-test grading limit, else 30; 0: no limit). Not while you are in the debugger.",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test_cmd(lab_id: str, timeout: float | None, pytest_args: tuple[str, ...]) -> None:
    """Run LAB's public tests on your working copy (in this process; --pdb works).

    Extra arguments go to pytest, e.g. ``autograder test lab02_text_statistics -k zipf --pdb``.
    A function that raises NotImplementedError (not written yet) is one line
    of the summary, not a failure with its source.
    """
    from autograder.course import Limits, public_index

    course = _course()
    folder = course.root / "assignments" / lab_id
    if not (folder / "tests").is_dir():
        labs = sorted(p.parent.name for p in (course.root / "assignments").glob("*/tests") if p.is_dir())
        raise click.ClickException(f"unknown lab {lab_id!r} (no public tests at {folder / 'tests'}); labs: {', '.join(labs) or 'none'}")
    if timeout is None:
        # the per-test limit grading uses: from the manifest, or in a student bundle
        # (no reference/) from the public index; else the manifests' default
        timeout = Limits().test_s
        if (course.root / "reference" / lab_id / "manifest.toml").is_file():
            timeout = _lab(course, lab_id).limits.test_s
        else:
            entry = next((lab for lab in public_index(course.root) if lab.get("id") == lab_id), {})
            limits = entry.get("limits")
            if isinstance(limits, dict) and isinstance(limits.get("test_s"), (int, float)):
                timeout = float(limits["test_s"])
    import pytest

    plugins = ["-p", "autograder.plugin", "-p", "pytest_timeout"] if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") else []
    code = pytest.main(
        [str(folder / "tests"), *plugins, "--lab-dir", str(folder), "-p", "no:cacheprovider", f"--timeout={timeout:g}", *pytest_args]
    )
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


def _policy(course: Course, path: Path | None):
    """The late policy: --policy FILE, else <course>/policy.toml if there is one."""
    from autograder.policy import load_policy

    path = path or (course.root / "policy.toml")
    if not path.is_file():
        if path != course.root / "policy.toml":
            raise click.ClickException(f"{path}: no such policy file")
        return None
    return load_policy(path, course.lab_ids())


def _grade_class(
    class_path: Path,
    out_dir: Path,
    lab_ids: tuple[str, ...],
    workers: int | None,
    no_timing: bool,
    policy_path: Path | None,
    regrade=None,
    capstone_csv: Path | None = None,
    participation_csv: Path | None = None,
    backend: str = "local",
    ray_address: str | None = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from autograder.batch import BatchCancelled, grade_class

    course = _course()
    if lab_ids:
        course.labs(list(lab_ids))  # unknown labs and bad manifests stop here, before any grading
    policy = _policy(course, policy_path)
    if backend == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise click.ClickException("--backend ray needs Ray: pip install -e '.[ray]'") from None
        ray_address = ray_address or "auto"
    elif ray_address:
        raise click.ClickException("--address goes with --backend ray")

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
            result = grade_class(
                course, class_path, out_dir, list(lab_ids), workers or os.cpu_count() or 1, not no_timing, Bar(progress), policy=policy, regrade=regrade,
                ray_address=ray_address if backend == "ray" else None,
            )
        except BatchCancelled as exc:
            progress.stop()
            console.print(
                f"[yellow]stopped:[/] {exc.graded} graded, {exc.left} not graded; every finished report is kept in {escape(str(out_dir))}.\n"
                "Run the same command again to grade the rest (finished reports are not graded again); "
                "it then writes the gradebook and the summary."
            )
            sys.exit(130)
    gradebook, summary = _write_class_outputs(course, out_dir, capstone_csv, participation_csv)
    for problem in result.problems:
        console.print(f"[yellow]note:[/] {escape(problem)}")
    kept = "" if regrade else f", kept {len(result.skipped)} unchanged"
    quizzes = f", {len(result.quizzes)} quiz answer files" if result.quizzes else ""
    console.print(f"graded {len(result.graded)}{kept}{quizzes}; {gradebook}, {summary}")


def _write_class_outputs(course: Course, out_dir: Path, capstone_csv: Path | None, participation_csv: Path | None) -> tuple[Path, Path]:
    """The gradebook (labs, quizzes, capstone, participation) and the class summary of an output folder."""
    from autograder import classreport, gradebook, leaderboard, similarity

    reports = classreport.load_reports(out_dir.resolve())
    path, book = gradebook.write_gradebook(course.root, reports, out_dir, capstone_csv, participation_csv)
    boards = leaderboard.build(reports, leaderboard.salt_for(out_dir))
    leaderboard.write_public(boards, out_dir / "leaderboards.json")
    summary = classreport.summarize(reports, similarity.load(out_dir.resolve()), book, gradebook.load_policy(course.root), boards)
    return path, classreport.write_summary(summary, out_dir / "summary.html")


CLASS_OPTIONS = [
    click.argument("class_path", type=click.Path(path_type=Path, exists=True)),
    click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Where reports, the gradebook and the summary go."),
    click.option("--workers", type=click.IntRange(min=1), default=None, help="Gradings at once, 1 or more (default: number of CPUs)."),
    click.option("--no-timing", is_flag=True, help="Skip kernel timing."),
    click.option("--policy", "policy_path", type=click.Path(path_type=Path), help="Late policy file (default: policy.toml in the course, if any)."),
    click.option("--capstone", "capstone_csv", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Staff's capstone scores (CSV: student, one level per rubric criterion) for the gradebook."),
    click.option("--participation", "participation_csv", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Participation scores (CSV: student,score from 0 to 100) for the gradebook."),
    click.option("--backend", type=click.Choice(["local", "ray"]), default="local", show_default=True, help="Where gradings run: local threads, or tasks on a Ray cluster (the [ray] extra)."),
    click.option("--address", "ray_address", default=None, help="With --backend ray: the cluster (host:port of `ray start --head`; 'local' starts one here). Default: auto."),
]


def _class_options(func):
    for option in reversed(CLASS_OPTIONS):
        func = option(func)
    return func


@main.command("batch")
@_class_options
@click.option("--labs", "lab_ids", multiple=True, help="Grade only these labs (default: every lab folder found).")
def batch_cmd(
    class_path: Path, out_dir: Path, lab_ids: tuple[str, ...], workers: int | None, no_timing: bool, policy_path: Path | None,
    capstone_csv: Path | None, participation_csv: Path | None, backend: str, ray_address: str | None,
) -> None:
    """Grade a whole class: a folder of student folders or zips, or a Gradescope or Canvas export.

    Each student's quiz answers (quizzes/weekNN.toml in their folder) are
    graded too. Resumable: run it again and only new or changed submissions
    are graded (the late policy is applied again to all)."""
    _grade_class(class_path, out_dir, lab_ids, workers, no_timing, policy_path, None, capstone_csv, participation_csv, backend, ray_address)


@main.command("regrade")
@_class_options
@click.option("--student", "students", multiple=True, help="Only this student (repeatable; default: all).")
@click.option("--lab", "lab_ids", multiple=True, help="Only this lab (repeatable; default: all).")
@click.option("--test", "tests", multiple=True, help="Only this hidden test (an id from the manifest, or a test function's name for all its cases; needs one --lab).")
def regrade_cmd(
    class_path: Path, out_dir: Path, workers: int | None, no_timing: bool, policy_path: Path | None, capstone_csv: Path | None, participation_csv: Path | None,
    backend: str, ray_address: str | None, students: tuple[str, ...], lab_ids: tuple[str, ...], tests: tuple[str, ...]
) -> None:
    """Grade again after a fix, although the submissions did not change: one
    student, one lab, or single tests (their new verdicts replace the old
    ones; every other result is kept). Each report records the regrade."""
    from autograder.batch import Regrade

    selected: list[str] = []
    if tests:
        if len(lab_ids) != 1:
            raise click.ClickException("--test needs exactly one --lab (test ids belong to a lab)")
        lab = _lab(_course(), lab_ids[0])
        for wanted in tests:
            match = [t for t in lab.tests if t == wanted or t.split("[")[0] == wanted or t.split("[")[0].split("::")[-1] == wanted]
            if not match:
                raise click.ClickException(f"{lab.manifest_path}: no test {wanted!r} in [tests]")
            selected.extend(m for m in match if m not in selected)
    _grade_class(class_path, out_dir, lab_ids, workers, no_timing, policy_path, Regrade(tuple(students), tuple(selected)), capstone_csv, participation_csv, backend, ray_address)


@main.command("gradebook")
@click.argument("out_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--capstone", "capstone_csv", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Staff's capstone scores (CSV: student, one level per rubric criterion).")
@click.option("--participation", "participation_csv", type=click.Path(path_type=Path, exists=True, dir_okay=False), help="Participation scores (CSV: student,score from 0 to 100).")
def gradebook_cmd(out_dir: Path, capstone_csv: Path | None, participation_csv: Path | None) -> None:
    """Rebuild OUT_DIR's gradebook and summary from its reports (labs, quizzes)
    and the staff's capstone and participation files, with course.toml's
    weights and letter cut-offs. Grades nothing."""
    gradebook, summary = _write_class_outputs(_course(), out_dir, capstone_csv, participation_csv)
    console.print(f"{gradebook}, {summary}")


@main.group("quiz")
def quiz_group() -> None:
    """Weekly quizzes: list them, show one (with a student's own values), write an answer template, grade an answer file."""


@quiz_group.command("list")
def quiz_list_cmd() -> None:
    """The course's quizzes: id, week, title, questions, points (and, where the
    keys are present, every key checked against its question)."""
    from autograder import quizzes

    for quiz in quizzes.load_quizzes(_course().root):
        console.print(f"{quiz.id}  week {quiz.week:2}  {len(quiz.questions)} questions, {quiz.points:g} points  {escape(quiz.title)}")


@quiz_group.command("show")
@click.argument("quiz_id")
@click.option("--student", help="Your student id as the roster has it: shows the values drawn for you.")
def quiz_show_cmd(quiz_id: str, student: str | None) -> None:
    """Print QUIZ_ID (e.g. week05) as Markdown."""
    from autograder import quizzes

    click.echo(quizzes.render(quizzes.load_quiz(_course().root, _quiz_id(quiz_id), with_keys=False), student))


@quiz_group.command("template")
@click.argument("quiz_id")
def quiz_template_cmd(quiz_id: str) -> None:
    """Print an empty answer file for QUIZ_ID (save it as quizzes/weekNN.toml in your submission)."""
    from autograder import quizzes

    click.echo(quizzes.answer_template(quizzes.load_quiz(_course().root, _quiz_id(quiz_id), with_keys=False)), nl=False)


@quiz_group.command("grade")
@click.argument("answers", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--student", required=True, help="The student's key (their values of drawn questions depend on it).")
@click.option("--quiz", "quiz_id", help="The quiz (default: from the file name, weekNN.toml).")
def quiz_grade_cmd(answers: Path, student: str, quiz_id: str | None) -> None:
    """Grade one answer file against the keys (staff: needs reference/quizzes)."""
    from autograder import quizzes

    root = _course().root
    quiz = quizzes.load_quiz(root, _quiz_id(quiz_id or answers.stem))
    if quiz.keys is None:
        raise click.ClickException(f"{root / 'reference' / 'quizzes' / (quiz.id + '.toml')}: no keys here (a student bundle has none)")
    result = quizzes.grade_quiz(quiz, answers, student, root)
    for problem in result["problems"]:
        console.print(f"[yellow]note:[/] {escape(problem)}")
    for q in result["questions"]:
        console.print(f"{q['id']:24} {q['points']:g}/{q['max_points']:g}  {q['status']}" + (f"  ({escape(q['feedback'])})" if q["feedback"] else ""))
    console.print(f"{quiz.id}: {result['score']:g}/{result['max_score']:g}")


def _quiz_id(text: str) -> str:
    """``5``, ``week5``, ``week05`` -> ``week05``."""
    digits = text.lower().removeprefix("week")
    return f"week{int(digits):02d}" if digits.isdigit() else text


@main.command("validate")
@click.argument("lab_ids", nargs=-1)
@click.option("--jobs", "-j", type=int, default=0, help="Gradings to run at once (default: number of CPUs).")
@click.option("--no-timing", is_flag=True, help="Do not time the reference's kernels against itself.")
@click.option("--all-tests", is_flag=True, help="Grade each variant on every hidden test, not only those that reach what it changes.")
@click.option("--full", is_flag=True, help="Grade each variant to the end and report every point it loses (default: stop at its first failing test).")
def validate_cmd(lab_ids: tuple[str, ...], jobs: int, no_timing: bool, all_tests: bool, full: bool) -> None:
    """Check labs: manifest, reference 100 %, stub 0, public tests, every wrong variant loses points."""
    from autograder.validate import validate_labs

    course = _course()
    ok = validate_labs(course, list(lab_ids), jobs or os.cpu_count() or 1, timing=not no_timing, console=console, reuse_reference=not all_tests, full=full)
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
@click.option(
    "--write",
    is_flag=True,
    help="Rewrite the manifest's [tests] table from the markers (every other line of manifest.toml, comments included, is kept as it is).",
)
def manifest_sync_cmd(lab_id: str, write: bool) -> None:
    """Print LAB's [tests] table from the hidden tests' points markers (--write: put it in the manifest).

    The ``@pytest.mark.points(N)`` markers are the one source of truth for
    points; ``autograder validate`` fails until the manifest agrees with them."""
    from autograder.course import Lab
    from autograder.validate import collect_points, marker_problems, write_tests_table

    course = _course()
    path = course.root / "reference" / lab_id / "manifest.toml"
    lab = Lab(course.root, path, {"id": lab_id})  # the manifest may still be incomplete: that is what this fixes
    if not lab.hidden_tests_dir.is_dir():
        raise click.ClickException(f"{lab.hidden_tests_dir}: no hidden tests (unknown lab {lab_id!r}?)")
    points = collect_points(lab)
    if not write:
        click.echo("[tests]")
        for test_id, p in points.items():
            click.echo(f"{json.dumps(test_id, ensure_ascii=False)} = {p:g}")
        return
    before = _manifest_tests(path)
    changed, problem = write_tests_table(lab, points)
    if not changed:
        console.print(escape(f"{path}: [tests] already agrees with the markers ({len(points)} tests, {sum(points.values()):g} points)"))
    else:
        what = "; ".join(marker_problems(before, points)) if before is not None else "written"
        console.print(escape(f"wrote {path}: [tests] now has {len(points)} tests, {sum(points.values()):g} points ({what})"))
    if problem:
        raise click.ClickException(f"[tests] now follows the markers, but the manifest is not valid yet: {problem} (change the markers, or the manifest's points)")


def _manifest_tests(path: Path) -> dict[str, float] | None:
    """The [tests] table as the manifest has it now (None if it cannot be read)."""
    import tomllib

    try:
        tests = tomllib.loads(path.read_text(encoding="utf-8")).get("tests", {})
        return {k: float(v) for k, v in tests.items()}
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError):
        return None


@main.group("export")
def export_group() -> None:
    """Export a lab for another grading platform (Gradescope, Otter-Grader)."""


@export_group.command("gradescope")
@click.argument("lab_id")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help="The autograder zip to write.")
def export_gradescope_cmd(lab_id: str, out_path: Path) -> None:
    """Write a Gradescope autograder zip for LAB (setup.sh and run_autograder at its root)."""
    from autograder.exports.gradescope import build_autograder_zip

    course = _course()
    path = build_autograder_zip(course, _lab(course, lab_id), out_path)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


@export_group.command("otter")
@click.argument("lab_id")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="The folder to write.")
def export_otter_cmd(lab_id: str, out_dir: Path) -> None:
    """Write what an Otter-Grader 7 course needs to grade LAB (runs in the student's process)."""
    from autograder.exports.otter import export_lab

    course = _course()
    path = export_lab(course, _lab(course, lab_id), out_dir)
    console.print(f"wrote {path}")


@main.group("handouts")
def handouts_group() -> None:
    """Build the handouts."""


@handouts_group.command("build")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
def handouts_build_cmd(out_dir: Path) -> None:
    """Render every lab's handout and a course index into a static HTML site."""
    from autograder.handouts import build_site

    course = _course()
    index = build_site(course, out_dir)
    console.print(f"wrote {index}")


@main.command("publish")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True, help="The student bundle (.zip) to write.")
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Publish even if assignments/, handouts/ or a manifest differs from git's HEAD, or the course is not a git checkout.",
)
@click.option(
    "--skip-stub-check",
    is_flag=True,
    help="Do not grade the stubs before publishing (by default each must score 0). Only right after `autograder validate` passed.",
)
def publish_cmd(out_path: Path, allow_dirty: bool, skip_stub_check: bool) -> None:
    """Build the student bundle: assignments, rendered handouts, the grader for local tests; no solutions, no hidden tests.

    Refuses, writing nothing, when assignments/, handouts/ or a manifest is
    not committed (--allow-dirty overrides), when the leak scan finds
    reference material, or when a stub graded as it will ship scores above 0
    (--skip-stub-check skips that grading)."""
    from autograder.publish import build_bundle

    course = _course()
    path, scan = build_bundle(
        course, out_path, allow_dirty=allow_dirty, stub_check=not skip_stub_check, progress=lambda m: console.print(escape(m))
    )
    if scan.uncommitted is None and allow_dirty:
        console.print("[yellow]warning:[/] --allow-dirty: not a git checkout; nothing shows these files were committed")
    elif scan.uncommitted:
        listed = "\n  ".join(escape(f) for f in scan.uncommitted)
        console.print(f"[yellow]warning:[/] --allow-dirty: published {len(scan.uncommitted)} file(s) that differ from git's HEAD:\n  {listed}")
    if scan.stubs is None:
        stubs = "stubs: not graded (--skip-stub-check)"
    else:
        stubs = f"stubs: all {len(scan.stubs.grades)} score 0 ({scan.stubs.seconds:.0f} s, {scan.stubs.workers} in parallel)"
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {scan.files} files); leak scan: clean; {stubs}")


@main.command("mutate")
@click.argument("lab_ids", nargs=-1)
@click.option("--jobs", "-j", type=int, default=0, help="Mutants to run at once (default: number of CPUs).")
@click.option("--json", "json_path", type=click.Path(path_type=Path), help="Also write the full report (every mutant, with its diff) here: one lab's report, or a list for several labs.")
@click.option("--no-cache", is_flag=True, help="Run every mutant again (read nothing from reference/LAB/.mutants-cache.json; it is rewritten).")
@click.option("--no-store", is_flag=True, help="Do not write reference/LAB/mutation.json (the stored score validate reads).")
@click.option("--timeout-factor", type=float, default=10.0, show_default=True, help="A mutant may run this many times its tests' clean time, plus 10 s, before it counts as killed by a timeout.")
@click.option("--operator", "operators", multiple=True, help="Only cosmic-ray operators whose name contains this (repeatable; nothing is stored then).")
@click.option("--fail-under", type=float, help="Exit 1 if a lab's score is below this (0 to 1).")
def mutate_cmd(lab_ids: tuple[str, ...], jobs: int, json_path: Path | None, no_cache: bool, no_store: bool, timeout_factor: float, operators: tuple[str, ...], fail_under: float | None) -> None:
    """Mutation-test the hidden tests of LAB (default: every lab).

    cosmic-ray's operators change the reference solution one place at a time;
    each mutant runs against the hidden tests that call the changed function
    and is killed when one fails. Prints the score (killed / (mutants -
    equivalent)) and the survivors with their diffs; a survivor that no input
    allowed by the docstrings can tell apart goes into the manifest's
    [[mutation.equivalent]] with a reason (see docs/lab-contract.md).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from autograder.mutation import MutationError, run_mutation
    from autograder.mutation.mutants import operator_names

    course = _course()
    labs = [_lab(course, i) for i in (lab_ids or course.lab_ids())]
    chosen = None
    if operators:
        chosen = [n for n in operator_names() if any(o in n for o in operators)]
        if not chosen:
            raise click.ClickException(f"no cosmic-ray operator matches {list(operators)}")
    reports = []
    columns = [TextColumn("{task.description:40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    for lab in labs:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(f"{lab.id}: starting", total=None)

            def advance(done: int, total: int, result: dict, task=task, progress=progress, lab=lab) -> None:
                progress.update(task, completed=done, total=total, description=f"{lab.id}: mutants")

            try:
                report = run_mutation(
                    lab,
                    jobs=jobs or None,
                    use_cache=not no_cache,
                    store=not no_store,
                    timeout_factor=timeout_factor,
                    operators=chosen,
                    progress=advance,
                )
            except MutationError as exc:
                raise click.ClickException(str(exc)) from None
        reports.append(report)
        _print_mutation_report(report)
    if len(reports) > 1:
        table = Table("lab", "mutants", "killed", "survived", "equivalent", "score", "s", title="autograder mutate")
        for r in reports:
            table.add_row(r["lab"], str(r["total"]), str(r["killed"]), str(r["survived"]), str(r["equivalent"]), _score_text(r["score"]), f"{r['seconds']:.0f}")
        console.print(table)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(reports[0] if len(reports) == 1 else reports, indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {json_path}")
    if fail_under is not None and any(r["score"] is not None and r["score"] < fail_under for r in reports):
        sys.exit(1)


def _score_text(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.1f} %"


def _print_mutation_report(r: dict) -> None:
    survivors = r["survivors"]
    if survivors:
        table = Table("id", "where", "operator", "change", title=f"{r['lab']}: {len(survivors)} surviving mutants", show_lines=True)
        for s in survivors:
            changed = "\n".join(line for line in s["diff"].splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---")))
            where = f"{s['file']}:{s['line']}" + (f"\n{s['function']}" if s.get("function") else "\n(module level)")
            note = {"uncovered": "\n(no test calls it)", "error": "\n(runner error)"}.get(s["status"], "")
            table.add_row(s["id"], escape(where + note), s["operator"].removeprefix("core/"), escape(changed))
        console.print(table)
    for w in r["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    parts = [f"{r['total']} mutants", f"{r['killed']} killed" + (f" ({r['timeouts']} by timeout)" if r["timeouts"] else ""), f"{r['survived']} survived"]
    parts += [f"{r['equivalent']} equivalent"] if r["equivalent"] else []
    parts += [f"{r['cached']} from the cache"] if r["cached"] else []
    extra = [f"{r['incompetent']} not compilable"] if r["incompetent"] else []
    extra += [f"{r['skipped_annotations']} places in postponed annotations"] if r["skipped_annotations"] else []
    console.print(
        f"[bold]{r['lab']}[/]: mutation score [bold]{_score_text(r['score'])}[/] ({', '.join(parts)}; {r['seconds']:.0f} s)"
        + (f"; not counted: {', '.join(extra)}" if extra else "")
    )
    if survivors:
        console.print("A survivor that no input allowed by the docstrings can tell apart goes into the manifest:")
        console.print(escape(f'[[mutation.equivalent]]\nid = "{survivors[0]["id"]}"\nreason = "..."'))


if __name__ == "__main__":
    main()
