"""`autograder export otter`: Otter-Grader 7 test files, config and checks that Otter itself grades with."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.errors import OutputError
from autograder.exports import otter as otter_export
from conftest import REPO

otter = pytest.importorskip("otter")
from otter.api import grade_submission  # noqa: E402
from otter.generate import main as otter_generate  # noqa: E402
from otter.test_files import ExceptionTestFile  # noqa: E402

LAB = "lab02_text_statistics"
# Otter 7's own summary printing uses a pandas argument pandas 3 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.drop")


@pytest.fixture(scope="module")
def lab02():
    return Course(REPO).lab(LAB)


@pytest.fixture(scope="module")
def exported(lab02, tmp_path_factory) -> Path:
    return otter_export.export_lab(Course(REPO), lab02, tmp_path_factory.mktemp("otter") / "export")


@pytest.fixture(scope="module")
def autograder_zip(exported: Path, lab02) -> Path:
    """The zip built by Otter's own `otter generate`, from the export folder, as the README says."""
    with contextlib.chdir(exported):
        otter_generate(files=[otter_export.checks_package_name(lab02)], python_version="3.11")
    return exported / "autograder.zip"


def grade(autograder_zip: Path, source: Path, tmp_path: Path):
    """Otter's non-containerised grading (what `otter run` does) of one script submission."""
    submission = tmp_path / "submission" / source.name
    submission.parent.mkdir(parents=True)
    shutil.copy(source, submission)
    return grade_submission(str(submission), ag_path=str(autograder_zip), quiet=True)


def test_test_files_are_otter_exception_files_with_the_manifest_points(exported: Path, lab02) -> None:
    files = sorted((exported / "tests").glob("*.py"))
    assert files, "no test files written"
    cases: dict[str, float] = {}
    for path in files:
        text = path.read_text()
        namespace: dict = {}
        exec(compile(text, str(path), "exec"), namespace)  # what Otter does to read one
        assert namespace["OK_FORMAT"] is False
        assert "from otter.test_files import test_case" in text
        parsed = ExceptionTestFile.from_file(str(path))
        assert parsed.name == path.stem == namespace["name"]
        assert parsed.possible == namespace["points"]
        for case in parsed.test_cases:
            assert case.hidden is True
            cases[case.name] = case.points
    assert cases == lab02.tests  # one case per manifest test id, with its points
    assert sum(cases.values()) == 100 == lab02.points


def test_the_export_holds_config_requirements_and_the_checks(exported: Path, lab02) -> None:
    config = json.loads((exported / "otter_config.json").read_text())
    assert config["lang"] == "python" and config["show_hidden"] is True
    requirements = (exported / "requirements.txt").read_text()
    assert "llm-course-autograder" in requirements and "torch==" in requirements
    package = exported / otter_export.checks_package_name(lab02)
    assert (package / "checks.py").is_file() and not (package / "__init__.py").exists()
    assert (package / "reference" / LAB / "tests" / "test_hidden.py").is_file()
    assert not (package / "reference" / LAB / "solution").exists()  # lab02's tests do not use `reference`
    assert not (package / "reference" / LAB / "variants").exists()
    readme = (exported / "README.md").read_text()
    assert "student's process" in readme and "otter generate" in readme


def test_otter_grades_the_reference_full_marks(autograder_zip: Path, lab02, tmp_path: Path) -> None:
    results = grade(autograder_zip, lab02.solution_dir / "text_stats.py", tmp_path)
    assert results.catastrophic_error is None
    assert (results.total, results.possible) == (100, 100), results.summary()


def test_otter_grades_the_stub_zero_with_our_feedback(autograder_zip: Path, lab02, tmp_path: Path) -> None:
    results = grade(autograder_zip, lab02.assignment_dir / "text_stats.py", tmp_path)
    assert results.catastrophic_error is None
    assert (results.total, results.possible) == (0, 100)
    summary = results.summary()
    assert "count_characters counts code points" in summary  # the test's description
    assert "NotImplementedError: TODO" in summary  # what the student's code did
    assert "def test_" not in summary  # never the hidden tests' source


def test_export_refuses_a_folder_that_is_not_an_otter_export(lab02, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=str(tmp_path)):
        otter_export.export_lab(Course(REPO), lab02, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
