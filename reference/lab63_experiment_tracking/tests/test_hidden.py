"""Hidden tests for lab 63 (an experiment tracker on SQLite, and the same runs in MLflow).

Oracles:

* the database itself: the student's file is read back (``lab.get_file``)
  and queried with ``sqlite3`` against the schema the module docstring
  states;
* checksums: ``hashlib.sha256`` of the bytes the test wrote;
* queries (latest values, best run, comparisons, histories): the
  docstrings' rules written out here over what the test logged, dyadic
  values so that every comparison is exact;
* concurrent writers: several forked processes log to one file at once
  (``log_from_processes``, given complete), then every row is counted;
* MLflow: the exported store is read back with MLflow's own query API
  (``MlflowClient.search_runs``, ``get_metric_history``,
  ``get_experiment_by_name``) and compared with what was logged. MLflow's
  empty SQLite schema ships in ``data/`` (creating it runs alembic
  migrations: seconds).
"""

from __future__ import annotations

import hashlib
import math
import random
import shutil
import sqlite3
import uuid

import numpy as np
import pytest

from autograder.testing import check

SCHEMA = {
    "runs": {"run_id", "name", "seq"},
    "params": {"run_id", "key", "value"},
    "metrics": {"run_id", "key", "step", "value"},
    "artifacts": {"run_id", "name", "sha256", "size"},
}


class Work:
    """A fresh database in the student's reach, and read-back helpers."""

    def __init__(self, lab, tmp_path):
        self.lab, self.tmp = lab, tmp_path
        self.db = f"track-{uuid.uuid4().hex[:10]}.db"
        lab.init_db(self.db)

    def __getattr__(self, name):  # work.log_metric(run, ...) == lab.log_metric(work.db, run, ...)
        fn = getattr(self.lab, name)
        return lambda *args, **kwargs: fn(self.db, *args, **kwargs)

    def sql(self, query, args=()):
        """Run a query on a copy of the student's database (with its WAL, if one is left)."""
        local = self.tmp / f"copy-{uuid.uuid4().hex[:8]}.db"
        local.write_bytes(self.lab.get_file(self.db))
        try:
            (self.tmp / (local.name + "-wal")).write_bytes(self.lab.get_file(self.db + "-wal"))
        except Exception:
            pass
        conn = sqlite3.connect(local)
        try:
            return conn.execute(query, args).fetchall()
        finally:
            conn.close()

    def file(self, name, data):
        path = self.tmp / name
        path.write_bytes(data)
        return self.lab.put_file(path)


@pytest.fixture
def work(lab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # in-process mode: the student's relative paths land here
    return Work(lab, tmp_path)


def dyadic(rng, lo=-4.0, hi=4.0):
    return rng.randint(round(lo * 64), round(hi * 64)) / 64


def oracle_best(latest, order, mode):
    """latest: run -> value or None; order: runs in creation order."""
    cands = [(latest[r], i, r) for i, r in enumerate(order) if latest.get(r) is not None]
    if not cands:
        return None
    key = (lambda c: (c[0], c[1])) if mode == "min" else (lambda c: (-c[0], c[1]))
    return min(cands, key=key)[2]


# ---- schema and runs ----------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_init_db_schema_and_idempotent(work):
    """init_db creates the four tables of the docstring; a second call keeps every row."""
    for table, columns in SCHEMA.items():
        got = {row[1] for row in work.sql(f"PRAGMA table_info({table})")}
        check(got == columns, f"table {table!r} should have exactly the columns {sorted(columns)}")
    run = work.create_run("kept")
    work.log_param(run, "lr", 0.5)
    work.log_metric(run, "loss", 1.0)
    work.lab.init_db(work.db)
    check(work.list_runs() == [run], "init_db on an existing database must keep its runs")
    check(work.metric_history(run, "loss") == [(0, 1.0)] and work.get_run(run)["params"] == {"lr": "0.5"},
          "init_db on an existing database must keep params and metrics")


@pytest.mark.points(5)
def test_create_run_ids_and_order(work):
    """create_run: uuid4 hex ids, seq 0, 1, 2 ..., list_runs in creation order, names may repeat."""
    names = ["b", "a", "b", "c", "a"]
    runs = [work.create_run(n) for n in names]
    for r in runs:
        check(isinstance(r, str) and len(r) == 32 and all(ch in "0123456789abcdef" for ch in r),
              "a run id is uuid.uuid4().hex: 32 lower-case hex digits")
    check(len(set(runs)) == len(runs), "run ids must be distinct")
    check(work.list_runs() == runs, "list_runs should give the ids in creation order")
    rows = work.sql("SELECT run_id, name, seq FROM runs ORDER BY seq")
    check([r[2] for r in rows] == list(range(len(runs))), "runs.seq should be 0, 1, 2, ... in creation order")
    check([(r[0], r[1]) for r in rows] == list(zip(runs, names)), "each row of 'runs' holds the id and the name")
    check([work.get_run(r)["name"] for r in runs] == names, "get_run should give each run's name")
    with pytest.raises(ValueError):
        work.create_run("")


# ---- params -----------------------------------------------------------------------------------------------------


@pytest.mark.points(6)
def test_params_are_strings_and_write_once(work):
    """log_param stores str(value); the same value again is a no-op, another raises and keeps the first."""
    run, other = work.create_run("p"), work.create_run("q")
    values = {"lr": 0.001, "layers": 12, "name": "tiny-gpt", "flag": True, "big": 1e300, "neg": -0.0, "none": None}
    for k, v in values.items():
        work.log_param(run, k, v)
    expected = {k: str(v) for k, v in values.items()}
    check(work.get_run(run)["params"] == expected, "params should be stored as str(value)")
    work.log_param(run, "lr", 0.001)  # same value: nothing happens
    work.log_param(run, "layers", "12")  # str equal: nothing happens
    for other_value in (0.002, 0.0005, "0.001 "):
        with pytest.raises(ValueError):
            work.log_param(run, "lr", other_value)
    check(work.get_run(run)["params"] == expected, "a rejected param must keep the first value")
    work.log_param(other, "lr", 0.5)  # another run: its own params
    check(work.get_run(other)["params"] == {"lr": "0.5"}, "params belong to one run")
    check(sorted(work.sql("SELECT key, value FROM params WHERE run_id = ?", (run,))) == sorted(expected.items()),
          "the params table should hold one row (run_id, key, str(value)) per param")
    with pytest.raises(KeyError):
        work.log_param("0" * 32, "lr", 1)
    with pytest.raises(ValueError):
        work.log_param(run, "", 1)


# ---- metrics ----------------------------------------------------------------------------------------------------


@pytest.mark.points(8)
def test_metric_steps_auto_and_explicit(work):
    """log_metric: step=None takes 1 + the largest step (0 first), explicit steps, the step returned."""
    run, other = work.create_run("m"), work.create_run("n")
    check([work.log_metric(run, "loss", v) for v in (3.0, 2.0, 1.5)] == [0, 1, 2],
          "step=None should give steps 0, 1, 2 and return them")
    check(work.log_metric(run, "loss", 1.25, 10) == 10, "an explicit step is returned")
    check(work.log_metric(run, "loss", 1.0) == 11, "step=None after step 10 is 11 (1 + the largest step)")
    check(work.log_metric(run, "loss", 0.5, 5) == 5, "a free step below the largest may be used")
    check(work.log_metric(run, "loss", 0.25) == 12, "step=None is 1 + the largest step, not the count")
    check(work.log_metric(run, "acc", 0.5) == 0 and work.log_metric(other, "loss", 9.0) == 0,
          "steps count per (run, key)")
    check(work.log_metric(run, "loss", np.float32(0.125), np.int64(20)) == 20, "numpy scalars are accepted")
    check(work.log_metric(run, "tokens", 7) == 0, "ints are accepted")
    rows = work.sql("SELECT step, value, typeof(value) FROM metrics WHERE run_id = ? AND key = 'loss' ORDER BY step",
                    (run,))
    check([(s, v) for s, v, _ in rows] == [(0, 3.0), (1, 2.0), (2, 1.5), (5, 0.5), (10, 1.25), (11, 1.0),
                                           (12, 0.25), (20, 0.125)],
          "the metrics table should hold one row (run_id, key, step, value) per point")
    check(work.sql("SELECT typeof(value) FROM metrics WHERE key = 'tokens'") == [("real",)],
          "metric values are stored as floats")


@pytest.mark.points(6)
def test_metric_errors_write_nothing(work):
    """A taken step, a negative step, NaN, an empty key or an unknown run raise and write nothing."""
    run = work.create_run("m")
    work.log_metric(run, "loss", 1.0, 3)
    for args, exc in [((run, "loss", 2.0, 3), ValueError), ((run, "loss", 2.0, -1), ValueError),
                      ((run, "loss", math.nan), ValueError), ((run, "loss", math.nan, 7), ValueError),
                      ((run, "", 1.0), ValueError), (("f" * 32, "loss", 1.0), KeyError)]:
        with pytest.raises(exc):
            work.log_metric(*args)
    check(work.metric_history(run, "loss") == [(3, 1.0)], "a rejected point must not be written")
    check(work.sql("SELECT COUNT(*) FROM metrics") == [(1,)], "a rejected point must not be written")
    check(work.log_metric(run, "loss", math.inf) == 4 and work.log_metric(run, "loss", -math.inf, 0) == 0,
          "inf and -inf are valid values; the database must still accept writes after errors")
    check(work.metric_history(run, "loss") == [(0, -math.inf), (3, 1.0), (4, math.inf)], "inf values are kept")


@pytest.mark.points(5)
def test_metric_history_by_step(work):
    """metric_history gives (step, value) by increasing step, exact values, [] for a metric never logged."""
    rng = random.Random(63)
    run = work.create_run("h")
    steps = rng.sample(range(1000), 25)
    values = [rng.choice([1e300, -1e-300, 2.0 ** -1074, 123456789.123456789]) * rng.random() for _ in steps]
    work.lab.map(work.lab.log_metric, [(work.db, run, "x", v, s) for s, v in zip(steps, values)])
    got = work.metric_history(run, "x")
    check([s for s, _ in got] == sorted(steps), "the history should be ordered by step")
    check(dict(got) == dict(zip(steps, values)), "each value must come back exactly (a REAL column)")
    check(all(isinstance(s, int) and isinstance(v, float) for s, v in got), "steps are ints, values floats")
    check(work.metric_history(run, "y") == [], "a metric never logged gives []")
    with pytest.raises(KeyError):
        work.metric_history("a" * 32, "x")


# ---- reading runs -----------------------------------------------------------------------------------------------


@pytest.mark.points(5)
def test_get_run_latest_is_the_largest_step(work, tmp_path):
    """get_run: params, the value at the LARGEST step of each metric (not the last logged), artifacts."""
    run = work.create_run("g")
    work.log_metric(run, "loss", 0.5, 9)
    work.log_metric(run, "loss", 0.25, 2)  # logged last, but not the latest step
    work.log_metric(run, "acc", 0.75)
    work.log_param(run, "seed", 3)
    art = work.log_artifact(run, work.file("w.bin", b"weights"), "arts")
    got = work.get_run(run)
    check(set(got) == {"run_id", "name", "params", "metrics", "artifacts"},
          "get_run should return the keys run_id, name, params, metrics, artifacts")
    check(got["run_id"] == run and got["name"] == "g", "wrong run_id or name")
    check(got["metrics"] == {"loss": 0.5, "acc": 0.75}, "metrics should hold each metric's value at its largest step")
    check(got["params"] == {"seed": "3"}, "wrong params")
    check(got["artifacts"] == {"w.bin": hashlib.sha256(b"weights").hexdigest()} and art["name"] == "w.bin",
          "artifacts should map each name to its sha256")
    with pytest.raises(KeyError):
        work.get_run("b" * 32)


@pytest.mark.points(7)
def test_best_run_random_against_rules(work):
    """best_run over random runs, min and max, latest values only, runs without the metric left out."""
    rng = random.Random(7)
    runs, latest = [], {}
    calls = []
    for i in range(14):
        run = work.create_run(f"r{i}")
        runs.append(run)
        if i % 5 == 3:
            calls.append((work.db, run, "other", 1.0))
            latest[run] = None
            continue
        points = {s: dyadic(rng) for s in rng.sample(range(20), rng.randint(1, 4))}
        calls += [(work.db, run, "loss", v, s) for s, v in points.items()]
        latest[run] = points[max(points)]
    work.lab.map(work.lab.log_metric, calls)
    for mode in ("min", "max"):
        check(work.best_run("loss", mode) == oracle_best(latest, runs, mode), f"wrong best run for mode={mode!r}")
    check(work.best_run("loss") == oracle_best(latest, runs, "min"), "the default mode is 'min'")
    check(work.best_run("missing", "max") is None, "no run logged the metric: None")
    with pytest.raises(ValueError):
        work.best_run("loss", "lowest")


@pytest.mark.points(6)
def test_best_run_ties_and_latest(work):
    """best_run: ties go to the run created first; a run's best-ever value does not count, its latest does."""
    a, b, c, d = (work.create_run(n) for n in "abcd")
    work.log_metric(d, "loss", -100.0, 0)   # best ever, but its latest is worse
    work.log_metric(d, "loss", 5.0, 1)
    for run in (b, c, a):                    # logged in another order than created
        work.log_metric(run, "loss", 0.5, 4)
    check(work.best_run("loss", "min") == a, "a tie goes to the run created first")
    check(work.best_run("loss", "max") == d, "the latest value (largest step) decides")
    work.log_metric(d, "loss", 0.5, 2)
    check(work.best_run("loss", "max") == a, "a tie goes to the run created first (max too)")
    work.log_metric(a, "loss", 0.75, 1)     # an earlier step: a's latest is still 0.5
    check(work.best_run("loss", "max") == a, "a point at an earlier step does not change the latest value")


@pytest.mark.points(6)
def test_compare_runs_table(work):
    """compare_runs: run_id, name, sorted params.<k>, sorted metrics.<k>, None where missing, rows as asked."""
    a, b, c = work.create_run("a"), work.create_run("b"), work.create_run("c")
    work.log_param(a, "lr", 0.1)
    work.log_param(a, "batch", 32)
    work.log_param(b, "lr", 0.2)
    work.log_param(b, "opt", "adam")
    work.log_metric(a, "loss", 1.0, 0)
    work.log_metric(a, "loss", 0.5, 1)
    work.log_metric(b, "acc", 0.25)
    work.log_metric(c, "zeta", 2.0)
    table = work.compare_runs([b, a, b])
    check(set(table) == {"columns", "rows"}, "compare_runs returns {'columns': ..., 'rows': ...}")
    check(table["columns"] == ["run_id", "name", "params.batch", "params.lr", "params.opt", "metrics.acc",
                               "metrics.loss"],
          "columns: run_id, name, the sorted params.<key> of these runs, then their sorted metrics.<key>")
    check(table["rows"] == [[b, "b", None, "0.2", "adam", 0.25, None],
                            [a, "a", "32", "0.1", None, None, 0.5],
                            [b, "b", None, "0.2", "adam", 0.25, None]],
          "one row per run in the order asked: params as strings, latest metrics, None where missing")
    check(work.compare_runs([c]) == {"columns": ["run_id", "name", "metrics.zeta"], "rows": [[c, "c", 2.0]]},
          "only the keys of the runs compared make columns")
    check(work.compare_runs([]) == {"columns": ["run_id", "name"], "rows": []}, "no runs: the two id columns only")
    with pytest.raises(KeyError):
        work.compare_runs([a, "c" * 32])


# ---- artifacts --------------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_sha256_file_matches_hashlib(work):
    """sha256_file equals hashlib.sha256 for empty, small and multi-megabyte files."""
    rng = np.random.default_rng(0)
    for size in (0, 1, (1 << 20) - 1, 1 << 20, 2 * (1 << 20) + 17):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        check(work.lab.sha256_file(work.file(f"blob-{size}.bin", data)) == hashlib.sha256(data).hexdigest(),
              f"wrong digest of a {size}-byte file (64 lower-case hex digits)")


@pytest.mark.points(7)
def test_log_artifact_copies_with_checksums(work):
    """log_artifact copies to <root>/<run_id>/<name> and records sha256 and size; duplicates and errors raise."""
    rng = np.random.default_rng(1)
    run, other = work.create_run("art"), work.create_run("other")
    blobs = {"empty.bin": b"", "config.json": b'{"d": 64}', "weights.bin": rng.bytes((1 << 20) + 3)}
    for name, data in blobs.items():
        got = work.log_artifact(run, work.file(name, data), "store/arts")
        digest = hashlib.sha256(data).hexdigest()
        check(got == {"name": name, "sha256": digest, "size": len(data), "path": f"store/arts/{run}/{name}"},
              f"log_artifact({name!r}) should return name, sha256, size and the path <root>/<run_id>/<name>")
        check(work.lab.get_file(f"store/arts/{run}/{name}") == data, f"the copy of {name!r} differs from the file")
    rows = work.sql("SELECT name, sha256, size FROM artifacts WHERE run_id = ?", (run,))
    check(sorted(rows) == sorted((n, hashlib.sha256(d).hexdigest(), len(d)) for n, d in blobs.items()),
          "the artifacts table should hold (run_id, name, sha256, size) per artifact")
    src = work.file("config.json", b"changed")
    with pytest.raises(ValueError):
        work.log_artifact(run, src, "store/arts")
    check(work.lab.get_file(f"store/arts/{run}/config.json") == blobs["config.json"],
          "a rejected duplicate must keep the earlier copy")
    check(work.get_run(run)["artifacts"]["config.json"] == hashlib.sha256(blobs["config.json"]).hexdigest(),
          "a rejected duplicate must keep the earlier row")
    check(work.log_artifact(other, src, "store/arts")["sha256"] == hashlib.sha256(b"changed").hexdigest(),
          "another run may log a file of the same name")
    with pytest.raises(FileNotFoundError):
        work.log_artifact(run, "no-such-file.bin", "store/arts")
    with pytest.raises(KeyError):
        work.log_artifact("d" * 32, src, "store/arts")


# ---- concurrent writers -----------------------------------------------------------------------------------------


@pytest.mark.points(14)
def test_concurrent_writers_lose_nothing(work):
    """Three processes logging to one metric at once: no row lost, steps 0..N-1 unique, each writer in order."""
    workers, count = 3, 30
    run, other = work.create_run("busy"), work.create_run("quiet")
    work.log_metric(other, "loss", 1.0)
    work.log_from_processes(run, "loss", workers, count)
    rows = work.sql("SELECT step, value FROM metrics WHERE run_id = ? AND key = 'loss' ORDER BY step", (run,))
    check(len(rows) == workers * count, f"{len(rows)} rows instead of {workers * count}: points were lost")
    check([s for s, _ in rows] == list(range(workers * count)), "the steps should be exactly 0 .. N-1, each once")
    values = [v for _, v in rows]
    expected = {w * 1_000_000 + i for w in range(workers) for i in range(count)}
    check(set(values) == expected and len(set(values)) == len(values), "every logged value should be there once")
    for w in range(workers):
        mine = [v for v in values if w * 1_000_000 <= v < (w + 1) * 1_000_000]
        check(mine == sorted(mine), "one writer's points should get increasing steps")
    check(work.metric_history(other, "loss") == [(0, 1.0)], "the other run is untouched")
    work.log_from_processes(run, "loss", 2, 10)  # again: the steps go on
    check(work.sql("SELECT COUNT(*), COUNT(DISTINCT step), MAX(step) FROM metrics WHERE run_id = ?", (run,))
          == [(workers * count + 20, workers * count + 20, workers * count + 19)],
          "a second round of writers should continue the steps without gaps or repeats")


# ---- MLflow -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(lab, lab_data, tmp_path_factory):
    """Two tracker databases exported to one MLflow store, read back with MLflow's client (runner side)."""
    from mlflow import MlflowClient

    tmp = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        work = Work(lab, tmp)
        rng = random.Random(11)
        runs, logged = [], {}
        for i, name in enumerate(["base", "wide", "deep", "base"]):
            run = work.create_run(name)
            runs.append(run)
            params = {"lr": rng.choice([0.1, 0.01, 3e-4]), "layers": 2 + i, "tag": f"t{i}"}
            if i == 2:
                params["p" + "x" * 3] = "extra"
            metrics = {"loss": {s: dyadic(rng, 0, 4) for s in rng.sample(range(300), 12 + 4 * i)},
                       "acc": {s: dyadic(rng, 0, 1) for s in range(i + 1)}}
            if i == 3:
                del metrics["acc"]
            lab.map(lab.log_param, [(work.db, run, k, v) for k, v in params.items()])
            lab.map(lab.log_metric, [(work.db, run, k, v, s) for k, pts in metrics.items() for s, v in pts.items()])
            logged[run] = (name, {k: str(v) for k, v in params.items()}, metrics)
        second = Work(lab, tmp)
        extra = second.create_run("solo")
        second.log_metric(extra, "loss", 0.5, 3)
        second.log_param(extra, "lr", 1)
        template = tmp / "mlflow-store.db"
        shutil.copyfile(lab_data / "mlflow-empty.db", template)
        store = lab.put_file(template, f"mlflow-{uuid.uuid4().hex[:8]}.db")
        uri = f"sqlite:///{store}"
        mapping = lab.export_to_mlflow(work.db, uri, "lab63")
        mapping2 = lab.export_to_mlflow(second.db, uri, "Default")  # an experiment that exists already
        local = tmp / "readback.db"
        local.write_bytes(lab.get_file(store))
        best = {mode: work.best_run("loss", mode) for mode in ("min", "max")}
    client = MlflowClient(f"sqlite:///{local}")
    return {"client": client, "runs": runs, "logged": logged, "mapping": mapping, "mapping2": mapping2,
            "extra": extra, "best": best}


def _by_tracker_id(client, experiment_name):
    experiment = client.get_experiment_by_name(experiment_name)
    check(experiment is not None, f"MLflow should have an experiment named {experiment_name!r}")
    found = client.search_runs([experiment.experiment_id], max_results=1000)
    return {r.data.tags.get("tracker_run_id"): r for r in found}


@pytest.mark.points(6)
def test_mlflow_runs_names_params(exported):
    """export_to_mlflow: one finished MLflow run per tracker run, its name, tag and params (search_runs)."""
    client, logged, mapping = exported["client"], exported["logged"], exported["mapping"]
    found = _by_tracker_id(client, "lab63")
    check(set(found) == set(logged), "every tracker run should be one MLflow run tagged with 'tracker_run_id'")
    check(isinstance(mapping, dict) and set(mapping) == set(logged),
          "export_to_mlflow should return {tracker run id: MLflow run id} for every run")
    for run, (name, params, _) in logged.items():
        ml = found[run]
        check(mapping[run] == ml.info.run_id, "the returned MLflow run id should be the run's id in MLflow")
        check(ml.info.run_name == name, "the MLflow run name should be the tracker run's name")
        check(ml.data.params == params, "the MLflow params should equal the tracker's (as strings)")
        check(ml.info.status == "FINISHED", "each MLflow run should be finished (terminated)")


@pytest.mark.points(8)
def test_mlflow_metric_histories(exported):
    """Every metric point reaches MLflow with its step: get_metric_history and the latest values agree."""
    client, logged, mapping = exported["client"], exported["logged"], exported["mapping"]
    found = _by_tracker_id(client, "lab63")
    for run, (_, _, metrics) in logged.items():
        ml = found[run]
        check(ml.data.metrics == {k: pts[max(pts)] for k, pts in metrics.items()},
              "MLflow's latest metric values should be the tracker's values at the largest step")
        for key, pts in metrics.items():
            history = client.get_metric_history(mapping[run], key)
            check(sorted((m.step, m.value) for m in history) == sorted(pts.items()),
                  f"MLflow's history of {key!r} should hold every (step, value) the tracker holds")


@pytest.mark.points(4)
def test_mlflow_existing_experiment_and_best_run(exported):
    """An existing experiment is reused; best_run agrees with MLflow's search_runs ordered by the metric."""
    client = exported["client"]
    solo = _by_tracker_id(client, "Default")
    check(set(solo) == {exported["extra"]} and exported["mapping2"] == {exported["extra"]: solo[exported["extra"]].info.run_id},
          "exporting to an existing experiment should add the runs to it")
    check(len(client.search_experiments()) == 2, "an existing experiment must be reused, not created again")
    experiment = client.get_experiment_by_name("lab63")
    for mode, order in (("min", "ASC"), ("max", "DESC")):
        ranked = client.search_runs([experiment.experiment_id], order_by=[f"metrics.loss {order}"], max_results=1)
        check(ranked[0].data.tags["tracker_run_id"] == exported["best"][mode],
              f"best_run(mode={mode!r}) should agree with MLflow's search_runs order_by metrics.loss {order}")
