"""`autograder validate`'s cheap checks on the toy course: the points markers
are the source of truth (and `manifest-sync --write` makes the manifest agree),
and the stub's public API is the solution's. Also: the engine raises its own
errors, and only the command line turns them into one-line messages."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from autograder import validate
from autograder.cli import main
from autograder.course import Course, CourseError
from autograder.errors import CourseError as BaseCourseError
from autograder.errors import GraderError, OutputError, SubmissionError
from autograder.submission import SubmissionError as SubmissionErrorThere
from conftest import FIXTURE_COURSE, REPO

LAB = "lab98_toy"


def manifest(course: Course) -> Path:
    return course.root / "reference" / LAB / "manifest.toml"


def stub(course: Course) -> Path:
    return course.root / "assignments" / LAB / "toy.py"


def cli(course: Course, monkeypatch, *args: str):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(course.root))
    return CliRunner().invoke(main, list(args))


# ---- points: markers and manifest ----------------------------------------------------------------


@pytest.fixture(scope="module")
def toy_markers() -> dict[str, float]:
    """The toy lab's points markers, collected once (a collection imports torch: seconds)."""
    return validate.collect_points(Course(FIXTURE_COURSE).lab(LAB))


@pytest.fixture
def markers_collected_once(monkeypatch, toy_markers):
    monkeypatch.setattr(validate, "collect_points", lambda lab: dict(toy_markers))


def test_marker_problems_name_every_kind_of_mismatch():
    manifest_tests = {"t.py::a": 2.0, "t.py::b": 1.0, "t.py::gone": 1.0}
    markers = {"t.py::a": 3.0, "t.py::b": 1.0, "t.py::new[x]": 1.0}
    problems = validate.marker_problems(manifest_tests, markers)
    assert problems == [
        "1 in the manifest but not collected: t.py::gone",
        "1 collected but not in the manifest: t.py::new[x]",
        "points differ for 1: t.py::a (manifest 2, marker 3)",
    ]
    assert validate.marker_problems(markers, dict(markers)) == []


def test_the_toy_manifest_agrees_with_its_markers(toy_lab, toy_markers):
    check = validate.manifest_check(toy_lab)  # a real collection, in a subprocess
    assert check.ok, check.detail
    assert toy_lab.tests == toy_markers


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda t: t.replace('"test_hidden.py::test_add" = 2', '"test_hidden.py::test_add" = 1\n"test_hidden.py::test_gone" = 1'),
         "1 in the manifest but not collected: test_hidden.py::test_gone"),
        (lambda t: t.replace('"test_hidden.py::test_constant" = 1\n', "").replace("points = 12", "points = 11"),
         "1 collected but not in the manifest: test_hidden.py::test_constant"),
        (lambda t: t.replace('"test_hidden.py::test_add" = 2', '"test_hidden.py::test_add" = 3').replace("points = 12", "points = 13"),
         "points differ for 1: test_hidden.py::test_add (manifest 3, marker 2)"),
    ],
    ids=["missing", "extra", "different points"],
)
def test_the_markers_check_fails_on_any_mismatch_and_says_how_to_fix_it(toy_course, markers_collected_once, edit, expected):
    path = manifest(toy_course)
    path.write_text(edit(path.read_text()))
    check = validate.manifest_check(toy_course.lab(LAB))
    assert not check.ok
    assert expected in check.detail
    assert f"autograder manifest-sync {LAB} --write" in check.detail


def test_manifest_sync_prints_the_table_and_writes_nothing(toy_course, monkeypatch):
    before = manifest(toy_course).read_bytes()
    result = cli(toy_course, monkeypatch, "manifest-sync", LAB)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == ["[tests]", '"test_hidden.py::test_add" = 2', '"test_hidden.py::test_describe" = 1']
    assert manifest(toy_course).read_bytes() == before


def test_manifest_sync_write_rewrites_only_the_tests_table(toy_course, monkeypatch):
    path = manifest(toy_course)
    original = path.read_text()
    head, rest = original.split("[tests]\n", 1)
    table, tail = rest.split("\n\n[[kernels]]", 1)
    head = "# a lab author's comment at the top\n" + head.replace("points = 12", "points = 12  # tests 10 + kernel 2")
    table = (
        "# graded by the hidden tests\n"
        '"test_hidden.py::test_add" = 5  # too many\n'  # a different number; its comment stays
        '"test_hidden.py::test_gone" = 1\n'  # not collected any more
        '"test_hidden.py::test_scale" = 1\n'
        "\n# objects\n"
        '"test_hidden.py::test_counter_object" = 2\n'
        '"test_hidden.py::test_constant" = 1'
    )  # test_describe, test_errors, test_matmul_and_grad are missing
    tail = "\n\n# the kernel\n[[kernels]]" + tail + "\n# the end\n"
    path.write_text(head + "[tests]\n" + table + tail)

    result = cli(toy_course, monkeypatch, "manifest-sync", LAB, "--write")
    assert result.exit_code == 0, result.output
    assert "test_hidden.py::test_gone" in result.output and "manifest 5, marker 2" in result.output
    text = path.read_text()
    assert text.startswith(head + "[tests]\n") and text.endswith(tail)  # every byte around the table kept
    assert text[len(head + "[tests]\n") : len(text) - len(tail)] == (
        "# graded by the hidden tests\n"
        '"test_hidden.py::test_add" = 2  # too many\n'
        '"test_hidden.py::test_describe" = 1\n'  # new tests go after the test collected before them
        '"test_hidden.py::test_scale" = 1\n'
        '"test_hidden.py::test_errors" = 1\n'
        '"test_hidden.py::test_matmul_and_grad" = 2\n'
        "\n# objects\n"
        '"test_hidden.py::test_counter_object" = 2\n'
        '"test_hidden.py::test_constant" = 1'
    )
    lab = toy_course.lab(LAB)  # the manifest loads: its total adds up again
    assert lab.tests == validate.collect_points(lab)

    again = cli(toy_course, monkeypatch, "manifest-sync", LAB, "--write")
    assert again.exit_code == 0 and "already agrees" in again.output
    assert path.read_text() == text


def test_manifest_sync_write_says_when_the_total_no_longer_adds_up(toy_course, monkeypatch):
    hidden = toy_course.root / "reference" / LAB / "tests" / "test_hidden.py"
    hidden.write_text(hidden.read_text().replace("@pytest.mark.points(2)\ndef test_add", "@pytest.mark.points(4)\ndef test_add"))
    result = cli(toy_course, monkeypatch, "manifest-sync", LAB, "--write")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "points = 12 but tests and kernels add up to 14" in result.output
    assert '"test_hidden.py::test_add" = 4\n' in manifest(toy_course).read_text()  # the table follows the markers anyway
    assert "points = 12\n" in manifest(toy_course).read_text()  # the total is the author's to decide


def test_sync_keeps_crlf_and_a_file_without_a_final_newline():
    text = 'id = "x"\r\n[tests]\r\n"a.py::t[p=1]" = 1\r\n"a.py::u" = 2'
    new = validate.sync_tests_table(text, {"a.py::t[p=1]": 3.0, "a.py::u": 2.0, "a.py::v": 0.5})
    assert new == 'id = "x"\r\n[tests]\r\n"a.py::t[p=1]" = 3\r\n"a.py::u" = 2\r\n"a.py::v" = 0.5\r\n'
    with pytest.raises(CourseError, match="no \\[tests\\] table"):
        validate.sync_tests_table('id = "x"\n', {}, "m.toml")


# ---- the stub's API is the solution's ------------------------------------------------------------


def test_the_toy_stub_has_the_solution_api(toy_lab):
    check = validate.api_check(toy_lab)
    assert check.ok, check.detail


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda t: t.replace("def scale(x: np.ndarray, factor: float)", "def scale(x: np.ndarray, factor: float = 2.0)"),
         ("toy.py: scale: signature differs: stub `def scale(x: np.ndarray, factor: float=2.0) -> np.ndarray`, "
          "solution `def scale(x: np.ndarray, factor: float) -> np.ndarray`")),
        (lambda t: t.replace("-> torch.Tensor:\n", "-> np.ndarray:\n"), "toy.py: matmul: signature differs"),
        (lambda t: t.replace("    def inc(self, by=1):\n", "    def increment(self, by=1):\n"),
         "toy.py: Counter.inc: a method of the solution that the stub lacks; toy.py: Counter.increment: a method of the stub that the solution lacks"),
        (lambda t: t.replace("def shout():\n", "def _shout():\n"), "toy.py: shout: a function of the solution that the stub lacks"),
        (lambda t: t.replace("def describe(values):\n", 'def describe(values):\n    """Describe the values."""\n'),
         "toy.py: describe: docstring differs (line 1: stub 'Describe the values.', solution '')"),
        (lambda t: t.replace("class Counter:", "class Counter(dict):"), "toy.py: Counter: bases differ: stub (dict), solution ()"),
        (lambda t: t.replace("    def __len__(self):", "    @property\n    def __len__(self):"), "toy.py: Counter.__len__: signature differs"),
    ],
    ids=["default", "annotation", "method renamed", "function made private", "docstring", "bases", "decorator"],
)
def test_a_changed_stub_fails_the_api_check_naming_the_difference(toy_course, edit, expected):
    path = stub(toy_course)
    path.write_text(edit(path.read_text()))
    check = validate.api_check(toy_course.lab(LAB))
    assert not check.ok
    assert expected in check.detail, check.detail


def test_what_is_not_api_is_not_compared(toy_course):
    """Bodies, private helpers, the module docstring, implementation decorators and
    a private base class of the solution are the solution's business."""
    solution = toy_course.root / "reference" / LAB / "solution" / "toy.py"
    solution.write_text(
        solution.read_text()
        .replace('"""A tiny lab', '"""The solution of a tiny lab')
        .replace("def add(a, b):", "def _helper():\n    return 1\n\n\n@functools.lru_cache\ndef add(a, b):")
        .replace("class Counter:", "class _Base:\n    pass\n\n\nclass Counter(_Base):")
        .replace("import numpy as np", "import functools\n\nimport numpy as np")
    )
    path = stub(toy_course)
    path.write_text(path.read_text().replace("def add(a, b):\n    raise", "def _todo():\n    pass\n\n\ndef add(a, b):\n    x = 1\n    raise"))
    check = validate.api_check(toy_course.lab(LAB))
    assert check.ok, check.detail


def test_api_of_a_module_with_all_and_a_dataclass(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    source = (
        "from dataclasses import dataclass\n__all__ = ['LIMIT', 'Point']\nLIMIT: int = 3\nOTHER = 1\n\n"
        "@dataclass\nclass Point:\n    x: int\n    y: int = 0\n\ndef not_exported():\n    pass\n"
    )
    a.write_text(source)
    b.write_text(source.replace("LIMIT: int = 3", "LIMIT: int = 4").replace("y: int = 0", "y: float = 0").replace("OTHER = 1", "OTHER = 2"))
    api = validate.public_api(a)
    assert list(api) == ["__all__", "LIMIT", "Point", "Point.x", "Point.y"]
    assert validate.compare_api(api, validate.public_api(b)) == [
        "LIMIT: signature differs: stub `LIMIT: int = 4`, solution `LIMIT: int = 3`",
        "Point.y: signature differs: stub `y: float = 0`, solution `y: int = 0`",
    ]


def fake_report(lab, who: str) -> dict:
    """A grading report without grading: the stub fails everything, a variant its first test."""
    tests = []
    for i, (name, points) in enumerate(lab.tests.items()):
        passed = who != "stub" and not (who.startswith("variant") and i == 0)
        tests.append({"name": name, "points": points if passed else 0.0, "max_points": points, "status": "passed" if passed else "failed"})
    return {"score": sum(t["points"] for t in tests), "tests": tests, "kernels": [], "errors": []}


def test_validate_reports_both_checks_and_fails(toy_course, monkeypatch, markers_collected_once):
    """The two checks run in `autograder validate` (gradings replaced here by a perfect score: they are not what is tested)."""
    path = manifest(toy_course)
    path.write_text(path.read_text().replace('"test_hidden.py::test_add" = 2', '"test_hidden.py::test_add" = 3').replace("points = 12", "points = 13"))
    stub(toy_course).write_text(stub(toy_course).read_text().replace("def shout():", "def yell():"))

    def fake_grade(course, lab, folder, who, timing, select=(), first_failure=False):
        return fake_report(lab, who)

    monkeypatch.setattr(validate, "_grade", fake_grade)
    monkeypatch.setattr(validate, "_public_tests", lambda lab: validate.Check(lab.id, "public tests pass on the reference", True, "skipped"))
    console = Console(record=True, width=400)
    ok = validate.validate_labs(toy_course, [LAB], jobs=1, timing=False, console=console, reuse_reference=False)
    out = console.export_text()
    assert not ok and "2 failed" in out
    assert f"autograder manifest-sync {LAB} --write" in out and "points differ for 1: test_hidden.py::test_add" in out
    assert "shout: a function of the solution that the stub lacks" in out and "yell: a function of the stub" in out


@pytest.mark.parametrize("timing", [True, False], ids=["timing", "no-timing"])
def test_a_timed_variant_is_graded_with_timing_alone_and_must_lose_kernel_points(toy_course, monkeypatch, markers_collected_once, timing):
    """A right-but-slow variant (manifest `timed_variants`) loses only kernel points: validate grades
    it with timing when timing is on, and says it skipped it otherwise; the others stay untimed."""
    slow = toy_course.root / "reference" / LAB / "variants" / "slow_matmul.py"
    slow.write_text('"""matmul by loops: right, slow."""\n')
    path = manifest(toy_course)
    path.write_text(path.read_text().replace('preload = ["numpy", "torch"]', 'preload = ["numpy", "torch"]\ntimed_variants = ["slow_matmul"]'))
    calls = []

    def fake_grade(course, lab, folder, who, with_timing, select=(), first_failure=False):
        calls.append((who, with_timing))
        if with_timing:  # a timing session runs only the tests the kernels require
            assert set(select) == {t for k in lab.kernels for t in k.requires}, select
        tests = sum(lab.tests.values())
        if who == "stub":
            score, kernels = 0.0, []
        elif who == "variant-slow_matmul":
            score, kernels = tests, [{"name": "matmul", "points": 0.0, "max_points": 2.0, "ratio": 4.6}]
        else:
            kernels = [{"name": "matmul", "points": 2.0, "max_points": 2.0, "ratio": 1.0}] if with_timing else []
            return {**fake_report(lab, who), "kernels": kernels, "score": fake_report(lab, who)["score"] + (2.0 if with_timing else 0.0)}
        return {"score": score, "tests": [], "kernels": kernels, "errors": []}

    monkeypatch.setattr(validate, "_grade", fake_grade)
    monkeypatch.setattr(validate, "_public_tests", lambda lab: validate.Check(lab.id, "public tests pass on the reference", True, "skipped"))
    console = Console(record=True, width=400)
    ok = validate.validate_labs(toy_course, [LAB], jobs=2, timing=timing, console=console, reuse_reference=False)
    out = console.export_text()
    assert ok, out
    assert ("variant-slow_matmul", True) in calls if timing else all(who != "variant-slow_matmul" for who, _ in calls)
    assert all(not t for who, t in calls if who.startswith("variant-") and who != "variant-slow_matmul")
    assert ("matmul 0/2 (4.60x)" in out) if timing else ("not checked: it loses only on timing" in out)
    if timing:  # the timed gradings come last, one at a time, after the parallel ones
        assert calls[-2:] in ([("reference", True), ("variant-slow_matmul", True)], [("variant-slow_matmul", True), ("reference", True)])
        assert ("reference", False) in calls  # the reference's tests, untimed, with the parallel gradings
        assert "reference earns the kernels' points" in out and "-2/12; kernels: matmul 0/2 (4.60x)" in out


def test_a_variant_caught_only_by_a_code_check_loses_points(toy_course, monkeypatch, markers_collected_once):
    """A variant that passes every test but trips a static check (a library call the lab forbids) loses its penalty."""
    (toy_course.root / "reference" / LAB / "variants" / "uses_library.py").write_text('"""the library matmul."""\n')

    def fake_grade(course, lab, folder, who, timing, select=(), first_failure=False):
        if who == "variant-uses_library":
            report = fake_report(lab, "reference")
            return {**report, "score": report["score"] - 5, "static_checks": [{"name": "no_library", "penalty": 5.0}]}
        return fake_report(lab, who)

    monkeypatch.setattr(validate, "_grade", fake_grade)
    monkeypatch.setattr(validate, "_public_tests", lambda lab: validate.Check(lab.id, "public tests pass on the reference", True, "skipped"))
    console = Console(record=True, width=400)
    assert validate.validate_labs(toy_course, [LAB], jobs=1, timing=False, console=console, reuse_reference=False), console.export_text()
    assert "code checks -5" in console.export_text()


def test_timed_variants_must_name_variant_files(toy_course, markers_collected_once):
    path = manifest(toy_course)
    path.write_text(path.read_text().replace('preload = ["numpy", "torch"]', 'preload = ["numpy", "torch"]\ntimed_variants = ["no_such_variant"]'))
    parallel, _ = validate._jobs_for(toy_course, toy_course.lab(LAB), timing=False)
    checks = [job() for job in parallel if getattr(job, "__name__", "") == "variant_count"]
    assert len(checks) == 1 and not checks[0].ok and "no_such_variant" in checks[0].detail


def test_every_course_lab_stub_has_its_solution_api():
    """Cheap (ast only): the 18 labs' stubs show students the solution's API."""
    course = Course(REPO)
    problems = {lab.id: validate.api_differences(lab) for lab in course.labs()}
    assert not {k: v for k, v in problems.items() if v}


# ---- the engine's errors -------------------------------------------------------------------------


def test_engine_errors_are_grader_errors_and_importable_where_they_were():
    from autograder.handouts import HandoutError
    from autograder.publish import BundleError, BundleLeak, BundleRefused

    assert CourseError is BaseCourseError and SubmissionErrorThere is SubmissionError
    for cls in (CourseError, SubmissionError, OutputError, HandoutError, BundleError, BundleRefused, BundleLeak):
        assert issubclass(cls, GraderError) and not issubclass(cls, __import__("click").ClickException)


def test_only_the_command_line_uses_click():
    package = REPO / "autograder"
    users = []
    for path in sorted(package.rglob("*.py")):
        if path == package / "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "click" or n.startswith("click.") for n in names):
                users.append(str(path.relative_to(REPO)))
    assert users == []


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["grade", "{root}/nowhere.zip", "--out", "{tmp}/out"], "nowhere.zip: no such file or folder"),
        (["grade", "{root}", "--lab", "lab01_nothing", "--out", "{tmp}/out"], "unknown lab 'lab01_nothing'"),
        (["export", "otter", LAB, "--out", "{root}/reference/{lab}/manifest.toml"], "is a file; --out must be a folder"),
        (["regrade", "{tmp}", "--out", "{tmp}/out", "--lab", "lab01_nothing"], "unknown lab 'lab01_nothing'"),
        (["bench", "lab01_nothing"], "unknown lab 'lab01_nothing'"),
    ],
    ids=["grade: no submission", "grade: unknown lab", "export otter: --out is a file", "regrade: unknown lab", "bench: unknown lab"],
)
def test_bad_input_is_one_line_without_a_traceback(toy_course, monkeypatch, tmp_path, args, phrase):
    args = [a.format(root=toy_course.root, tmp=tmp_path, lab=LAB) for a in args]
    result = cli(toy_course, monkeypatch, *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and phrase in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, GraderError)  # click turned it into SystemExit(1)


def test_a_broken_manifest_is_one_line_for_every_command(toy_course, monkeypatch, tmp_path):
    path = manifest(toy_course)
    path.write_text(path.read_text().replace("points = 12", "points = 13"))
    for args in (["labs"], ["grade", str(tmp_path), "--lab", LAB], ["handouts", "build", "--out", str(tmp_path / "site")]):
        result = cli(toy_course, monkeypatch, *args)
        assert result.exit_code == 1 and "add up to 12" in result.output and "Traceback" not in result.output, (args, result.output)


# ---- which tests a variant can change -------------------------------------------------------------


REFERENCE = """import math
from collections import Counter

LIMIT = 3


def helper(x):
    return x + 1


@staticmethod
def decorated(x):
    return x


class Box:
    def __init__(self, v):
        self.v = v

    def size(self):
        return helper(self.v)
"""


@pytest.mark.parametrize(
    "variant, expected",
    [
        ('"""doc"""\nimport math\n\ndef helper(x):\n    return x + 2\n', {"toy.py:7:helper"}),
        ("_old = helper\n_CACHE = {}\n\ndef decorated(x):\n    return _old(x)\n", {"toy.py:11:decorated"}),
        ("def _size(self):\n    return 0\n\nBox.size = _size\n", {"toy.py:20:size"}),
        ("Box.__eq__ = lambda a, b: True\n", {"toy.py:17:__init__", "toy.py:20:size"}),
        ("class Box:\n    pass\n", {"toy.py:17:__init__", "toy.py:20:size"}),
        ('class Box:\n    """another docstring"""\n    def size(self):\n        return 0\n', {"toy.py:17:__init__", "toy.py:20:size"}),
        ("class Box:\n    limit: int = 3\n", None),
        ("class Box(dict):\n    pass\n", None),
        ("def brand_new():\n    return 1\n", set()),
        ("LIMIT = 4\n", None),
        ("import numpy as math\n", None),
        ("helper(1)\n", None),
        ("for _ in range(2):\n    pass\n", None),
    ],
    ids=["function", "new names and a decorated function", "method assigned", "attribute added to a class", "class redefined", "class redefined with its methods", "class-level field changed", "base class changed", "only new names", "constant rebound", "import rebinds a name", "code at import", "a loop at import"],
)
def test_changed_scopes_name_what_a_variant_rebinds(toy_course, variant, expected):
    """Scopes are the tracer's `file:first_line:name` (a decorated function starts at its decorator);
    None means every test (the change cannot be bounded)."""
    from autograder.variants import changed_scopes

    lab = toy_course.lab(LAB)
    (lab.solution_dir / "toy.py").write_text(REFERENCE)
    path = lab.variants_dir / "probe.py"
    path.write_text(variant)
    assert changed_scopes(lab, path) == expected


def test_a_variant_runs_only_the_tests_that_reach_its_change(toy_course):
    from autograder.mutation.core import Trace

    lab = toy_course.lab(LAB)
    (lab.solution_dir / "toy.py").write_text(REFERENCE)
    path = lab.variants_dir / "probe.py"
    path.write_text("def helper(x):\n    return x\n")
    ids = list(lab.tests)
    calls = {ids[0]: ["toy.py:7:helper"], ids[2]: ["toy.py:20:size", "toy.py:7:helper"], ids[1]: ["toy.py:20:size"]}
    trace = Trace(collected=ids, calls=calls, import_time=[], durations={ids[0]: 0.2, ids[2]: 0.1}, seconds=0.0)
    assert validate.variant_tests(lab, path, trace) == (ids[2], ids[0])  # cheapest first: a grading stops at its first failure
    assert validate.variant_tests(lab, path, None) is None  # no trace: every test
    path.write_text("def brand_new():\n    return 1\n")
    assert validate.variant_tests(lab, path, trace) == ()
    trace.import_time.append("toy.py:7:helper")  # called while importing: every test can see it
    path.write_text("def helper(x):\n    return x\n")
    assert sorted(validate.variant_tests(lab, path, trace)) == sorted(ids)


def test_the_test_that_caught_a_variant_runs_first_next_time(toy_course, monkeypatch, markers_collected_once):
    """validate records in reference/LAB/caught_by.json the hidden test that first failed on each
    variant, and puts it first in that variant's selection next time: an ordering hint only."""
    from autograder.mutation.core import Trace

    lab = toy_course.lab(LAB)
    ids = list(lab.tests)
    everything = {t: [f"toy.py:{n}:f" for n in range(1, 200)] for t in ids}
    trace = Trace(collected=ids, calls=everything, import_time=[], durations={t: 0.1 * i for i, t in enumerate(ids)}, seconds=0.0)
    monkeypatch.setattr(validate, "changed_scopes", lambda lab, variant: {"toy.py:7:f"})
    monkeypatch.setattr(validate._TraceOnce, "get", lambda self: trace)
    catcher = ids[-1]
    orders = []

    def fake_grade(course, lab, folder, who, timing, select=(), first_failure=False):
        report = fake_report(lab, "reference" if who.startswith("variant") else who)
        if who.startswith("variant"):
            orders.append(select)
            for t in report["tests"]:  # every variant fails only the most expensive test
                if t["name"] == catcher:
                    t.update(status="failed", points=0.0)
        return report

    monkeypatch.setattr(validate, "_grade", fake_grade)
    monkeypatch.setattr(validate, "_public_tests", lambda lab: validate.Check(lab.id, "public tests pass on the reference", True, "skipped"))
    path = lab.reference_dir / validate.CAUGHT_BY_NAME
    assert not path.exists()
    assert validate.validate_labs(toy_course, [LAB], jobs=2, timing=False, console=Console(record=True, width=400))
    assert orders and all(order[-1] == catcher for order in orders)  # cheapest first, the catcher last
    stored = json.loads(path.read_text())["caught_by"]
    assert stored == {v.stem: catcher for v in lab.variants()}
    orders.clear()
    written = path.stat().st_mtime_ns
    assert validate.validate_labs(toy_course, [LAB], jobs=2, timing=False, console=Console(record=True, width=400))
    assert orders and all(order[0] == catcher for order in orders)  # now first
    assert path.stat().st_mtime_ns == written  # nothing new learnt: not rewritten
    catcher = ids[0]  # caught elsewhere now (a mistake that shows after state builds up): a hint still selected stays
    assert validate.validate_labs(toy_course, [LAB], jobs=2, timing=False, console=Console(record=True, width=400))
    assert path.stat().st_mtime_ns == written
    catcher = ids[-1]
    path.write_text("not json")  # a broken hint file is no hint, never an error
    assert validate.validate_labs(toy_course, [LAB], jobs=1, timing=False, console=Console(record=True, width=400))
    assert json.loads(path.read_text())["caught_by"] == stored
