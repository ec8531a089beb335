"""The student bundle: what students need, nothing from reference/ or examples/, and a leak scan that catches mistakes."""

import ast
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from autograder import publish
from autograder.cli import main
from autograder.course import Course
from autograder.publish import (
    BUNDLE_ROOT,
    BundleLeak,
    BundleRefused,
    StubCheck,
    StubGrade,
    build_bundle,
    check_stubs,
    read_zip,
    scan_members,
    scan_zip,
    uncommitted,
)
from conftest import FIXTURE_COURSE, REPO

LAB02 = "lab02_text_statistics"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student.zip"
    # the checks before the build have their own tests below, on small course checkouts
    path, scan = build_bundle(Course(REPO), out, allow_dirty=True, stub_check=False)
    assert path == out.resolve() and path.is_file()
    return path, scan


@pytest.fixture(scope="module")
def members(bundle) -> dict[str, bytes]:
    return read_zip(bundle[0])


def test_bundle_has_what_students_need(bundle, members):
    path, scan = bundle
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert all(n.startswith(BUNDLE_ROOT + "/") for n in names)  # unpacks into one folder
    assert scan.files == len(names) == len(members)
    for name in (
        f"assignments/{LAB02}/text_stats.py",
        f"assignments/{LAB02}/tests/test_public.py",
        "assignments/lab01_text_sources/tests/data/tweets_page.json",
        "site/index.html",
        f"site/{LAB02}.html",
        "autograder/cli.py",
        "autograder/plugin.py",
        "autograder/schemas/manifest.schema.json",
        "autograder/templates/handout.html.j2",
        "pyproject.toml",
        "README.md",
    ):
        assert name in members, name
    assert members[f"assignments/{LAB02}/text_stats.py"] == (REPO / "assignments" / LAB02 / "text_stats.py").read_bytes()


def test_bundle_has_nothing_from_reference_examples_or_caches(members):
    for name in members:
        parts = PurePosixPath(name).parts
        assert parts[0] not in ("reference", "examples", "grades", "tests", "handouts", ".git"), name
        assert "__pycache__" not in parts and not name.endswith((".pyc", ".pyo")), name
        assert not any(p.startswith(".") for p in parts), name


def test_no_member_has_the_bytes_of_a_reference_file(members):
    files = [p for p in (REPO / "reference").rglob("*") if p.is_file() and p.stat().st_size]
    secret = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in files}
    for name, data in members.items():
        assert hashlib.sha256(data).hexdigest() not in secret, name


def test_scan_of_the_written_bundle_is_clean_and_fast(bundle):
    path, built = bundle
    scan = scan_zip(Course(REPO), path)
    assert scan.files == built.files and not scan.leaks
    assert scan.distinctive_lines > 1000  # the solutions and hidden tests were really read
    assert scan.seconds < 5


def test_readme_is_for_students(members):
    readme = members["README.md"].decode()
    assert "pip install -e ." in readme and f"autograder test {LAB02}" in readme and "site/index.html" in readme
    for lab_id in Course(REPO).lab_ids():
        assert f"`{lab_id}`" in readme
    assert "reference/" not in readme and "examples/" not in readme


def test_unpacked_bundle_runs_the_public_tests(bundle, tmp_path: Path):
    """In the unpacked bundle, `autograder test` collects and runs the public tests (they fail on the stub)."""
    with zipfile.ZipFile(bundle[0]) as zf:
        zf.extractall(tmp_path)
    root = tmp_path / BUNDLE_ROOT
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_COURSE", "PYTHONPATH")}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "autograder.cli", *args], cwd=root, env=env, capture_output=True, text=True
    )
    unknown = run("test", "lab99_nope")  # a clean error, no traceback
    assert unknown.returncode == 1 and "no public tests" in unknown.stderr and "Traceback" not in unknown.stderr
    tested = run("test", LAB02, "-q", "-x")
    out = tested.stdout + tested.stderr
    assert tested.returncode == 1, out  # pytest's "tests failed"
    assert "not implemented yet" in out and "1 not implemented" in out and "Traceback (most recent call last)" not in out
    listed = run("labs", "--json")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert LAB02 in {lab["id"] for lab in json.loads(listed.stdout)}  # from the bundle's public index


# ---- the leak scan catches mistakes ------------------------------------------------------------------


def test_member_under_reference_is_a_leak(members):
    planted = {**members, f"reference/{LAB02}/manifest.toml": b"id = 'x'\n"}
    with pytest.raises(BundleLeak, match=rf"reference/{LAB02}/manifest.toml: under reference/"):
        scan_members(Course(REPO), planted)
    with pytest.raises(BundleLeak, match=r"examples/class/notes.txt: under examples/"):
        scan_members(Course(REPO), {**members, "examples/class/notes.txt": b"hi\n"})


def test_copy_of_a_reference_file_is_a_leak_under_any_name(members):
    data = (REPO / "reference" / LAB02 / "tests" / "test_hidden.py").read_bytes()
    planted = {**members, f"assignments/{LAB02}/tests/test_more.py": data}
    expected = rf"assignments/{LAB02}/tests/test_more.py: same bytes as reference/{LAB02}/tests/test_hidden.py"
    with pytest.raises(BundleLeak, match=expected):
        scan_members(Course(REPO), planted)
    blob = (REPO / "reference" / "lab01_text_sources" / "data" / "wiki" / "small.xml.bz2").read_bytes()
    with pytest.raises(BundleLeak, match=r"site/x.bin: same bytes as reference/lab01_text_sources/data/wiki/small.xml.bz2"):
        scan_members(Course(REPO), {**members, "site/x.bin": blob})


def solution_only_line() -> str:
    """A long line of lab02's solution that the stub does not have."""
    stub = {line.strip() for line in (REPO / "assignments" / LAB02 / "text_stats.py").read_text().splitlines()}
    solution = (REPO / "reference" / LAB02 / "solution" / "text_stats.py").read_text().splitlines()
    candidates = (line.strip() for line in solution)
    return next(s for s in candidates if len(s) >= 40 and s not in stub and not s.startswith(("#", "import", "from")))


def test_a_solution_line_in_a_page_is_a_leak(members):
    name = f"site/{LAB02}.html"
    line = solution_only_line()
    page = members[name].decode().replace("</body>", f"<pre><code>    {html.escape(line)}\n</code></pre></body>")
    with pytest.raises(BundleLeak) as caught:
        scan_members(Course(REPO), {**members, name: page.encode()})
    message = str(caught.value)
    assert name in message and f"reference/{LAB02}/solution/text_stats.py" in message


def test_what_the_stub_shares_with_the_solution_is_not_a_leak(members):
    """Signatures, docstrings and constants are in both the stub and the solution: a copy of them is fine."""
    stub = (REPO / "assignments" / LAB02 / "text_stats.py").read_text()
    scan_members(Course(REPO), {**members, "site/notes.txt": ("# notes\n" + stub).encode()})


def test_build_refuses_a_leaking_bundle_and_writes_nothing(toy_course: Course, tmp_path: Path, monkeypatch):
    """A handout quoting the solution: the build fails naming the page and the solution; no zip is left."""
    solution = (toy_course.root / "reference/lab98_toy/solution/toy.py").read_text()
    line = next(line.strip() for line in solution.splitlines() if line.strip().startswith('return {"n"'))
    (toy_course.root / "handouts").mkdir()
    (toy_course.root / "handouts" / "lab98_toy.md").write_text(f"# Toy\n\n## Tasks\n\n```python\n{line}\n```\n")
    out = tmp_path / "toy.zip"
    with pytest.raises(BundleLeak, match=r"site/lab98_toy.html:\d+: repeats reference/lab98_toy/solution/toy.py"):
        build_bundle(toy_course, out, allow_dirty=True)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    monkeypatch.setenv("AUTOGRADER_COURSE", str(toy_course.root))
    result = CliRunner().invoke(main, ["publish", "--out", str(out), "--allow-dirty"])
    assert result.exit_code == 1 and "site/lab98_toy.html" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_build_checks_every_member_it_collects(toy_course: Course, tmp_path: Path, monkeypatch):
    """The scan runs on the members actually written, whatever collected them."""
    collect = publish.collect_members
    monkeypatch.setattr(publish, "collect_members", lambda course, site: {**collect(course, site), "examples/x.txt": b"x"})
    with pytest.raises(BundleLeak, match="examples/x.txt"):
        build_bundle(toy_course, tmp_path / "b.zip", allow_dirty=True)
    monkeypatch.undo()
    path, scan = build_bundle(toy_course, tmp_path / "b.zip", allow_dirty=True, stub_check=False)
    assert scan.files == len(read_zip(path)) and "assignments/lab98_toy/toy.py" in read_zip(path)


# ---- before publishing: committed files, stubs that score 0 ---------------------------------------------


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    ident = ["-c", "user.name=TA", "-c", "user.email=ta@example.org", "-c", "commit.gpgsign=false"]
    proc = subprocess.run(["git", *ident, *args], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def git_course(root: Path, labs: tuple[str, ...] = ("lab98_toy",)) -> Course:
    """A course checkout with these labs (lab98_toy from the fixture course, the others from
    this repository: stub, public tests, reference and handout), committed in a fresh git repository."""
    for lab in labs:
        source = FIXTURE_COURSE if lab == "lab98_toy" else REPO
        for part in ("assignments", "reference"):
            shutil.copytree(source / part / lab, root / part / lab, ignore=shutil.ignore_patterns("__pycache__"))
        handout = source / "handouts" / f"{lab}.md"
        if handout.is_file():
            (root / "handouts").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(handout, root / "handouts" / handout.name)
    (root / ".gitignore").write_text("__pycache__/\n*.pyc\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the course")
    return Course(root)


def publish_cli(course: Course, out: Path, *flags: str, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course.root))
    return CliRunner().invoke(main, ["publish", "--out", str(out), *flags])


def test_publish_refuses_uncommitted_files_and_names_them(tmp_path: Path, monkeypatch):
    """An edited stub, a staged manifest change and a new handout: refused before anything is graded or written."""
    course = git_course(tmp_path / "course")
    stub = course.root / "assignments/lab98_toy/toy.py"
    stub.write_text(stub.read_text() + "\n# a TA's local edit\n")
    manifest = course.root / "reference/lab98_toy/manifest.toml"
    manifest.write_text(manifest.read_text() + "\n# retitled\n")
    git(course.root, "add", "reference/lab98_toy/manifest.toml")
    (course.root / "handouts").mkdir()
    (course.root / "handouts/lab98_toy.md").write_text("# Toy\n")
    (course.root / "assignments/lab98_toy/__pycache__").mkdir()
    (course.root / "assignments/lab98_toy/__pycache__/toy.cpython-311.pyc").write_bytes(b"\0")  # never ships: not named
    (course.root / "reference/lab98_toy/solution/toy.py").write_text("# work on the solution: not published, not checked\n")
    out = tmp_path / "student.zip"
    result = publish_cli(course, out, monkeypatch=monkeypatch)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    text = " ".join(result.output.split())
    assert "assignments/lab98_toy/toy.py (modified)" in text
    assert "reference/lab98_toy/manifest.toml (modified, staged)" in text
    assert "handouts/lab98_toy.md (untracked)" in text
    assert "3 file(s)" in text and "--allow-dirty" in text and "git's HEAD" in text
    assert "__pycache__" not in text and "solution" not in text
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert uncommitted(course.root) == [
        "assignments/lab98_toy/toy.py (modified)",
        "handouts/lab98_toy.md (untracked)",
        "reference/lab98_toy/manifest.toml (modified, staged)",
    ]


def test_allow_dirty_publishes_the_working_tree_and_says_so(tmp_path: Path, monkeypatch):
    course = git_course(tmp_path / "course")
    stub = course.root / "assignments/lab98_toy/toy.py"
    edited = stub.read_text() + "\n# a TA's local edit\n"
    stub.write_text(edited)
    out = tmp_path / "student.zip"
    result = publish_cli(course, out, "--allow-dirty", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "--allow-dirty: published 1 file(s) that differ from git's HEAD" in text
    assert "assignments/lab98_toy/toy.py (modified)" in text
    assert "stubs: all 1 score 0" in text  # the edit solves nothing: the stub still earns nothing
    assert read_zip(out)["assignments/lab98_toy/toy.py"] == edited.encode()


def test_a_course_outside_git_is_refused_unless_allow_dirty(toy_course: Course, tmp_path: Path, monkeypatch):
    out = tmp_path / "student.zip"
    with pytest.raises(BundleRefused, match=r"is not a git checkout .*\n.*--allow-dirty"):
        build_bundle(toy_course, out)
    result = publish_cli(toy_course, out, monkeypatch=monkeypatch)
    assert result.exit_code == 1 and "not a git checkout" in result.output and "--allow-dirty" in result.output
    assert not out.exists()
    result = publish_cli(toy_course, out, "--allow-dirty", "--skip-stub-check", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "not a git checkout" in result.output and "stubs: not graded (--skip-stub-check)" in result.output
    assert out.is_file()


def solve_one_function(stub: Path, solution: Path, name: str) -> None:
    """Replace the stub's function ``name`` with the reference solution's."""
    def span(source: str) -> tuple[int, int]:
        node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
        return node.lineno - 1, node.end_lineno

    stub_lines, solved_lines = stub.read_text().splitlines(), solution.read_text().splitlines()
    (a, b), (c, d) = span(stub.read_text()), span(solution.read_text())
    stub.write_text("\n".join(stub_lines[:a] + solved_lines[c:d] + stub_lines[b:]) + "\n")


def test_a_stub_with_a_solved_function_stops_the_publish(tmp_path: Path, monkeypatch):
    """lab02's stub with the reference's count_characters, committed: git and the leak scan see
    nothing wrong (the solved lines are in assignments/, so public), the stub grading does."""
    course = git_course(tmp_path / "course", (LAB02,))
    lab = course.lab(LAB02)
    solve_one_function(lab.assignment_dir / "text_stats.py", lab.solution_dir / "text_stats.py", "count_characters")
    git(course.root, "commit", "-q", "-am", "oops: a solved stub")
    out = tmp_path / "student.zip"
    result = publish_cli(course, out, monkeypatch=monkeypatch)
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    solved = sum(p for t, p in lab.tests.items() if "test_count_characters_" in t)  # count_characters' two tests
    assert solved > 0 and f"{LAB02}: the stub scores {solved:g}/100" in text
    assert "test_hidden.py::test_count_characters_hand_cases" in text and "test_count_characters_random_texts" in text
    assert "every stub must score 0" in text and "Traceback" not in text
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    result = publish_cli(course, out, "--skip-stub-check", monkeypatch=monkeypatch)  # what today's check alone lets out
    assert result.exit_code == 0 and "leak scan: clean" in result.output, result.output


def test_a_clean_checkout_publishes(tmp_path: Path, monkeypatch):
    course = git_course(tmp_path / "course")
    out = tmp_path / "student.zip"
    result = publish_cli(course, out, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "leak scan: clean; stubs: all 1 score 0" in " ".join(result.output.split())
    assert "warning" not in result.output
    assert "assignments/lab98_toy/toy.py" in read_zip(out) and not list(tmp_path.glob("*.part"))
    assert uncommitted(course.root) == []  # publishing changed nothing in the checkout


def test_stub_grades_the_files_as_they_ship(toy_course: Course):
    """grade_stubs grades the members it is given, not what is on disk."""
    lab = toy_course.lab("lab98_toy")
    solved = (lab.solution_dir / "toy.py").read_bytes()
    check = publish.grade_stubs(toy_course, {"assignments/lab98_toy/toy.py": solved})
    assert check.workers == 1 and len(check.grades) == 1
    grade = check.grades[0]
    assert grade.lab == "lab98_toy" and grade.score == 10 and grade.max_score == 12  # all tests, no timing
    assert not grade.errors and "test_hidden.py::test_add" in grade.passed and not grade.ok


def test_check_stubs_names_lab_score_and_tests_and_refuses_ungraded_stubs():
    fine = StubGrade("lab01_a", 0.0, 100.0, [], [], 1.0)
    check_stubs(StubCheck([fine], 1.0, 2))
    solved = StubGrade("lab02_b", 7.0, 100.0, [f"test_hidden.py::test_{i}" for i in range(8)], [], 1.0)
    broken = StubGrade("lab03_c", 0.0, 100.0, [], ["the grader's runner failed (exit code 1)"], 1.0)
    with pytest.raises(BundleRefused) as caught:
        check_stubs(StubCheck([fine, solved, broken], 1.0, 2))
    message = str(caught.value)
    assert "lab02_b: the stub scores 7/100; it passes test_hidden.py::test_0" in message and "and 2 more" in message
    assert "lab03_c: the stub could not be graded: the grader's runner failed" in message and "lab01_a" not in message

