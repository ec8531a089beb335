"""Shared fixtures for the suite's own tests: a small copy of a course."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from autograder import grading
from autograder.course import Course

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def toy_course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    return Course(root)


@pytest.fixture
def toy_lab(toy_course: Course):
    return toy_course.lab("lab98_toy")


@pytest.fixture
def toy_workers(toy_course: Course, tmp_path: Path):
    """Start grading workers on the toy lab's reference plus ``extra`` code; all closed at the end."""
    from autograder.runner import worker_spec
    from autograder.worker_client import WorkerClient

    made = []

    def make(extra: str = "") -> WorkerClient:
        lab = toy_course.lab("lab98_toy")
        folder = tmp_path / f"w{len(made)}"
        folder.mkdir()
        (folder / "toy.py").write_text((lab.solution_dir / "toy.py").read_text() + "\n" + extra)
        client = WorkerClient(worker_spec(lab, folder, [], f"t{len(made)}"))
        client.start()
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()


@pytest.fixture
def submit(tmp_path: Path, toy_course: Course):
    """Write a submission folder whose toy.py is the reference plus ``extra`` code
    (or exactly ``source``), grade it without timing, and return the report."""

    def run(extra: str = "", source: str | None = None, files: dict[str, str] | None = None, timing: bool = False) -> dict:
        folder = tmp_path / "class" / "student" / "lab98_toy"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        reference = (toy_course.root / "reference/lab98_toy/solution/toy.py").read_text()
        (folder / "toy.py").write_text(source if source is not None else reference + "\n" + extra)
        for name, text in (files or {}).items():
            (folder / name).write_text(text)
        lab = toy_course.lab("lab98_toy")
        hide = grading.hidden_paths(toy_course, None, folder.parent, ())
        return grading.run_lab(toy_course, lab, folder, "student", grading.GradeOptions(timing=timing), hide)

    return run


def make_zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    """A zip with these members, and symbolic links (name -> target) as a zip can hold them."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def by_name(report: dict) -> dict[str, dict]:
    return {t["name"].split("::")[-1]: t for t in report["tests"]}


# End-to-end modules: whole classes, every lab validated, exports run. `make test`
# runs everything; `make test-fast` (the engine's unit tests) leaves these out.
SLOW_MODULES = {
    "test_course.py", "test_hostile.py", "test_class.py", "test_class_reliability.py",
    "test_export_gradescope.py", "test_export_otter.py", "test_publish.py", "test_handouts.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
