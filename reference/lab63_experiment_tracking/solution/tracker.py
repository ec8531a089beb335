"""Lab 63: an experiment tracker on SQLite, and the same runs in MLflow.

The tracker keeps everything in one SQLite database file. Every public
function takes the database path and opens its own connection (so several
processes can log to the same file at once), with a busy timeout of
``BUSY_TIMEOUT_S`` seconds: a writer that finds the database locked waits
for the lock instead of failing at once. In write-ahead-log mode (``init_db``
sets it) ``PRAGMA synchronous = NORMAL`` is safe and saves an fsync per
commit.

The schema (created by ``init_db``; the hidden tests read it back with
``sqlite3``)::

    runs(run_id TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE)
    params(run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
           PRIMARY KEY (run_id, key))
    metrics(run_id TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL,
            value REAL NOT NULL, PRIMARY KEY (run_id, key, step))
    artifacts(run_id TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
              size INTEGER NOT NULL, PRIMARY KEY (run_id, name))

``runs.seq`` is the creation order: 0 for the first run of the database,
then 1, 2, ... Every write (and every read that decides what to write, such
as the next step of a metric) happens inside one transaction started with
``BEGIN IMMEDIATE``, committed on success and rolled back on an error, so
concurrent writers never lose a row nor give two points of one metric the
same step.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import shutil
import sqlite3
import time
import traceback
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

BUSY_TIMEOUT_S = 30.0
JITTER_S = 0.0002  # see log_from_processes

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS params (
    run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
CREATE TABLE IF NOT EXISTS metrics (
    run_id TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (run_id, key, step));
CREATE TABLE IF NOT EXISTS artifacts (
    run_id TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (run_id, name));
"""


# ---- connections and transactions -----------------------------------------------------------------------------


def _connect(db_path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)  # we BEGIN ourselves
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL: a commit is durable at the next checkpoint, no fsync each
    return conn


@contextmanager
def _transaction(db_path: str) -> Iterator[sqlite3.Connection]:
    """A write transaction: the write lock is taken at BEGIN, before any read."""
    conn = _connect(db_path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def _require_run(conn: sqlite3.Connection, run_id: str) -> None:
    if conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is None:
        raise KeyError(f"no run {run_id!r}")


# ---- writing ----------------------------------------------------------------------------------------------------


def init_db(db_path: str) -> None:
    """Create the tracker's tables in ``db_path`` (the file is created if missing).

    Creates the four tables of the module docstring, each only if it does
    not exist yet: calling ``init_db`` again on a database that has runs
    keeps every row. Also switches the database to write-ahead logging
    (``PRAGMA journal_mode=WAL``) so that readers do not block writers.
    """
    conn = _connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def create_run(db_path: str, name: str) -> str:
    """Start a run called ``name`` and return its id.

    The id is a fresh ``uuid.uuid4().hex`` (32 lower-case hex digits). The
    run gets ``seq`` = the number of runs already in the database (0, 1,
    2, ...), read and written in one transaction, so runs created from
    several processes still get distinct, consecutive ``seq`` values.
    Names need not be unique.

    Raises:
        ValueError: if ``name`` is empty.
    """
    if not name:
        raise ValueError("a run needs a non-empty name")
    run_id = uuid.uuid4().hex
    with _transaction(db_path) as conn:
        (seq,) = conn.execute("SELECT COUNT(*) FROM runs").fetchone()
        conn.execute("INSERT INTO runs (run_id, name, seq) VALUES (?, ?, ?)", (run_id, name, seq))
    return run_id


def log_param(db_path: str, run_id: str, key: str, value: object) -> None:
    """Record the parameter ``key`` of a run; the value is stored as ``str(value)``.

    Parameters are write-once, as in MLflow: logging a key again with a
    value whose ``str`` is the same does nothing; with a different one it
    raises and keeps the first value.

    Raises:
        KeyError: if the run does not exist.
        ValueError: if ``key`` is empty, or the key already holds a
            different value.
    """
    if not key:
        raise ValueError("a parameter needs a non-empty key")
    text = str(value)
    with _transaction(db_path) as conn:
        _require_run(conn, run_id)
        row = conn.execute("SELECT value FROM params WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
        if row is None:
            conn.execute("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)", (run_id, key, text))
        elif row[0] != text:
            raise ValueError(f"parameter {key!r} is already {row[0]!r}; parameters are write-once")


def log_metric(db_path: str, run_id: str, key: str, value: float, step: int | None = None) -> int:
    """Record one point ``(step, value)`` of the metric ``key`` of a run; return the step.

    ``value`` is stored as a float (``float(value)``; ints and numpy scalars
    are accepted; ``inf`` and ``-inf`` are kept). With ``step=None`` the step
    is the next free one: 1 + the largest step of this ``(run, key)``, or 0
    for its first point; that read and the insert happen in ONE transaction,
    so writers in several processes never take the same step. Steps are
    unique per ``(run, key)``.

    Raises:
        KeyError: if the run does not exist.
        ValueError: if ``key`` is empty, ``value`` is NaN, ``step`` is
            negative, or ``step`` is already taken for this ``(run, key)``
            (nothing is written then).
    """
    if not key:
        raise ValueError("a metric needs a non-empty key")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"metric {key!r}: NaN cannot be logged")
    if step is not None and step < 0:
        raise ValueError(f"metric {key!r}: step must be >= 0, got {step}")
    with _transaction(db_path) as conn:
        _require_run(conn, run_id)
        if step is None:
            (last,) = conn.execute(
                "SELECT MAX(step) FROM metrics WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
            step = 0 if last is None else last + 1
        elif conn.execute("SELECT 1 FROM metrics WHERE run_id = ? AND key = ? AND step = ?",
                          (run_id, key, step)).fetchone() is not None:
            raise ValueError(f"metric {key!r} already has a point at step {step}")
        conn.execute("INSERT INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)",
                     (run_id, key, int(step), value))
    return int(step)


def sha256_file(path: str) -> str:
    """The SHA-256 of a file's bytes as 64 lower-case hex digits, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def log_artifact(db_path: str, run_id: str, src_path: str, artifact_root: str) -> dict:
    """Copy a file into the run's artifact folder and record its checksum.

    The copy goes to ``<artifact_root>/<run_id>/<name>`` with ``name`` the
    file name of ``src_path`` (folders are created as needed). The row
    ``(run_id, name, sha256, size)`` is recorded, with the SHA-256 (64
    lower-case hex digits) and size in bytes of the copied file.

    Returns:
        ``{"name": name, "sha256": digest, "size": size, "path": copy_path}``
        with ``copy_path`` the string ``<artifact_root>/<run_id>/<name>``.

    Raises:
        KeyError: if the run does not exist.
        FileNotFoundError: if ``src_path`` does not exist.
        ValueError: if the run already has an artifact of that name (the
            earlier copy and row are kept).
    """
    src = Path(src_path)
    if not src.is_file():
        raise FileNotFoundError(f"no file {src_path!r}")
    name = src.name
    dest = Path(artifact_root) / run_id / name
    with _transaction(db_path) as conn:
        _require_run(conn, run_id)
        if conn.execute("SELECT 1 FROM artifacts WHERE run_id = ? AND name = ?", (run_id, name)).fetchone():
            raise ValueError(f"run {run_id} already has an artifact {name!r}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        digest, size = sha256_file(str(dest)), dest.stat().st_size
        conn.execute("INSERT INTO artifacts (run_id, name, sha256, size) VALUES (?, ?, ?, ?)",
                     (run_id, name, digest, size))
    return {"name": name, "sha256": digest, "size": size, "path": str(dest)}


# ---- reading ----------------------------------------------------------------------------------------------------


def _latest(conn: sqlite3.Connection, run_id: str) -> dict[str, float]:
    """Each metric's value at its largest step."""
    rows = conn.execute(
        "SELECT key, value FROM metrics AS m WHERE run_id = ? AND step = "
        "(SELECT MAX(step) FROM metrics WHERE run_id = m.run_id AND key = m.key)", (run_id,))
    return dict(rows.fetchall())


def list_runs(db_path: str) -> list[str]:
    """The ids of every run, in creation order (by ``seq``)."""
    conn = _connect(db_path)
    try:
        return [r for (r,) in conn.execute("SELECT run_id FROM runs ORDER BY seq")]
    finally:
        conn.close()


def get_run(db_path: str, run_id: str) -> dict:
    """One run as plain data.

    Returns:
        ``{"run_id": str, "name": str, "params": {key: str}, "metrics":
        {key: float}, "artifacts": {name: sha256}}`` where ``metrics`` holds
        each metric's LATEST value: the value at its largest step.

    Raises:
        KeyError: if the run does not exist.
    """
    conn = _connect(db_path)
    try:
        row = conn.execute("SELECT name FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id!r}")
        params = dict(conn.execute("SELECT key, value FROM params WHERE run_id = ?", (run_id,)).fetchall())
        artifacts = dict(conn.execute("SELECT name, sha256 FROM artifacts WHERE run_id = ?", (run_id,)).fetchall())
        return {"run_id": run_id, "name": row[0], "params": params, "metrics": _latest(conn, run_id),
                "artifacts": artifacts}
    finally:
        conn.close()


def metric_history(db_path: str, run_id: str, key: str) -> list[tuple[int, float]]:
    """Every point ``(step, value)`` of one metric of a run, by increasing step.

    A metric the run never logged gives ``[]``.

    Raises:
        KeyError: if the run does not exist.
    """
    conn = _connect(db_path)
    try:
        _require_run(conn, run_id)
        rows = conn.execute("SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step",
                            (run_id, key))
        return [(int(s), float(v)) for s, v in rows]
    finally:
        conn.close()


def best_run(db_path: str, metric: str, mode: str = "min") -> str | None:
    """The id of the run with the best LATEST value of ``metric``.

    Only runs that logged ``metric`` take part; each is judged by the value
    at its largest step. ``mode="min"``: the smallest value wins;
    ``mode="max"``: the largest. Ties go to the run created first (smallest
    ``seq``). ``None`` if no run logged the metric.

    Raises:
        ValueError: if ``mode`` is neither ``"min"`` nor ``"max"``.
    """
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    order = "ASC" if mode == "min" else "DESC"
    conn = _connect(db_path)
    try:
        row = conn.execute(
            "SELECT r.run_id FROM runs AS r JOIN metrics AS m ON m.run_id = r.run_id AND m.key = ? "
            "WHERE m.step = (SELECT MAX(step) FROM metrics WHERE run_id = r.run_id AND key = ?) "
            f"ORDER BY m.value {order}, r.seq ASC LIMIT 1", (metric, metric)).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def compare_runs(db_path: str, run_ids: list[str]) -> dict:
    """A comparison table of params and latest metrics across runs.

    Returns:
        ``{"columns": [...], "rows": [[...], ...]}``. The columns are
        ``"run_id"``, ``"name"``, then ``"params.<key>"`` for every param key
        any of the runs has, sorted, then ``"metrics.<key>"`` for every
        metric key any of them has, sorted (MLflow's column names). One row
        per run, in the order of ``run_ids`` (repeats allowed), holding the
        id, the name, the param strings and the latest metric values;
        ``None`` where a run lacks that key.

    Raises:
        KeyError: if a run does not exist.
    """
    runs = [get_run(db_path, r) for r in run_ids]
    params = sorted({k for run in runs for k in run["params"]})
    metrics = sorted({k for run in runs for k in run["metrics"]})
    columns = ["run_id", "name"] + [f"params.{k}" for k in params] + [f"metrics.{k}" for k in metrics]
    rows = [[run["run_id"], run["name"]] + [run["params"].get(k) for k in params]
            + [run["metrics"].get(k) for k in metrics] for run in runs]
    return {"columns": columns, "rows": rows}


# ---- several writers --------------------------------------------------------------------------------------------


def _jittery(connect):
    """sqlite3.connect whose connections pause a little before every statement, so that races show."""
    def wrapped(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(lambda _statement: time.sleep(JITTER_S))
        return conn
    return wrapped


def _writer(db_path: str, run_id: str, key: str, worker: int, values: list[int], queue) -> None:
    try:
        sqlite3.connect = _jittery(sqlite3.connect)  # in this forked writer only
        for value in values:
            log_metric(db_path, run_id, key, value)
        queue.put((worker, None))
    except BaseException:
        queue.put((worker, traceback.format_exc()))


def log_from_processes(db_path: str, run_id: str, key: str, workers: int, count: int,
                       timeout: float = 120.0) -> None:
    """Log ``count`` points of metric ``key`` from each of ``workers`` processes at once. Given complete.

    Process ``w`` (forked, ``w`` = 0 .. workers - 1) calls
    ``log_metric(db_path, run_id, key, w * 1_000_000 + i)`` for
    ``i = 0 .. count - 1`` (``step=None``: the next free step), all
    processes running at the same time on the same database file. In the
    writers, ``sqlite3.connect`` is wrapped so that every statement of a
    connection (its ``set_trace_callback``) first sleeps ``JITTER_S``
    seconds: other writers run in between, as on a busy machine, so a
    read-then-write that is not one transaction loses its race.

    Raises:
        RuntimeError: if a process failed (its traceback is in the message)
            or did not finish within ``timeout`` seconds.
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_path, run_id, key, w, [w * 1_000_000 + i for i in range(count)], queue))
             for w in range(workers)]
    for p in procs:
        p.start()
    try:
        for _ in range(workers):
            try:
                worker, error = queue.get(timeout=timeout)
            except Exception:
                raise RuntimeError(f"the writers did not finish within {timeout} s") from None
            if error is not None:
                raise RuntimeError(f"writer {worker} failed:\n{error}")
    finally:
        for p in procs:
            p.kill()
            p.join()


# ---- MLflow -----------------------------------------------------------------------------------------------------


def export_to_mlflow(db_path: str, tracking_uri: str, experiment_name: str) -> dict[str, str]:
    """Log every run of the tracker to MLflow and return ``{tracker run id: MLflow run id}``.

    ``tracking_uri`` is an MLflow tracking URI such as
    ``"sqlite:///path/to/mlflow.db"`` (the database may be new or already
    hold MLflow's tables). The experiment ``experiment_name`` is created if
    missing, else reused. For each tracker run, in creation order, one
    finished MLflow run in that experiment with:

    * run name = the tracker run's name;
    * the tag ``"tracker_run_id"`` = the tracker's run id;
    * every param (its string value);
    * every point of every metric with its step and value (so MLflow's
      ``get_metric_history`` gives the tracker's ``metric_history``).

    Use ``mlflow.MlflowClient(tracking_uri)`` (or ``mlflow.set_tracking_uri``
    with ``mlflow.start_run`` / ``log_param`` / ``log_metric(step=...)``).
    """
    import mlflow

    client = mlflow.MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    experiment_id = (experiment.experiment_id if experiment is not None
                     else client.create_experiment(experiment_name))
    conn = _connect(db_path)
    try:
        out = {}
        for run_id in list_runs(db_path):
            run = get_run(db_path, run_id)
            ml_id = client.create_run(experiment_id, run_name=run["name"], tags={"tracker_run_id": run_id}).info.run_id
            for key, value in run["params"].items():
                client.log_param(ml_id, key, value)
            for key, step, value in conn.execute("SELECT key, step, value FROM metrics WHERE run_id = ?", (run_id,)):
                client.log_metric(ml_id, key, value, step=step)
            client.set_terminated(ml_id)
            out[run_id] = ml_id
        return out
    finally:
        conn.close()
