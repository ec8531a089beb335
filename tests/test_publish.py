"""The student bundle: what students need, nothing from reference/ or examples/, and a leak scan that catches mistakes."""

import hashlib
import html
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from autograder import publish
from autograder.cli import main
from autograder.course import Course
from autograder.publish import BUNDLE_ROOT, BundleLeak, build_bundle, read_zip, scan_members, scan_zip
from conftest import REPO

LAB02 = "lab02_text_statistics"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student.zip"
    path, scan = build_bundle(Course(REPO), out)
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
        [sys.executable, "-m", "autograder.cli", *args], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    unknown = run("test", "lab99_nope")  # a clean error, no traceback
    assert unknown.returncode == 1 and "no public tests" in unknown.stderr and "Traceback" not in unknown.stderr
    tested = run("test", LAB02, "-q", "-x")
    out = tested.stdout + tested.stderr
    assert tested.returncode == 1, out  # pytest's "tests failed"
    assert "NotImplementedError" in out and "1 failed" in out and "Traceback (most recent call last)" not in out
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
        build_bundle(toy_course, out)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    monkeypatch.setenv("AUTOGRADER_COURSE", str(toy_course.root))
    result = CliRunner().invoke(main, ["publish", "--out", str(out)])
    assert result.exit_code == 1 and "site/lab98_toy.html" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_build_checks_every_member_it_collects(toy_course: Course, tmp_path: Path, monkeypatch):
    """The scan runs on the members actually written, whatever collected them."""
    collect = publish.collect_members
    monkeypatch.setattr(publish, "collect_members", lambda course, site: {**collect(course, site), "examples/x.txt": b"x"})
    with pytest.raises(BundleLeak, match="examples/x.txt"):
        build_bundle(toy_course, tmp_path / "b.zip")
    monkeypatch.undo()
    path, scan = build_bundle(toy_course, tmp_path / "b.zip")
    assert scan.files == len(read_zip(path)) and "assignments/lab98_toy/toy.py" in read_zip(path)
