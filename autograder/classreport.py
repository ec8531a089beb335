"""Class-level outputs built from the per-student reports in a grades folder:
a gradebook CSV that Canvas imports, and a summary page for the staff."""

from __future__ import annotations

import base64
import io
import json
import statistics
from collections import defaultdict
from pathlib import Path

from autograder.report import _environment


def load_reports(out_dir: Path, pattern: str = "*/lab*.json") -> list[dict]:
    """The reports under ``out_dir`` matching ``pattern`` (lab reports by default); unreadable ones are skipped."""
    reports = []
    for path in sorted(out_dir.glob(pattern)):
        try:
            reports.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return reports


def _histogram_png(scores: list[float], max_score: float, xlabel: str = "score") -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.2, 2.2), dpi=100)
    ax.hist(scores, bins=10, range=(0, max_score), color="#1a7f37", edgecolor="white")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("students")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def summarize(reports: list[dict], similarity: dict[str, list[dict]] | None = None, book=None, policy=None, boards: dict | None = None) -> dict:
    """Per lab: score statistics, per-test pass rates (hardest first), kernel ratios;
    with a :class:`autograder.gradebook.Gradebook` and its policy, per quiz
    statistics and each student's category percentages, final grade and letter."""
    labs: dict[str, list[dict]] = defaultdict(list)
    for r in reports:
        labs[r["lab"]["id"]].append(r)
    out = []
    for lab_id, rs in sorted(labs.items()):
        scores = [r["score"] for r in rs]
        tests: dict[str, list[bool]] = defaultdict(list)
        for r in rs:
            for t in r["tests"]:
                tests[t["name"]].append(t["status"] == "passed")
        ratios = [k["ratio"] for r in rs for k in r.get("kernels", []) if k.get("ratio")]
        out.append(
            {
                "id": lab_id,
                "title": rs[0]["lab"]["title"],
                "max_score": rs[0]["max_score"],
                "n": len(rs),
                "mean": statistics.mean(scores),
                "median": statistics.median(scores),
                "min": min(scores),
                "max": max(scores),
                "histogram": _histogram_png(scores, rs[0]["max_score"]),
                "tests": sorted(({"name": n, "pass_rate": sum(v) / len(v)} for n, v in tests.items()), key=lambda t: t["pass_rate"]),
                "kernel_ratios": {
                    "n": len(ratios),
                    "median": statistics.median(ratios),
                    "histogram": _histogram_png(ratios, max(3.0, max(ratios)), "time / reference time"),
                }
                if ratios
                else None,
                "errors": sorted({e for r in rs for e in r.get("errors", [])})[:20],
                "leaderboard": (boards or {}).get(lab_id, {}),
                "similar": (similarity or {}).get(lab_id, []),
                "late": [
                    {"student": r["student"], "days": r["late"]["days_late"], "penalty": r["late"]["penalty"]}
                    for r in sorted(rs, key=lambda r: r["student"])
                    if r.get("late", {}).get("days_late")
                ],
                "times_from_files": sorted(
                    r["student"] for r in rs if "late" in r and r.get("submitted_at_source") == "file modification time"
                ),
                "flagged": [
                    {"student": r["student"], "checks": [c["name"] for c in r.get("static_checks", []) if c["status"] == "flagged"]}
                    for r in sorted(rs, key=lambda r: r["student"])
                    if any(c["status"] == "flagged" for c in r.get("static_checks", []))
                ],
            }
        )
    students = defaultdict(float)
    for r in reports:
        students[r["student"]] += r["score"]
    summary = {"labs": out, "students": dict(sorted(students.items())), "reports": len(reports), "quizzes": [], "grades": None}
    if book is not None and policy is not None:
        for quiz, top in book.quizzes.items():
            scores = [book.quiz_scores[s][quiz] for s in book.students if quiz in book.quiz_scores.get(s, {})]
            summary["quizzes"].append({"id": quiz, "max_score": top, "n": len(scores), "mean": statistics.mean(scores), "median": statistics.median(scores)})
        counted = book.counted()
        summary["grades"] = {
            "categories": counted,
            "weights": {c: policy.weights[c] for c in counted},
            "rows": [
                {"student": s, **{c: book.percent(s, c) for c in counted}, "final": book.final(s, policy), "letter": policy.letter(book.final(s, policy))}
                for s in book.students
            ],
        }
    return summary


def write_summary(summary: dict, path: Path) -> Path:
    html = _environment().get_template("summary.html.j2").render(s=summary)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
