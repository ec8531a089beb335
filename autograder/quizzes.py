"""Weekly quizzes: the questions, their keys, students' answers and the grading rules.

Where things live:

- ``quizzes/weekNN.toml``: what students see (shipped in the bundle): each
  question's id, type, text, points, choices, unit, and for numeric
  questions drawn per student the ranges of their parameters;
- ``reference/quizzes/weekNN.toml``: the keys (never shipped), one table per
  question id; ``reference/quizzes/keys.py``: the functions that compute the
  key of a parameterised question from the values a student was given;
- a student's answers: ``quizzes/weekNN.toml`` in their submission folder,
  an ``[answers]`` table from question id to answer (the bundle ships a
  template, :func:`answer_template`).

Grading rules (docs/quizzes.md states them for students):

- ``single``: one letter (``"b"``); full points or none.
- ``multiple``: a list of letters; ``max(0, right picks - wrong picks) /
  number of right options`` of the points.
- ``numeric``: a number, optionally followed by a unit (``"12.5 ms"``); a
  bare number is read in the question's unit; a unit of another kind
  (bytes for a time) earns nothing. Full points within the key's tolerance
  (``atol`` or ``rtol``; default ``rtol = 1e-3``), none outside.
- ``short``: text; full points when one of the key's patterns matches the
  whole answer after trimming, collapsing spaces and case-folding.
- A missing or empty answer earns nothing; an answer of the wrong shape (a
  list for a single choice) earns nothing and says why; answers to unknown
  question ids are reported and ignored. Nothing a student writes crashes
  the grading.

Parameters are drawn from a seed derived from the quiz, the question and the
student's key (:func:`draw_params`), so each student sees their own numbers
(``autograder quiz show WEEK --student KEY``) and the grader computes the
same ones.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import CourseError, load_toml

MAX_ANSWER_BYTES = 64 * 1024
DEFAULT_RTOL = 1e-3
QUIZ_NAME = re.compile(r"^week(\d\d)\.toml$")

# unit -> (kind, factor to the kind's base unit)
UNITS: dict[str, tuple[str, float]] = {
    **{u: ("time", f) for u, f in [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0), ("min", 60.0), ("h", 3600.0)]},
    **{u: ("bytes", f) for u, f in [("B", 1), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
                                     ("KiB", 2**10), ("MiB", 2**20), ("GiB", 2**30), ("TiB", 2**40)]},
    **{u: ("flops", f) for u, f in [("FLOP", 1), ("KFLOP", 1e3), ("MFLOP", 1e6), ("GFLOP", 1e9), ("TFLOP", 1e12), ("PFLOP", 1e15)]},
    **{u: ("flop_rate", f) for u, f in [("FLOP/s", 1), ("GFLOP/s", 1e9), ("TFLOP/s", 1e12), ("PFLOP/s", 1e15)]},
    **{u: ("byte_rate", f) for u, f in [("B/s", 1), ("MB/s", 1e6), ("GB/s", 1e9), ("TB/s", 1e12)]},
    **{u: ("count", f) for u, f in [("K", 1e3), ("M", 1e6), ("G", 1e9)]},
    "%": ("percent", 1.0),
    "tokens": ("tokens", 1.0),
}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    points: float
    choices: tuple[str, ...] = ()
    unit: str = ""
    params: dict[str, dict] = field(default_factory=dict)


@dataclass
class Quiz:
    """One week's quiz: questions (public) and, where the reference is present, keys."""

    id: str  # "week05"
    week: int
    title: str
    questions: list[Question]
    keys: dict[str, dict] | None = None
    keys_path: Path | None = None

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)


def quiz_ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "quizzes").glob("week*.toml") if QUIZ_NAME.match(p.name))


def load_quiz(root: Path, quiz_id: str, with_keys: bool = True) -> Quiz:
    """Load and check a quiz (and its keys when ``with_keys`` and they exist).

    Raises CourseError naming the file: a schema problem, a duplicate
    question id, a unit we do not know, a key that does not fit its question
    (a letter beyond the choices, a missing pattern...), a key for no
    question or a question without a key."""
    path = root / "quizzes" / f"{quiz_id}.toml"
    if not QUIZ_NAME.match(path.name) or not path.is_file():
        known = ", ".join(quiz_ids(root)) or "none"
        raise CourseError(f"unknown quiz {quiz_id!r} (no {path}); quizzes: {known}")
    data = load_toml(path, "quiz.schema.json")
    if int(QUIZ_NAME.match(path.name).group(1)) != data["week"]:
        raise CourseError(f"{path}: week = {data['week']} but the file is named {path.name}")
    questions = []
    for q in data["questions"]:
        if any(q["id"] == other.id for other in questions):
            raise CourseError(f"{path}: question id {q['id']!r} appears twice")
        if q.get("unit") and q["unit"] not in UNITS:
            raise CourseError(f"{path}: question {q['id']}: unknown unit {q['unit']!r} (known: {', '.join(UNITS)})")
        if q.get("params") and q["type"] != "numeric":
            raise CourseError(f"{path}: question {q['id']}: params are for numeric questions only")
        for name in re.findall(r"\{(\w+)", q["text"]):
            if name not in q.get("params", {}):
                raise CourseError(f"{path}: question {q['id']}: the text uses {{{name}}} but params has no {name!r}")
        questions.append(Question(q["id"], q["type"], q["text"], float(q["points"]), tuple(q.get("choices", ())), q.get("unit", ""), dict(q.get("params", {}))))
    quiz = Quiz(quiz_id, data["week"], data["title"], questions)
    keys_path = root / "reference" / "quizzes" / f"{quiz_id}.toml"
    if with_keys and keys_path.is_file():
        quiz.keys = load_toml(keys_path, "quiz-keys.schema.json")["keys"]
        quiz.keys_path = keys_path
        _check_keys(quiz, keys_path, root)
    return quiz


def _check_keys(quiz: Quiz, path: Path, root: Path) -> None:
    assert quiz.keys is not None
    for qid in quiz.keys:
        if qid not in {q.id for q in quiz.questions}:
            raise CourseError(f"{path}: a key for {qid!r}, which is not a question of quizzes/{quiz.id}.toml")
    for q in quiz.questions:
        key = quiz.keys.get(q.id)
        where = f"{path}: key {q.id}"
        if key is None:
            raise CourseError(f"{path}: no key for question {q.id!r}")
        letters = [chr(ord("a") + i) for i in range(len(q.choices))]
        answer = key.get("answer")
        if q.type == "single" and not (isinstance(answer, str) and answer in letters):
            raise CourseError(f"{where}: a single-choice key is one letter of {letters}, got {answer!r}")
        if q.type == "multiple" and not (isinstance(answer, list) and answer and all(a in letters for a in answer)):
            raise CourseError(f"{where}: a multiple-choice key is a non-empty list of letters of {letters}, got {answer!r}")
        if q.type == "numeric":
            if q.params and "function" not in key:
                raise CourseError(f"{where}: a question with params needs a key function")
            if not q.params and not isinstance(answer, (int, float)) or isinstance(answer, bool):
                raise CourseError(f"{where}: a numeric key needs answer = a number (or params and a function)")
            if "function" in key:
                _key_function(root, key["function"], where)
        if q.type == "short":
            if "patterns" not in key:
                raise CourseError(f"{where}: a short-answer key needs patterns")
            for pattern in key["patterns"]:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise CourseError(f"{where}: pattern {pattern!r} is not a regular expression: {exc}") from None


_KEY_MODULES: dict[tuple[str, float], object] = {}


def _key_function(root: Path, name: str, where: str):
    path = root / "reference" / "quizzes" / "keys.py"
    if not path.is_file():
        raise CourseError(f"{where}: key function {name!r} but no {path}")
    cache_key = (str(path), path.stat().st_mtime)
    module = _KEY_MODULES.get(cache_key) or _import_keys(path)
    _KEY_MODULES[cache_key] = module
    fn = getattr(module, name, None)
    if not callable(fn):
        raise CourseError(f"{where}: {path} has no function {name!r}")
    return fn


def _import_keys(path: Path):
    spec = importlib.util.spec_from_file_location("_quiz_keys", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - staff code: say where it broke
        raise CourseError(f"{path}: cannot import: {type(exc).__name__}: {exc}") from None
    return module


def load_quizzes(root: Path, with_keys: bool = True) -> list[Quiz]:
    return [load_quiz(root, q, with_keys) for q in quiz_ids(root)]


# ---- per-student parameters ----------------------------------------------------------------------


def draw_params(quiz_id: str, question: Question, student: str) -> dict[str, float]:
    """The values ``student`` gets for ``question``: a seeded draw, the same on every machine."""
    seed = int.from_bytes(hashlib.sha256(f"{quiz_id}/{question.id}/{student}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    values: dict[str, float] = {}
    for name in sorted(question.params):
        spec = question.params[name]
        if "choices" in spec:
            values[name] = rng.choice(spec["choices"])
        else:
            step = spec.get("step", 1)
            count = int(math.floor((spec["max"] - spec["min"]) / step + 1e-9)) + 1
            value = spec["min"] + step * rng.randrange(count)
            values[name] = int(value) if float(value).is_integer() and all(float(v).is_integer() for v in (spec["min"], step)) else round(value, 12)
    return values


def question_text(quiz_id: str, question: Question, student: str | None) -> str:
    """The text as ``student`` sees it (their drawn values), or with ``{name}``s left in."""
    if not question.params or student is None:
        return question.text
    return question.text.format(**draw_params(quiz_id, question, student))


# ---- students' answers ---------------------------------------------------------------------------


def read_answers(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The ``[answers]`` table of a student's file, and problems found reading it (never raises)."""
    try:
        if path.stat().st_size > MAX_ANSWER_BYTES:
            return {}, [f"{path.name}: larger than {MAX_ANSWER_BYTES // 1024} KB; not read"]
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path.name}: cannot read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path.name}: not valid TOML: {exc}"]
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return {}, [f"{path.name}: no [answers] table"]
    return answers, []


def parse_quantity(text: str) -> tuple[float, str] | None:
    """``"12.5 ms"`` -> ``(12.5, "ms")``; ``"3e9"`` -> ``(3e9, "")``; None if it is not a number."""
    m = _NUMBER.match(text)
    if not m:
        return None
    try:
        value = float(m.group(1).replace("_", ""))
    except ValueError:
        return None
    return (value, m.group(2)) if math.isfinite(value) else None


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class Verdict:
    id: str
    points: float
    max_points: float
    status: str  # "correct", "partial", "incorrect", "unanswered"
    feedback: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "points": self.points, "max_points": self.max_points, "status": self.status, "feedback": self.feedback}


def grade_question(quiz: Quiz, q: Question, given: Any, student: str, root: Path) -> Verdict:
    """One answer against its key; every malformed answer is a verdict, not an exception."""
    assert quiz.keys is not None, "grading needs the keys"
    key = quiz.keys[q.id]

    def verdict(fraction: float, feedback: str = "") -> Verdict:
        fraction = min(1.0, max(0.0, fraction))
        status = "correct" if fraction == 1 else "partial" if fraction > 0 else "incorrect"
        return Verdict(q.id, round(q.points * fraction, 6), q.points, status, feedback)

    if given is None or given == "" or given == []:
        return Verdict(q.id, 0.0, q.points, "unanswered", "not answered")
    letters = [chr(ord("a") + i) for i in range(len(q.choices))]
    if q.type == "single":
        if not isinstance(given, str) or given.strip().lower() not in letters:
            return verdict(0, f"answer with one letter of {', '.join(letters)}")
        return verdict(given.strip().lower() == key["answer"])
    if q.type == "multiple":
        picks = [given] if isinstance(given, str) else given
        if not isinstance(picks, list) or not all(isinstance(p, str) and p.strip().lower() in letters for p in picks):
            return verdict(0, f"answer with a list of letters of {', '.join(letters)}")
        picks = {p.strip().lower() for p in picks}
        right = set(key["answer"])
        return verdict((len(picks & right) - len(picks - right)) / len(right))
    if q.type == "numeric":
        if isinstance(given, bool):
            return verdict(0, "answer with a number")
        quantity = (float(given), "") if isinstance(given, (int, float)) else parse_quantity(given) if isinstance(given, str) else None
        if quantity is None or not math.isfinite(quantity[0]):
            return verdict(0, "answer with a number, optionally followed by a unit")
        value, unit = quantity
        if unit and unit != q.unit:
            if unit not in UNITS:
                return verdict(0, f"unknown unit {unit!r}")
            if not q.unit or UNITS[unit][0] != UNITS[q.unit][0]:
                return verdict(0, f"{unit!r} is not a unit of this quantity" + (f" (answer in {q.unit})" if q.unit else ""))
            value = value * UNITS[unit][1] / UNITS[q.unit][1]
        if "function" in key:
            expected = float(_key_function(root, key["function"], f"{quiz.keys_path}: key {q.id}")(**draw_params(quiz.id, q, student)))
        else:
            expected = float(key["answer"])
        atol, rtol = key.get("atol", 0.0), key.get("rtol", 0.0 if "atol" in key else DEFAULT_RTOL)
        return verdict(abs(value - expected) <= atol + rtol * abs(expected))
    if not isinstance(given, str):
        return verdict(0, "answer with text")
    text = _normalise(given)
    return verdict(any(re.fullmatch(p, text, flags=re.IGNORECASE) for p in key["patterns"]))


def grade_quiz(quiz: Quiz, answers_path: Path, student: str, root: Path) -> dict:
    """A quiz report for one student's answer file (see :func:`read_answers`)."""
    answers, problems = read_answers(answers_path)
    known = {q.id for q in quiz.questions}
    problems += [f"{answers_path.name}: no question {qid!r} in {quiz.id}; ignored" for qid in answers if qid not in known]
    verdicts = [grade_question(quiz, q, answers.get(q.id), student, root) for q in quiz.questions]
    return {
        "student": student,
        "quiz": {"id": quiz.id, "week": quiz.week, "title": quiz.title, "points": quiz.points},
        "score": round(sum(v.points for v in verdicts), 6),
        "max_score": quiz.points,
        "questions": [v.as_dict() for v in verdicts],
        "problems": problems,
    }


def answer_template(quiz: Quiz) -> str:
    """The answer file a student fills in (shipped in the bundle as ``quizzes/answers/weekNN.toml``)."""
    lines = [f"# {quiz.id}: {quiz.title}. Put this file in your submission as quizzes/{quiz.id}.toml.",
             "# single: \"b\"   multiple: [\"a\", \"c\"]   numeric: \"12.5 ms\" or 12.5   short: \"text\"", "", "[answers]"]
    for q in quiz.questions:
        lines.append(f"{q.id} = {'[]' if q.type == 'multiple' else chr(34) * 2}  # {q.type}, {q.points:g} point{'s' if q.points != 1 else ''}"
                     + (f", in {q.unit}" if q.unit else ""))
    return "\n".join(lines) + "\n"


def render(quiz: Quiz, student: str | None = None) -> str:
    """The quiz as Markdown: questions, choices, points; ``student``'s own values where drawn."""
    out = [f"# Week {quiz.week} quiz: {quiz.title}", "", f"{quiz.points:g} points. Answer in `quizzes/{quiz.id}.toml` (template: `quizzes/answers/{quiz.id}.toml`).", ""]
    for i, q in enumerate(quiz.questions, 1):
        kind = {"single": "one answer", "multiple": "all that apply", "numeric": "a number" + (f", in {q.unit}" if q.unit else ""), "short": "a few words"}[q.type]
        out.append(f"**{i}. `{q.id}`** ({q.points:g} pt, {kind}). {question_text(quiz.id, q, student)}")
        if q.params and student is None:
            out.append("*(The values in braces are drawn for each student: `autograder quiz show " + quiz.id + " --student YOUR_ID`.)*")
        out.append("")
        for letter, choice in zip("abcdefghijklmnopqrstuvwxyz", q.choices):
            out.append(f"- ({letter}) {choice}")
        if q.choices:
            out.append("")
    return "\n".join(out)


def grade_submission_quizzes(root: Path, student: str, folder: Path, out_dir: Path, cache: dict[str, Quiz | None]) -> tuple[list[dict], list[str]]:
    """Grade every ``quizzes/weekNN.toml`` in a student's submission ``folder``;
    write ``out_dir/<student>/quiz-weekNN.json``. Returns the reports and the
    problems (a file that names no quiz, a link): never raises for what a
    student wrote. ``cache`` holds the quizzes loaded so far (None: no keys)."""
    from autograder import grading, report

    answers_dir = folder / "quizzes"
    if not answers_dir.is_dir() or answers_dir.is_symlink():
        return [], []
    reports, problems = [], []
    for path in sorted(answers_dir.iterdir()):
        if path.name.startswith(".") or path.name == "answers":
            continue
        if path.is_symlink() or not path.is_file() or not QUIZ_NAME.match(path.name):
            problems.append(f"{student}: quizzes/{path.name}: not an answer file (quizzes/weekNN.toml); ignored")
            continue
        if path.stem not in cache:
            try:
                quiz = load_quiz(root, path.stem)
            except CourseError:
                quiz = None
            cache[path.stem] = quiz if quiz is not None and quiz.keys is not None else None
        quiz = cache[path.stem]
        if quiz is None:
            problems.append(f"{student}: quizzes/{path.name}: no such quiz in this course (or no key); ignored")
            continue
        result = grade_quiz(quiz, path, student, root)
        target = out_dir / report.safe_name(student)
        target.mkdir(parents=True, exist_ok=True)
        grading.atomic_write(target / f"quiz-{quiz.id}.json", json.dumps(result, indent=2))
        reports.append(result)
    return reports, problems
