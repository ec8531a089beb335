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
