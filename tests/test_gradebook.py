"""The gradebook: categories weighted by course.toml (rescaled over those present),
letters by cut-off, the staff's capstone and participation files checked against
the rubric and the class, Canvas's layout."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder import gradebook
from autograder.course import CourseError
from conftest import REPO


def lab_report(student: str, lab: str, score: float, top: float = 100) -> dict:
    return {"student": student, "lab": {"id": lab}, "score": score, "max_score": top}


def quiz_report(student: str, quiz: str, score: float, top: float = 10) -> dict:
    return {"student": student, "quiz": {"id": quiz}, "score": score, "max_score": top}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "grades"
    for r in [quiz_report("ann", "week01", 10), quiz_report("ben", "week01", 5), quiz_report("ann", "week02", 6)]:
        (folder / r["student"]).mkdir(parents=True, exist_ok=True)
        (folder / r["student"] / f"quiz-{r['quiz']['id']}.json").write_text(json.dumps(r))
    return folder


LABS = [lab_report("ann", "lab02_x", 100), lab_report("ann", "lab09_y", 80), lab_report("ben", "lab02_x", 50)]


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text().splitlines()))


def test_the_course_policy_and_rubric_load():
    policy = gradebook.load_policy(REPO)
    assert set(policy.weights) == set(gradebook.CATEGORIES) and policy.letters[-1][1] == 0
    assert gradebook.load_rubric(REPO).points == 100


def test_weights_letters_and_layout(out, tmp_path):
    capstone = tmp_path / "capstone.csv"
    capstone.write_text("student,problem,system,evaluation,engineering,communication\nann,excellent,excellent,excellent,excellent,excellent\nben,weak,weak,weak,weak,weak\n")
    participation = tmp_path / "participation.csv"
    participation.write_text("student,score\nann,100\n")
    path, book = gradebook.write_gradebook(REPO, LABS, out, capstone, participation)
    table = rows(path)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "lab02_x (100)", "lab09_y (100)", "quiz-week01 (10)", "quiz-week02 (10)",
                        "capstone (100)", "participation (100)", "Total", "Final (%)", "Letter"]
    assert table[1] == ["Points Possible", "", "", "", "", "100", "100", "10", "10", "100", "100", "220", "100", ""]
    # ann: labs 90 %, quizzes 80 %, capstone 100 %, participation 100 % -> (50*90 + 20*80 + 25*100 + 5*100) / 100
    assert table[2] == ["ann", "", "", "", "", "100", "80", "10", "6", "100", "100", "196", "91.00", "A-"]
    # ben: labs 25 %, quizzes 25 %, capstone 33 %, no participation row -> 0
    assert table[3][-3:] == ["55", f"{(50 * 25 + 20 * 25 + 25 * 33) / 100:.2f}", "F"]
    assert book.counted() == list(gradebook.CATEGORIES)


def test_weights_are_rescaled_over_the_categories_present(tmp_path):
    path, book = gradebook.write_gradebook(REPO, LABS, tmp_path)
    assert book.counted() == ["labs"]
    assert rows(path)[2][-2:] == ["90.00", "A-"] and rows(path)[0][-3:] == ["Total", "Final (%)", "Letter"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("student,problem,system,evaluation,engineering,communication\nzed,good,good,good,good,good\n", "line 2: unknown student 'zed'"),
        ("student,problem,system,evaluation,engineering,communication\nann,good,good,good,good,good\nann,weak,good,good,good,good\n", "line 3: 'ann' has a second row"),
        ("student,problem,system,evaluation,engineering\nann,good,good,good,good\n", "no column for criterion 'communication'"),
        ("student,problem,system,evaluation,engineering,communication,style\nann,good,good,good,good,good,good\n", "column 'style' is not a criterion"),
        ("student,problem,system,evaluation,engineering,communication\nann,good,good,superb,good,good\n", "line 2: evaluation = 'superb' is not a level"),
        ("name,problem\n", "starting with 'student'"),
    ],
)
def test_capstone_scores_are_checked_against_the_rubric_and_the_class(out, tmp_path, text, message):
    path = tmp_path / "capstone.csv"
    path.write_text(text)
    with pytest.raises(CourseError) as err:
        gradebook.write_gradebook(REPO, LABS, out, capstone=path)
    assert str(path) in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    "text, message",
    [("student,score\nann,101\n", "outside 0-100"), ("student,score\nann,lots\n", "not a number"), ("student,score\nzed,50\n", "unknown student")],
)
def test_participation_is_checked(out, tmp_path, text, message):
    path = tmp_path / "participation.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message):
        gradebook.write_gradebook(REPO, LABS, out, participation=path)


@pytest.mark.parametrize(
    "text, message",
    [
        ('[weights]\nlabs = 1\nquizzes = 1\ncapstone = 1\nparticipation = 1\n[letters]\nA = 90\nB = 10\n', "one letter must start at 0"),
        ('[weights]\nlabs = 0\nquizzes = 0\ncapstone = 0\nparticipation = 0\n[letters]\nA = 0\n', "at least one must be positive"),
        ('[weights]\nlabs = 1\n[letters]\nA = 0\n', "quizzes"),
    ],
)
def test_bad_course_policies_are_named(tmp_path, text, message):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(CourseError) as err:
        gradebook.load_policy(tmp_path)
    assert str(tmp_path / "course.toml") in str(err.value) and message in str(err.value)


def test_letters_take_the_highest_cut_off_reached():
    policy = gradebook.load_policy(REPO)
    assert [policy.letter(p) for p in (100, 93, 92.99, 60, 59.99, 0)] == ["A", "A", "A-", "D", "F", "F"]
