"""No grade lost, nothing left behind: class exports whose students share a
name, Canvas resubmissions and submission times, and a batch stopped by
Ctrl-C, SIGTERM or SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.batch import MTIME, discover
from autograder.submission import SubmissionError
from conftest import REPO

LAB = "lab02_text_statistics"
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
SOLVED = (REPO / "reference" / LAB / "solution" / "text_stats.py").read_text()
STUB = (REPO / "assignments" / LAB / "text_stats.py").read_text()
LAB_FILES = {LAB: ["text_stats.py"]}


def autograder(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*AUTOGRADER, *args], cwd=REPO, capture_output=True, text=True, env=env)


def canvas_export(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def gradescope_export(root: Path, students: list[tuple[str, str, str]]) -> Path:
    """(folder, name, sid) per submission, each holding ``LAB/text_stats.py``."""
    meta = []
    for folder, name, sid in students:
        target = root / folder / LAB
        target.mkdir(parents=True)
        (target / "text_stats.py").write_text(SOLVED if name.endswith("solved") or sid == "1001" else STUB)
        meta.append(f"{folder}:\n  :submitters:\n  - :name: {name}\n    :sid: '{sid}'\n  :created_at: 2026-09-14 23:50:00.000000000 +00:00\n")
    (root / "submission_metadata.yml").write_text("".join(meta))
    return root


# ---- discovery: one key per submission ---------------------------------------------------------


def test_canvas_students_with_one_name_are_told_apart_by_user_id(tmp_path):
    export = canvas_export(tmp_path / "canvas", {"smithjohn_1001_5001_text_stats.py": SOLVED, "smithjohn_1002_5002_text_stats.py": STUB})
    entries, _ = discover(export, tmp_path / "work", LAB_FILES)
    assert sorted((e.key, e.name, e.student_id) for e in entries) == [("smithjohn_1001", "smithjohn", "1001"), ("smithjohn_1002", "smithjohn", "1002")]
    texts = {e.key: (e.path / LAB / "text_stats.py").read_text() for e in entries}
    assert texts == {"smithjohn_1001": SOLVED, "smithjohn_1002": STUB}


def test_gradescope_students_with_one_name_are_told_apart_by_sid(tmp_path):
    export = gradescope_export(tmp_path / "gs", [("submission_1", "John Smith", "1001"), ("submission_2", "John Smith", "1002")])
    entries, _ = discover(export, tmp_path / "work")
    assert sorted(e.key for e in entries) == ["John Smith_1001", "John Smith_1002"]
    assert {e.name for e in entries} == {"John Smith"}


@pytest.mark.parametrize(
    "layout",
    ["folder and zip", "one SID twice", "names equal once made safe"],
)
def test_a_class_where_two_submissions_would_share_a_key_is_refused(tmp_path, layout):
    root = tmp_path / "class"
    if layout == "folder and zip":
        (root / "alice" / LAB).mkdir(parents=True)
        shutil.make_archive(str(root / "alice"), "zip", root / "alice")
        clashing = ["alice.zip", "alice"]
    elif layout == "one SID twice":
        gradescope_export(root, [("submission_1", "Ann", "77"), ("submission_2", "Ann", "77")])
        clashing = ["submission_1", "submission_2"]
    else:
        (root / "ann lee" / LAB).mkdir(parents=True)
        (root / "ann_lee" / LAB).mkdir(parents=True)
        clashing = ["ann lee", "ann_lee"]
    with pytest.raises(SubmissionError) as err:
        discover(root, tmp_path / "work")
    assert str(root) in str(err.value) and all(name in str(err.value) for name in clashing), err.value


def test_canvas_resubmissions_take_the_newest_file(tmp_path):
    export = canvas_export(
        tmp_path / "canvas",
        {
            "lee_1003_6001_text_stats.py": "first",
            "lee_LATE_1003_6003_text_stats-2.py": "third",
            "lee_1003_6002_text_stats-1.py": "second",
            "lee_1003_6004_notes.txt": "not a lab file",
        },
    )
    (entry,), _ = discover(export, tmp_path / "work", LAB_FILES)
    assert (entry.path / LAB / "text_stats.py").read_text() == "third"
    assert entry.late_flag and any("notes.txt" in p and "ignored" in p for p in entry.problems)


def test_canvas_submission_times_come_from_the_api_list_else_from_files_with_a_note(tmp_path):
    files = {"ann_1001_1_text_stats.py": STUB, "bo_1002_2_text_stats.py": STUB}
    export = canvas_export(tmp_path / "with", files)
    (export / "submissions.json").write_text(json.dumps([{"user_id": 1001, "submitted_at": "2026-09-15T03:00:00Z"}]))
    entries, problems = discover(export, tmp_path / "w1", LAB_FILES)
    times = {e.key: (e.submitted_at, e.time_source) for e in entries}
    assert times["ann_1001"] == (dt.datetime(2026, 9, 15, 3, tzinfo=dt.timezone.utc), "export")
    assert times["bo_1002"][1] == MTIME  # not in the list: the stated fallback
    entries, problems = discover(canvas_export(tmp_path / "without", files), tmp_path / "w2", LAB_FILES)
    assert {e.time_source for e in entries} == {MTIME}
    assert any("file modification times" in p and "submissions.json" in p for p in problems)


# ---- end to end: two students of one name keep two grades ---------------------------------------


@pytest.mark.parametrize("platform", ["canvas", "gradescope"])
def test_two_students_with_one_name_keep_their_own_grades(tmp_path, platform):
    if platform == "canvas":
        export = canvas_export(tmp_path / "export", {"smithjohn_1001_5001_text_stats.py": SOLVED, "smithjohn_1002_5002_text_stats.py": STUB})
        rows = ["smithjohn,1001,,,,100,100,100.00,A", "smithjohn,1002,,,,0,0,0.00,F"]
    else:
        export = gradescope_export(tmp_path / "export", [("submission_1", "John Smith", "1001"), ("submission_2", "John Smith", "1002")])
        rows = ["John Smith,1001,,,,100,100,100.00,A", "John Smith,1002,,,,0,0,0.00,F"]
    out = tmp_path / "grades"
    proc = autograder("batch", str(export), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "2")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "graded 2" in proc.stdout
    assert (out / "gradebook.csv").read_text().splitlines()[2:] == rows


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_below_one_is_an_error(tmp_path, workers):
    proc = autograder("batch", str(REPO / "examples" / "class"), "--out", str(tmp_path), "--workers", workers)
    assert proc.returncode == 2 and "--workers" in proc.stderr and "Traceback" not in proc.stderr


# ---- stopping a batch ------------------------------------------------------------------------------


def runners_using(scratch: Path) -> list[int]:
    """Processes whose command line names this scratch root: runners and workers of our batch."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(scratch) in text and "autograder" in text:
            found.append(int(cmdline.parent.name))
    return found


def wait_for(condition, what: str, limit_s: float = 120.0) -> None:
    """Poll until ``condition()``; the limit only stops a hung test, it times nothing."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def big_class(tmp_path) -> Path:
    klass = tmp_path / "class"
    for i in range(6):
        folder = klass / f"student{i}" / LAB
        folder.mkdir(parents=True)
        (folder / "text_stats.py").write_text(SOLVED)
    return klass


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_stopped_batch_stops_leaves_nothing_behind_and_resumes(big_class, tmp_path, sig):
    out, scratch = tmp_path / "grades", tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "AUTOGRADER_WORKDIR": str(scratch)}
    proc = subprocess.Popen(
        [*AUTOGRADER, "batch", str(big_class), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # as from a terminal: a suite started in the background (`make test &`) inherits SIGINT
        # ignored, and Python then keeps ignoring it, as a background job should
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    wait_for(lambda: list(out.glob(f"*/{LAB}.json")), "the first report")
    wait_for(lambda: len(runners_using(scratch)) > 0, "the next runner")  # stop it mid-grading
    proc.send_signal(sig)
    output, _ = proc.communicate()
    graded = len(list(out.glob(f"*/{LAB}.json")))
    assert graded < 6, "the queued gradings ran after the signal"
    if sig != signal.SIGKILL:
        assert proc.returncode == 130, output
        assert "Run the same command again" in output and "Traceback" not in output
    wait_for(lambda: not runners_using(scratch), "runners and workers to exit")
    wait_for(lambda: not list(scratch.iterdir()), "the scratch root to be emptied")
    reports = [json.loads(p.read_text()) for p in out.glob(f"*/{LAB}.json")]
    assert all(r["score"] == 100 for r in reports), "a stopped grading left a report"

    again = autograder("batch", str(big_class), "--out", str(out), "--labs", LAB, "--no-timing", "--workers", "2", env=env)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert f"kept {graded} unchanged" in again.stdout
    assert sorted(json.loads(p.read_text())["score"] for p in out.glob(f"*/{LAB}.json")) == [100] * 6
    assert list(scratch.iterdir()) == []
