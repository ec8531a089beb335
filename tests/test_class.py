"""Class-scale grading end to end on the example class (lab02, timing off):
batch with a zip and a malformed submission, a killed and resumed batch,
regrades, the late policy on a Gradescope export, similarity in the summary."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

LAB = "lab02_text_statistics"
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
SCORES = {"alice": 100, "bob": 0, "carol": 90, "mallory": 0}


def autograder(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([*AUTOGRADER, *args], cwd=REPO, capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def scores(out: Path) -> dict[str, float]:
    return {p.parent.name: json.loads(p.read_text())["score"] for p in sorted(out.glob(f"*/{LAB}.json"))}


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """The example class plus mallory, whose zip is not a zip."""
    root = tmp_path_factory.mktemp("class") / "class"
    shutil.copytree(REPO / "examples" / "class", root)
    (root / "mallory.zip").write_bytes(b"this is not a zip archive\n" * 10)
    return root


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("grades")
    return out, autograder("batch", str(klass), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "2")


def test_batch_grades_everyone_and_writes_the_class_outputs(graded):
    out, proc = graded
    assert scores(out) == SCORES
    assert "graded 4" in proc.stdout and "4 quiz answer files" in proc.stdout
    quiz_scores = {p.parent.name + "/" + p.stem: json.loads(p.read_text())["score"] for p in sorted(out.glob("*/quiz-*.json"))}
    assert quiz_scores == {"alice/quiz-week01": 9, "alice/quiz-week02": 9, "bob/quiz-week01": 4.5, "carol/quiz-week02": 5}
    lines = (out / "gradebook.csv").read_text().splitlines()
    assert lines[:3] == [
        f"Student,ID,SIS User ID,SIS Login ID,Section,{LAB} (100),quiz-week01 (9),quiz-week02 (9),Total,Final (%),Letter",
        "Points Possible,,,,,100,9,9,118,100,",
        "alice,,,,,100,9,9,118,100.00,A",
    ]
    for student in SCORES:
        assert (out / student / f"{LAB}.html").is_file()


def test_a_malformed_zip_gets_a_report_saying_why(graded):
    out, _ = graded
    report = json.loads((out / "mallory" / f"{LAB}.json").read_text())
    assert report["status"] == "error" and "mallory.zip" in report["errors"][0]


def test_summary_shows_distributions_hard_tests_and_similar_pairs(graded):
    out, _ = graded
    html = (out / "summary.html").read_text()
    assert "data:image/png;base64," in html and "Tests, hardest first" in html
    similar = json.loads((out / "similarity.json").read_text())[LAB]
    assert [(p["a"], p["b"]) for p in similar] == [("alice", "carol")]  # carol's is alice's with two mistakes
    assert "alice – carol" in html and "never an automatic penalty" in html


def test_a_killed_batch_resumes_where_it_stopped(klass, graded, tmp_path):
    out = tmp_path / "grades"
    proc = subprocess.Popen(
        [*AUTOGRADER, "batch", str(klass), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "1"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob(f"*/{LAB}.json"))) < 2:  # mallory's comes first, then one graded
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(3)  # a runner already started finishes its own report (written atomically)
    done_before = set(scores(out)) - {"mallory"}
    assert 1 <= len(done_before) < 3, done_before
    again = autograder("batch", str(klass), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "1")
    assert f"kept {len(done_before)} unchanged" in again.stdout
    assert scores(out) == SCORES == scores(graded[0])


def test_regrade_one_test_keeps_everything_else(graded, klass, tmp_path):
    out = tmp_path / "grades"
    shutil.copytree(graded[0], out)
    before = {p.name: p.read_bytes() for p in (out / "alice").iterdir()}
    old = json.loads((out / "carol" / f"{LAB}.json").read_text())
    autograder("regrade", str(klass), "--out", str(out), "--lab", LAB, "--student", "carol", "--test", "test_top_k_breaks_ties_alphabetically", "--no-timing")
    new = json.loads((out / "carol" / f"{LAB}.json").read_text())
    assert new["score"] == old["score"] == 90
    assert new["regrades"][0]["what"] == "tests test_hidden.py::test_top_k_breaks_ties_alphabetically"
    assert [t for t in new["tests"] if "top_k_breaks" not in t["name"]] == [t for t in old["tests"] if "top_k_breaks" not in t["name"]]
    assert {p.name: p.read_bytes() for p in (out / "alice").iterdir()} == before  # nobody else was touched
    assert "Regraded" in (out / "carol" / f"{LAB}.html").read_text()


def test_regrade_refuses_unknown_tests_and_students(klass, graded):
    out = graded[0]
    proc = autograder("regrade", str(klass), "--out", str(out), "--lab", LAB, "--test", "test_nothing", check=False)
    assert proc.returncode != 0 and "no test 'test_nothing'" in proc.stderr and "Traceback" not in proc.stderr
    proc = autograder("regrade", str(klass), "--out", str(out), "--student", "zed", check=False)
    assert proc.returncode != 0 and "no submission from zed" in proc.stderr and "Traceback" not in proc.stderr


def gradescope_export(root: Path) -> Path:
    """alice on time and carol two days late, as Gradescope's "Export Submissions" lays them out."""
    export = root / "export"
    for folder, student in (("submission_101", "alice"), ("submission_102", "carol")):
        target = export / folder / LAB
        target.mkdir(parents=True)
        source = REPO / "reference" / LAB / "solution" if student == "alice" else REPO / "examples" / "class" / "carol" / LAB
        shutil.copy(source / "text_stats.py", target / "text_stats.py")
    (export / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: alice\n    :sid: '1001'\n  :created_at: 2026-09-14 23:50:00.000000000 +00:00\n"
        "submission_102:\n  :submitters:\n  - :name: carol\n    :sid: '1002'\n  :created_at: 2026-09-16 12:00:00.000000000 +00:00\n"
    )
    return export


def test_late_policy_on_a_gradescope_export_and_changing_it_without_regrading(tmp_path):
    export, out, policy = gradescope_export(tmp_path), tmp_path / "grades", tmp_path / "policy.toml"
    policy.write_text(f'[late]\ngrace_minutes = 15\nper_day = 0.1\nmax_penalty = 0.5\n\n[due]\n{LAB} = "2026-09-14T23:59:00Z"\n')
    autograder("batch", str(export), "--out", str(out), "--no-timing", "--policy", str(policy))
    carol = json.loads((out / "carol_1002" / f"{LAB}.json").read_text())  # keyed by name and SID
    assert carol["student_name"] == "carol" and carol["student_id"] == "1002"
    assert carol["late"]["days_late"] == 2 and carol["late"]["raw_score"] == 90 and carol["score"] == 70
    assert scores(out)["alice_1001"] == 100 and "late" in json.loads((out / "alice_1001" / f"{LAB}.json").read_text())
    assert "carol,1002,,,,70,70,70.00,C-" in (out / "gradebook.csv").read_text()
    assert "Late:" in (out / "carol_1002" / f"{LAB}.html").read_text()
    assert "Late submissions" in (out / "summary.html").read_text()

    policy.write_text(policy.read_text().replace("per_day = 0.1", "per_day = 0.05"))
    again = autograder("batch", str(export), "--out", str(out), "--no-timing", "--policy", str(policy))
    assert "kept 2 unchanged" in again.stdout
    assert scores(out) == {"alice_1001": 100, "carol_1002": 80}


def test_a_bad_policy_file_is_a_clear_error(tmp_path, klass):
    policy = tmp_path / "policy.toml"
    policy.write_text("[late]\nper_day = 'ten percent'\n")
    proc = autograder("batch", str(klass), "--out", str(tmp_path / "g"), "--policy", str(policy), check=False)
    assert proc.returncode != 0 and str(policy) in proc.stderr and "Traceback" not in proc.stderr
