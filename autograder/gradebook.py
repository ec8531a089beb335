"""The course gradebook: labs, quizzes, the capstone and participation, weighted.

Inputs:

- lab reports (``OUT/<student>/labNN_*.json``) and quiz reports
  (``OUT/<student>/quiz-weekNN.json``) of one grading output folder;
- ``course.toml``: the weight of each category and the letter cut-offs
  (:data:`DEFAULT_POLICY` where a course has none);
- the capstone: ``capstone/rubric.toml`` (criteria, levels, points) and a
  CSV staff fill in, one row per student, one column per criterion, each cell
  a level's name (:func:`read_capstone`);
- participation: a CSV of ``student,score`` with scores from 0 to 100.

A category counts towards the final grade when the gradebook has something
in it (a lab column, a quiz column, a capstone or participation file); the
weights of the categories that count are rescaled to sum to 1. Within a
category, points are summed over its columns, a missing entry counting 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from autograder.classreport import load_reports
from autograder.course import CourseError, load_toml

CATEGORIES = ("labs", "quizzes", "capstone", "participation")
DEFAULT_POLICY = {
    "weights": {"labs": 50, "quizzes": 20, "capstone": 25, "participation": 5},
    "letters": {"A": 93, "A-": 90, "B+": 87, "B": 83, "B-": 80, "C+": 77, "C": 73, "C-": 70, "D": 60, "F": 0},
}


@dataclass
class Policy:
    weights: dict[str, float]
    letters: list[tuple[str, float]]  # highest cut-off first

    def letter(self, percent: float) -> str:
        return next(letter for letter, cut in self.letters if percent >= cut - 1e-9)


def load_policy(root: Path) -> Policy:
    path = root / "course.toml"
    data = load_toml(path, "course.schema.json") if path.is_file() else DEFAULT_POLICY
    letters = sorted(data["letters"].items(), key=lambda kv: -kv[1])
    if letters[-1][1] != 0:
        raise CourseError(f"{path}: letters: one letter must start at 0 (the lowest is {letters[-1][0]} at {letters[-1][1]})")
    if sum(data["weights"].values()) <= 0:
        raise CourseError(f"{path}: weights: at least one must be positive")
    return Policy({k: float(v) for k, v in data["weights"].items()}, letters)


# ---- the capstone ----------------------------------------------------------------------------------


@dataclass
class Rubric:
    title: str
    criteria: list[dict]

    @property
    def points(self) -> float:
        return sum(max(level["points"] for level in c["levels"]) for c in self.criteria)


def load_rubric(root: Path) -> Rubric:
    path = root / "capstone" / "rubric.toml"
    if not path.is_file():
        raise CourseError(f"{path}: missing (the capstone rubric)")
    data = load_toml(path, "rubric.schema.json")
    ids = [c["id"] for c in data["criteria"]]
    for c in data["criteria"]:
        names = [level["name"] for level in c["levels"]]
        if len(set(names)) != len(names):
            raise CourseError(f"{path}: criterion {c['id']}: two levels share a name")
    if len(set(ids)) != len(ids):
        raise CourseError(f"{path}: two criteria share an id")
    return Rubric(data["title"], data["criteria"])


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: cannot read: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "student" not in reader.fieldnames:
        raise CourseError(f"{path}: the first row must name the columns, starting with 'student'")
    return list(reader)


def _known_student(path: Path, line: int, student: str, students: set[str], seen: set[str]) -> None:
    if student not in students:
        raise CourseError(f"{path}: line {line}: unknown student {student!r} (not in the graded class)")
    if student in seen:
        raise CourseError(f"{path}: line {line}: {student!r} has a second row")
    seen.add(student)


def read_capstone(path: Path, rubric: Rubric, students: set[str]) -> dict[str, dict]:
    """Each student's capstone points and levels from the staff's CSV.

    Columns: ``student``, one per criterion id (every criterion), and
    optionally ``comment``. A cell is a level name of its criterion. Raises
    CourseError naming the file, the line and the problem: an unknown
    student, a student twice, a missing or unknown column, a level that is
    not one of the criterion's."""
    rows = _read_csv(path)
    criteria = {c["id"]: {level["name"]: level["points"] for level in c["levels"]} for c in rubric.criteria}
    fieldnames = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    missing = [c for c in criteria if c not in fieldnames]
    unknown = [c for c in fieldnames if c not in criteria and c not in ("student", "comment")]
    if missing:
        raise CourseError(f"{path}: no column for criterion {missing[0]!r} (criteria: {', '.join(criteria)})")
    if unknown:
        raise CourseError(f"{path}: column {unknown[0]!r} is not a criterion of the rubric (criteria: {', '.join(criteria)})")
    out: dict[str, dict] = {}
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        student = (row.get("student") or "").strip()
        _known_student(path, line, student, students, seen)
        levels = {}
        for cid, points in criteria.items():
            level = (row.get(cid) or "").strip().lower()
            if level not in points:
                raise CourseError(f"{path}: line {line}: {cid} = {row.get(cid)!r} is not a level of that criterion ({', '.join(points)})")
            levels[cid] = level
        out[student] = {"points": sum(criteria[c][lv] for c, lv in levels.items()), "levels": levels, "comment": (row.get("comment") or "").strip()}
    return out


def read_participation(path: Path, students: set[str]) -> dict[str, float]:
    """``student,score`` rows, scores from 0 to 100; errors name the file and line."""
    out: dict[str, float] = {}
    seen: set[str] = set()
    for line, row in enumerate(_read_csv(path), start=2):
        student = (row.get("student") or "").strip()
        _known_student(path, line, student, students, seen)
        try:
            score = float(row.get("score") or "")
        except ValueError:
            raise CourseError(f"{path}: line {line}: score {row.get('score')!r} is not a number") from None
        if not 0 <= score <= 100:
            raise CourseError(f"{path}: line {line}: score {score:g} is outside 0-100")
        out[student] = score
    return out


# ---- the book --------------------------------------------------------------------------------------


@dataclass
class Gradebook:
    students: list[str]
    names: dict[str, str]
    ids: dict[str, str]
    labs: dict[str, float]  # column -> max points
    quizzes: dict[str, float]
    lab_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    quiz_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    capstone: dict[str, dict] | None = None
    capstone_max: float = 0.0
    participation: dict[str, float] | None = None

    def counted(self) -> list[str]:
        """The categories that count: those with anything in them."""
        present = {"labs": bool(self.labs), "quizzes": bool(self.quizzes), "capstone": self.capstone is not None, "participation": self.participation is not None}
        return [c for c in CATEGORIES if present[c]]

    def percent(self, student: str, category: str) -> float:
        if category == "labs":
            return 100 * sum(self.lab_scores.get(student, {}).values()) / sum(self.labs.values())
        if category == "quizzes":
            return 100 * sum(self.quiz_scores.get(student, {}).values()) / sum(self.quizzes.values())
        if category == "capstone":
            return 100 * (self.capstone or {}).get(student, {}).get("points", 0.0) / self.capstone_max
        return (self.participation or {}).get(student, 0.0)

    def final(self, student: str, policy: Policy) -> float:
        counted = [c for c in self.counted() if policy.weights[c] > 0]
        if not counted:
            return 0.0
        total = sum(policy.weights[c] for c in counted)
        return sum(policy.weights[c] * self.percent(student, c) for c in counted) / total


def load_quiz_reports(out_dir: Path) -> list[dict]:
    return load_reports(out_dir, "*/quiz-week*.json")


def build(lab_reports: list[dict], quiz_reports: list[dict]) -> Gradebook:
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    labs: dict[str, float] = {}
    quizzes: dict[str, float] = {}
    book = Gradebook([], names, ids, labs, quizzes)
    for r in lab_reports:
        s, lab = r["student"], r["lab"]["id"]
        labs[lab] = r["max_score"]
        book.lab_scores.setdefault(s, {})[lab] = r["score"]
        ids[s] = r.get("student_id") or ids.get(s, "")
        names[s] = r.get("student_name") or names.get(s, s)
    for r in quiz_reports:
        s, quiz = r["student"], r["quiz"]["id"]
        quizzes[quiz] = r["max_score"]
        book.quiz_scores.setdefault(s, {})[quiz] = r["score"]
        names.setdefault(s, s)
        ids.setdefault(s, "")
    book.students = sorted(set(book.lab_scores) | set(book.quiz_scores))
    book.labs, book.quizzes = dict(sorted(labs.items())), dict(sorted(quizzes.items()))
    return book


def write_csv(book: Gradebook, policy: Policy, path: Path) -> Path:
    """Canvas's import layout (Student, ID, SIS User ID, SIS Login ID, Section,
    then one column per graded item), then the raw total, the final
    percentage and the letter. Written atomically."""
    items = [f"{c} ({m:g})" for c, m in book.labs.items()] + [f"quiz-{c} ({m:g})" for c, m in book.quizzes.items()]
    extra_heads, extra_max = [], []
    if book.capstone is not None:
        extra_heads.append(f"capstone ({book.capstone_max:g})")
        extra_max.append(f"{book.capstone_max:g}")
    if book.participation is not None:
        extra_heads.append("participation (100)")
        extra_max.append("100")
    possible = sum(book.labs.values()) + sum(book.quizzes.values())
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *items, *extra_heads, "Total", "Final (%)", "Letter"])
        out.writerow(["Points Possible", "", "", "", "", *[f"{m:g}" for m in {**book.labs, **book.quizzes}.values()], *extra_max, f"{possible:g}", "100", ""])
        for s in book.students:
            labs, quizzes = book.lab_scores.get(s, {}), book.quiz_scores.get(s, {})
            cells = [f"{labs[c]:g}" if c in labs else "" for c in book.labs] + [f"{quizzes[c]:g}" if c in quizzes else "" for c in book.quizzes]
            if book.capstone is not None:
                cells.append(f"{book.capstone[s]['points']:g}" if s in book.capstone else "")
            if book.participation is not None:
                cells.append(f"{book.participation[s]:g}" if s in book.participation else "")
            final = book.final(s, policy)
            out.writerow([book.names.get(s, s), book.ids.get(s, ""), "", "", "", *cells,
                          f"{sum(labs.values()) + sum(quizzes.values()):g}", f"{final:.2f}", policy.letter(final)])
    tmp.replace(path)
    return path


def write_gradebook(root: Path, lab_reports: list[dict], out_dir: Path, capstone: Path | None = None, participation: Path | None = None) -> tuple[Path, Gradebook]:
    """Build the book from ``out_dir``'s reports and the optional staff files; write ``out_dir/gradebook.csv``."""
    book = build(lab_reports, load_quiz_reports(out_dir))
    policy = load_policy(root)
    roster = set(book.students)
    if capstone is not None:
        rubric = load_rubric(root)
        book.capstone, book.capstone_max = read_capstone(capstone, rubric, roster), rubric.points
    if participation is not None:
        book.participation = read_participation(participation, roster)
    return write_csv(book, policy, out_dir / "gradebook.csv"), book
