"""step=None takes the number of points logged so far, not 1 + the largest step."""


def log_metric(db_path, run_id, key, value, step=None):
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
            (step,) = conn.execute(
                "SELECT COUNT(*) FROM metrics WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
        elif conn.execute("SELECT 1 FROM metrics WHERE run_id = ? AND key = ? AND step = ?",
                          (run_id, key, step)).fetchone() is not None:
            raise ValueError(f"metric {key!r} already has a point at step {step}")
        conn.execute("INSERT INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)",
                     (run_id, key, int(step), value))
    return int(step)
