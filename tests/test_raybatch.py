"""The Ray backend: the example class graded as tasks on a local Ray cluster, with
one grading's Ray worker killed mid-batch; every (student, lab) gets exactly one
report, the killed one included (Ray runs it again), with the local verdicts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

pytest.importorskip("ray")
pytestmark = pytest.mark.slow

LABS = ("lab02_text_statistics", "lab09_ngram_lm", "lab15_self_attention")


def grading_workers() -> dict[int, str]:
    """pid -> title of the Ray worker processes running a grading task (not their children)."""
    found = {}
    for line in subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout.splitlines()[1:]:
        pid, ppid, args = line.split(None, 2)
        if args.startswith("ray::grade "):
            found[int(pid)] = (int(ppid), args)
    return {pid: args for pid, (ppid, args) in found.items() if ppid not in found}


def test_a_ray_batch_survives_a_killed_worker_without_losing_or_duplicating_a_report(tmp_path: Path):
    out = tmp_path / "grades"
    env = {**os.environ, "RAY_DISABLE_USAGE_STATS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder.cli", "batch", str(REPO / "examples" / "class"), "--out", str(out), "--no-timing", "--backend", "ray", "--address", "local"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    killed = None
    deadline = time.monotonic() + 300
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        workers = grading_workers()
        if workers:
            pid, title = sorted(workers.items())[0]
            os.kill(pid, signal.SIGKILL)
            killed = title
        else:
            time.sleep(0.05)
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output[-3000:]
    assert killed is not None, "no grading task was seen running"
    assert "graded 9," in output, output[-2000:]  # nine results: none lost, none counted twice
    reports = {p.relative_to(out).as_posix(): json.loads(p.read_text()) for p in sorted(out.glob("*/lab*.json"))}
    assert sorted(reports) == sorted(f"{s}/{lab}.json" for s in ("alice", "bob", "carol") for lab in LABS)
    assert all(r["status"] == "graded" for r in reports.values()), {k: r["errors"] for k, r in reports.items() if r["status"] != "graded"}
    _, student, lab = killed.split()
    assert reports[f"{student}/{lab}.json"]["tests"], f"the killed grading ({killed}) was graded again"
    for lab in LABS:  # alice: the reference (kernel points need timing); bob: the stubs
        r = reports[f"alice/{lab}.json"]
        assert r["score"] == r["max_score"] - sum(k["max_points"] for k in r.get("kernels", [])), lab
        assert reports[f"bob/{lab}.json"]["score"] == 0
    assert not grading_workers(), "the local cluster's workers end with the batch"
