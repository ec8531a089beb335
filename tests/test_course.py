"""The course itself: the example class's exact scores, every lab validated, the CLI."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from autograder.course import Course, load_schema
from conftest import REPO

AUTOGRADER = [sys.executable, "-m", "autograder.cli"]

# what each example student must score on each lab, kernel timing off
EXPECTED = {
    "alice": {"lab02_text_statistics": 100, "lab09_ngram_lm": 100, "lab15_self_attention": 90},
    "bob": {"lab02_text_statistics": 0, "lab09_ngram_lm": 0, "lab15_self_attention": 0},
    "carol": {"lab02_text_statistics": 90, "lab09_ngram_lm": 90, "lab15_self_attention": 37},
}


def run(*args, **kwargs):
    return subprocess.run([*AUTOGRADER, *args], cwd=REPO, capture_output=True, text=True, **kwargs)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_example_class_scores(student, tmp_path):
    path = REPO / "examples" / "class" / (f"{student}.zip" if student == "alice" else student)
    proc = run("grade", str(path), "--out", str(tmp_path), "--no-timing")
    assert proc.returncode == 0, proc.stderr
    schema = load_schema("report.schema.json")
    for lab, score in EXPECTED[student].items():
        report = json.loads((tmp_path / student / f"{lab}.json").read_text())
        jsonschema.validate(report, schema)
        assert report["score"] == score, (lab, report["score"])
        assert (tmp_path / student / f"{lab}.html").is_file()


def test_validate_every_lab():
    """`autograder validate`: reference 100 % (kernels timed), stub 0, public tests, variants."""
    proc = run("validate", "--jobs", str(os.cpu_count() or 2))
    lines = proc.stdout.splitlines()
    failed = [line for i, line in enumerate(lines) if "│ FAIL" in line or (i and "│ FAIL" in lines[i - 1] and line.startswith("│ "))]
    assert proc.returncode == 0, "\n".join(failed[:60]) + "\n...\n" + proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " 0 failed" in proc.stdout


def test_labs_lists_the_course():
    proc = run("labs", "--json")
    labs = {lab["id"]: lab for lab in json.loads(proc.stdout)}
    assert labs["lab15_self_attention"] == {"id": "lab15_self_attention", "title": labs["lab15_self_attention"]["title"], "week": 7, "module": "III", "points": 100}
    assert set(labs) == set(Course(REPO).lab_ids())


def test_student_test_command_runs_public_tests_on_the_working_copy():
    proc = run("test", "lab02_text_statistics", "-q")
    assert proc.returncode == 1 and "words: not implemented yet" in proc.stdout  # the stub fails its public tests


def test_grade_reports_a_malformed_submission_plainly(tmp_path):
    bad = tmp_path / "mallory.zip"
    bad.write_bytes(b"this is not a zip")
    proc = run("grade", str(bad), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0 and "mallory.zip" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("grade", str(bad), "--lab", "lab02_text_statistics", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0
    report = json.loads((tmp_path / "out" / "mallory" / "lab02_text_statistics.json").read_text())
    assert report["score"] == 0 and "not a folder and not a zip" in report["errors"][0]
