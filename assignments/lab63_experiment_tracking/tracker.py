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

import multiprocessing as mp
import sqlite3
import time
import traceback

BUSY_TIMEOUT_S = 30.0
JITTER_S = 0.0002  # see log_from_processes


# ---- connections and transactions -----------------------------------------------------------------------------

# TODO: your helpers here, e.g. a connection with the busy timeout and a context manager for a
# write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on an exception, the connection closed).


# ---- writing ----------------------------------------------------------------------------------------------------


def init_db(db_path: str) -> None:
    """Create the tracker's tables in ``db_path`` (the file is created if missing).

    Creates the four tables of the module docstring, each only if it does
    not exist yet: calling ``init_db`` again on a database that has runs
    keeps every row. Also switches the database to write-ahead logging
    (``PRAGMA journal_mode=WAL``) so that readers do not block writers.
    """
    raise NotImplementedError("TODO: init_db")


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
    raise NotImplementedError("TODO: create_run")


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
    raise NotImplementedError("TODO: log_param")


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
    raise NotImplementedError("TODO: log_metric")


def sha256_file(path: str) -> str:
    """The SHA-256 of a file's bytes as 64 lower-case hex digits, read in chunks."""
    raise NotImplementedError("TODO: sha256_file")


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
    raise NotImplementedError("TODO: log_artifact")


# ---- reading ----------------------------------------------------------------------------------------------------



def list_runs(db_path: str) -> list[str]:
    """The ids of every run, in creation order (by ``seq``)."""
    raise NotImplementedError("TODO: list_runs")


def get_run(db_path: str, run_id: str) -> dict:
    """One run as plain data.

    Returns:
        ``{"run_id": str, "name": str, "params": {key: str}, "metrics":
        {key: float}, "artifacts": {name: sha256}}`` where ``metrics`` holds
        each metric's LATEST value: the value at its largest step.

    Raises:
        KeyError: if the run does not exist.
    """
    raise NotImplementedError("TODO: get_run")


def metric_history(db_path: str, run_id: str, key: str) -> list[tuple[int, float]]:
    """Every point ``(step, value)`` of one metric of a run, by increasing step.

    A metric the run never logged gives ``[]``.

    Raises:
        KeyError: if the run does not exist.
    """
    raise NotImplementedError("TODO: metric_history")


def best_run(db_path: str, metric: str, mode: str = "min") -> str | None:
    """The id of the run with the best LATEST value of ``metric``.

    Only runs that logged ``metric`` take part; each is judged by the value
    at its largest step. ``mode="min"``: the smallest value wins;
    ``mode="max"``: the largest. Ties go to the run created first (smallest
    ``seq``). ``None`` if no run logged the metric.

    Raises:
        ValueError: if ``mode`` is neither ``"min"`` nor ``"max"``.
    """
    raise NotImplementedError("TODO: best_run")


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
    raise NotImplementedError("TODO: compare_runs")


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
    raise NotImplementedError("TODO: export_to_mlflow")
