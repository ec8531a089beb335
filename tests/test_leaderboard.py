"""Leaderboards: correct, timed submissions ranked by time ratio under stable
pseudonyms; over-5x-faster results flagged; the public file names nobody."""

from __future__ import annotations

import json

from autograder import leaderboard


def report(student: str, ratio: float | None, passed: bool = True, status: str = "timed") -> dict:
    kernel = {"name": "attention", "status": status, "points": 10, "max_points": 10}
    if ratio is not None:
        kernel["ratio"] = ratio
    tests = [{"name": "t1", "status": "passed"}, {"name": "t2", "status": "passed" if passed else "failed"}]
    return {"student": student, "lab": {"id": "lab15_x"}, "tests": tests, "kernels": [kernel]}


def test_correct_timed_submissions_are_ranked_fastest_first_and_fast_outliers_flagged(tmp_path):
    reports = [report("ann", 1.3), report("ben", 0.9), report("cyd", 0.15), report("dan", 0.5, passed=False),
               report("eve", None, status="skipped"), report("fay", 2.0)]
    rows = leaderboard.build(reports, "salt")["lab15_x"]["attention"]
    assert [r["student"] for r in rows] == ["cyd", "ben", "ann", "fay"] and [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert [r["flagged"] for r in rows] == [True, False, False, False]
    path = leaderboard.write_public(leaderboard.build(reports, "salt"), tmp_path / "leaderboards.json")
    text = path.read_text()
    assert not any(name in text for name in ("ann", "ben", "cyd", "fay")) and json.loads(text)["lab15_x"]["attention"][0]["rank"] == 1


def test_pseudonyms_are_stable_per_salt_and_the_salt_is_kept_in_the_output(tmp_path):
    assert leaderboard.pseudonym("ann", "s1") == leaderboard.pseudonym("ann", "s1")
    assert len({leaderboard.pseudonym(s, "s1") for s in ("ann", "ben", "cyd", "dan", "eve")}) == 5
    assert [leaderboard.pseudonym(s, "s1") for s in ("ann", "ben", "cyd")] != [leaderboard.pseudonym(s, "s2") for s in ("ann", "ben", "cyd")]
    salt = leaderboard.salt_for(tmp_path)
    assert salt == leaderboard.salt_for(tmp_path) and (tmp_path / leaderboard.SALT_FILE).read_text() == salt
