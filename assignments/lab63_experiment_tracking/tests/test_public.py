"""Public sanity checks for lab 63 (an experiment tracker on SQLite, and the same runs in MLflow).

Run with ``autograder test lab63_experiment_tracking``. Passing these does
not mean the hidden tests pass: they read your database back with
``sqlite3`` and check the schema row by row, provoke every error the
docstrings name, compare best runs and comparison tables with the stated
rules on random runs, check artifacts byte for byte against ``hashlib``,
start several processes writing to one database at once and count every
row, and read your MLflow export back with MLflow's own client.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from autograder.testing import check


@pytest.fixture
def db(lab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lab.init_db("demo.db")
    return "demo.db"


def test_one_run_round_trip(lab, db):
    """A run with a param and three loss points reads back as logged."""
    run = lab.create_run(db, "baseline")
    lab.log_param(db, run, "lr", 3e-4)
    steps = [lab.log_metric(db, run, "loss", v) for v in (2.0, 1.0, 0.75)]
    check(steps == [0, 1, 2], "step=None should number the points 0, 1, 2")
    check(lab.metric_history(db, run, "loss") == [(0, 2.0), (1, 1.0), (2, 0.75)], "the history, by step")
    info = lab.get_run(db, run)
    check(info["params"] == {"lr": "0.0003"} and info["metrics"] == {"loss": 0.75},
          "params come back as strings, metrics as their latest value")


def test_best_and_compare(lab, db):
    """The run with the smaller final loss wins; the comparison table has MLflow-style column names."""
    slow, fast = lab.create_run(db, "slow"), lab.create_run(db, "fast")
    lab.log_metric(db, slow, "loss", 0.9)
    lab.log_metric(db, fast, "loss", 0.3)
    check(lab.best_run(db, "loss", "min") == fast, "the smaller loss should win with mode='min'")
    table = lab.compare_runs(db, [slow, fast])
    check(table["columns"] == ["run_id", "name", "metrics.loss"], "columns: run_id, name, metrics.loss")


def test_artifact_checksum(lab, db, tmp_path):
    """log_artifact records hashlib's sha256 of the copied file."""
    run = lab.create_run(db, "a")
    (tmp_path / "model.bin").write_bytes(b"tiny weights")
    info = lab.log_artifact(db, run, lab.put_file(tmp_path / "model.bin"), "artifacts")
    check(info["sha256"] == hashlib.sha256(b"tiny weights").hexdigest(), "sha256 of the copy")


def test_two_writers(lab, db, tmp_path):
    """Two processes writing 20 points each leave 40 rows with steps 0..39."""
    run = lab.create_run(db, "busy")
    lab.log_from_processes(db, run, "loss", 2, 20)
    conn = sqlite3.connect(tmp_path / db)
    steps = sorted(s for (s,) in conn.execute("SELECT step FROM metrics"))
    conn.close()
    check(steps == list(range(40)), "every point should be there, each with its own step")
