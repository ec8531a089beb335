"""Manifests are validated; every problem names the file."""

import pytest

from autograder.course import Course, CourseError


def write(course: Course, text: str) -> None:
    (course.root / "reference/lab98_toy/manifest.toml").write_text(text)


def test_the_fixture_manifest_loads(toy_lab):
    assert toy_lab.entry == "toy" and toy_lab.points == 12
    assert toy_lab.kernels[0].fraction_for(1.2) == 1.0
    assert toy_lab.kernels[0].fraction_for(2.0) == 0.5
    assert toy_lab.kernels[0].fraction_for(3.5) == 0.0


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('week = 1', 'week = "one"'), "week"),
        (lambda t: t.replace("points = 12", "points = 13"), "add up to 12"),
        (lambda t: t.replace('id = "lab98_toy"', 'id = "lab97_toy"'), "does not match its folder"),
        (lambda t: t + "\nunknown = 1\n", "unknown"),
        (lambda t: t.replace("[tests]", "[tests\n"), "not valid TOML"),
        (lambda t: t.replace('requires = ["test_hidden.py::test_matmul_and_grad"]', 'requires = ["test_hidden.py::test_matmul"]'), "not in [tests]"),
    ],
)
def test_bad_manifests_are_named(toy_course, edit, message):
    path = toy_course.root / "reference/lab98_toy/manifest.toml"
    write(toy_course, edit(path.read_text()))
    with pytest.raises(CourseError) as err:
        toy_course.lab("lab98_toy")
    assert str(path) in str(err.value) and message in str(err.value)


def test_unknown_lab_lists_the_known_ones(toy_course):
    with pytest.raises(CourseError, match="lab98_toy"):
        toy_course.lab("lab01_nothing")


def test_the_course_labs_all_load():
    from conftest import REPO

    course = Course(REPO)
    ids = course.lab_ids()
    assert {"lab02_text_statistics", "lab09_ngram_lm", "lab15_self_attention"} <= set(ids)
    for lab in course.labs():
        assert lab.points == 100
        assert lab.assignment_dir.is_dir() and lab.handout_path.is_file()


def test_runner_preload_names_the_hidden_tests_libraries_never_the_labs_own_modules(toy_lab):
    """A runner's zygote imports the tests' libraries before forking it, but never
    the tests' helpers or the student's module (they must load after the fork)."""
    tests = toy_lab.hidden_tests_dir
    (tests / "test_extra.py").write_text(
        "import json, toy\nfrom kernels import make_inputs\nfrom collections import abc as collections_abc\nfrom . import sibling\n"
    )
    preload = toy_lab.runner_preload
    assert preload[: len(toy_lab.preload)] == toy_lab.preload
    assert {"numpy", "pytest", "torch", "json", "autograder.testing:check", "collections:abc"} <= set(preload)
    assert not {n for n in preload if n.split(":")[0].split(".")[0] in {"toy", "kernels", "test_hidden", "sibling"}}
    assert len(preload) == len(set(preload))


def test_the_zygote_warms_modules_and_module_attributes():
    import subprocess
    import sys

    code = (
        "import sys; from autograder.zygote import _warm; "
        "_warm(['colorsys', 'email:mime', 'xml.dom:minidom', 'no_such_module_xyz', 'json:no_such_name']); "
        "print(all(m in sys.modules for m in ['colorsys', 'email.mime', 'xml.dom.minidom', 'json']))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
