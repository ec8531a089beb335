"""Quizzes: the course's quizzes load with their keys, every grading rule of
docs/quizzes.md holds, per-student values are stable and differ, and nothing a
student writes crashes the grading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder import quizzes
from autograder.course import CourseError
from conftest import REPO

QUIZ = '''
week = 3
title = "Toy"

[[questions]]
id = "one"
type = "single"
points = 1
text = "Pick b."
choices = ["no", "yes", "no"]

[[questions]]
id = "many"
type = "multiple"
points = 2
text = "Pick a and c."
choices = ["yes", "no", "yes", "no"]

[[questions]]
id = "time"
type = "numeric"
points = 2
unit = "ms"
text = "How long?"

[[questions]]
id = "drawn"
type = "numeric"
points = 1
text = "What is {x} times {y}?"
[questions.params]
x = { min = 2, max = 50, step = 1 }
y = { choices = [3, 7, 11] }

[[questions]]
id = "word"
type = "short"
points = 1
text = "Name it."
'''

KEYS = '''
[keys.one]
answer = "b"
[keys.many]
answer = ["a", "c"]
[keys.time]
answer = 12.5
rtol = 0.01
[keys.drawn]
function = "product"
[keys.word]
patterns = ["(the )?full stop", "period"]
'''


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "reference" / "quizzes").mkdir(parents=True)
    (tmp_path / "quizzes" / "week03.toml").write_text(QUIZ)
    (tmp_path / "reference" / "quizzes" / "week03.toml").write_text(KEYS)
    (tmp_path / "reference" / "quizzes" / "keys.py").write_text("def product(x, y):\n    return x * y\n")
    return tmp_path


def grade(root: Path, answers: str, student: str = "sam") -> dict:
    path = root / "answers.toml"
    path.write_text(answers)
    result = quizzes.grade_quiz(quizzes.load_quiz(root, "week03"), path, student, root)
    result["by_id"] = {q["id"]: q for q in result["questions"]}
    return result


def test_the_course_quizzes_load_with_their_keys():
    loaded = quizzes.load_quizzes(REPO)
    assert loaded, "the course has quizzes"
    for quiz in loaded:
        assert quiz.keys is not None and len(quiz.questions) >= 6, quiz.id
        assert quizzes.answer_template(quiz).count(" = ") == len(quiz.questions)


def test_a_right_answer_file_earns_every_point(root):
    x, y = (quizzes.draw_params("week03", quizzes.load_quiz(root, "week03").question("drawn"), "sam")[k] for k in ("x", "y"))
    r = grade(root, f'[answers]\none = "B"\nmany = ["c", "a"]\ntime = "12.5"\ndrawn = {x * y}\nword = "  The   FULL stop "\n')
    assert r["score"] == r["max_score"] == 7 and not r["problems"]
    assert all(q["status"] == "correct" for q in r["questions"])


@pytest.mark.parametrize(
    "answer, points",
    [('["a"]', 1.0), ('["a", "c", "b"]', 1.0), ('["a", "b"]', 0.0), ('["b", "d"]', 0.0), ('"a"', 1.0), ('["a", "c", "b", "d"]', 0.0)],
)
def test_multiple_choice_partial_credit(root, answer, points):
    """max(0, right - wrong) / right options of the points."""
    assert grade(root, f"[answers]\nmany = {answer}\n")["by_id"]["many"]["points"] == points


@pytest.mark.parametrize(
    "answer, right",
    [
        ('"12.5 ms"', True), ('"12.6"', True), ('"0.0125 s"', True), ("12.5", True), ('"12500 us"', True),
        ('"12.5 s"', False), ('"14"', False), ('"12.5 MB"', False), ('"12.5 parsecs"', False), ('"about 12"', False), ("true", False),
    ],
)
def test_numeric_answers_units_and_tolerance(root, answer, right):
    """A bare number is read in the question's unit; same-kind units convert; other kinds earn nothing."""
    q = grade(root, f"[answers]\ntime = {answer}\n")["by_id"]["time"]
    assert (q["status"] == "correct") is right, q


def test_drawn_values_are_stable_per_student_and_differ_between_students(root):
    quiz = quizzes.load_quiz(root, "week03")
    q = quiz.question("drawn")
    draws = {s: quizzes.draw_params("week03", q, s) for s in ("ann", "ben", "cyd", "dan", "eve", "fay")}
    assert draws["ann"] == quizzes.draw_params("week03", q, "ann")
    assert len({tuple(sorted(d.items())) for d in draws.values()}) > 1
    assert all(2 <= d["x"] <= 50 and d["y"] in (3, 7, 11) and isinstance(d["x"], int) for d in draws.values())
    assert quizzes.question_text("week03", q, "ann") == f"What is {draws['ann']['x']} times {draws['ann']['y']}?"
    ben = draws["ben"]["x"] * draws["ben"]["y"]
    if ben != draws["ann"]["x"] * draws["ann"]["y"]:  # ann's classmate's answer is wrong for ann
        assert grade(root, f"[answers]\ndrawn = {ben}\n", "ann")["by_id"]["drawn"]["status"] == "incorrect"
    assert grade(root, f"[answers]\ndrawn = {ben}\n", "ben")["by_id"]["drawn"]["status"] == "correct"


@pytest.mark.parametrize(
    "answers",
    [
        "[answers\n",  # not TOML
        "one = 'b'\n",  # no [answers] table
        "answers = 3\n",
        '[answers]\none = ["b"]\nmany = {x = 1}\ntime = [1]\nword = 5\ndrawn = "nan"\nghost = "a"\n',
        '[answers]\none = "z"\nmany = ["a", "q"]\ntime = ""\n',
        "\xff\xfe",
    ],
)
def test_what_a_student_writes_never_raises(root, answers):
    r = grade(root, answers)
    assert r["score"] <= 1e-9 and len(r["questions"]) == 5


def test_wrong_shapes_and_unknown_ids_are_explained(root):
    r = grade(root, '[answers]\none = ["b"]\ntime = "12.5 MB"\nghost = "a"\n')
    assert "one letter" in r["by_id"]["one"]["feedback"]
    assert "not a unit of this quantity" in r["by_id"]["time"]["feedback"]
    assert r["by_id"]["word"]["status"] == "unanswered"
    assert any("ghost" in p for p in r["problems"])


def test_an_oversized_answer_file_is_not_read(root):
    r = grade(root, "[answers]\n" + "# padding\n" * 20000)
    assert r["score"] == 0 and "not read" in r["problems"][0]


@pytest.mark.parametrize(
    "edit, where, message",
    [
        (lambda q, k: (q.replace('points = 1\ntext = "Pick b."', 'points = 0\ntext = "Pick b."'), k), "quizzes", "points"),
        (lambda q, k: (q.replace('id = "many"', 'id = "one"'), k), "quizzes", "appears twice"),
        (lambda q, k: (q.replace('unit = "ms"', 'unit = "fortnights"'), k), "quizzes", "unknown unit"),
        (lambda q, k: (q.replace("What is {x}", "What is {z}"), k), "quizzes", "{z}"),
        (lambda q, k: (q.replace("week = 3", "week = 4"), k), "quizzes", "named week03.toml"),
        (lambda q, k: (q, k.replace('answer = "b"', 'answer = "d"')), "reference", "one letter of"),
        (lambda q, k: (q, k.replace('[keys.word]\npatterns = ["(the )?full stop", "period"]', "")), "reference", "no key for question 'word'"),
        (lambda q, k: (q, k + '[keys.extra]\nanswer = "a"\n'), "reference", "not a question"),
        (lambda q, k: (q, k.replace('"period"', '"(period"')), "reference", "not a regular expression"),
        (lambda q, k: (q, k.replace('function = "product"', 'function = "sum_of"')), "reference", "no function 'sum_of'"),
    ],
)
def test_bad_quiz_and_key_files_are_named(root, edit, where, message):
    quiz_path, keys_path = root / "quizzes" / "week03.toml", root / "reference" / "quizzes" / "week03.toml"
    quiz, keys = edit(quiz_path.read_text(), keys_path.read_text())
    quiz_path.write_text(quiz)
    keys_path.write_text(keys)
    with pytest.raises(CourseError) as err:
        quizzes.load_quiz(root, "week03")
    assert message in str(err.value) and str(root / where) in str(err.value)


def test_a_submissions_answer_files_are_graded_and_odd_files_reported(root, tmp_path):
    folder = tmp_path / "sub"
    (folder / "quizzes").mkdir(parents=True)
    (folder / "quizzes" / "week03.toml").write_text('[answers]\none = "b"\n')
    (folder / "quizzes" / "week09.toml").write_text('[answers]\none = "b"\n')  # no such quiz
    (folder / "quizzes" / "notes.txt").write_text("hi")
    os.symlink(root / "reference" / "quizzes" / "week03.toml", folder / "quizzes" / "week04.toml")
    out = tmp_path / "out"
    reports, problems = quizzes.grade_submission_quizzes(root, "sam", folder, out, {})
    assert [r["quiz"]["id"] for r in reports] == ["week03"] and reports[0]["score"] == 1
    assert (out / "sam" / "quiz-week03.json").is_file()
    assert len(problems) == 3 and all(p.startswith("sam: quizzes/") for p in problems)
