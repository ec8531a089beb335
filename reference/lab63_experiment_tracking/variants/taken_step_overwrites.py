"""An explicit step that is already taken replaces the point instead of raising."""


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
            (last,) = conn.execute(
                "SELECT MAX(step) FROM metrics WHERE run_id = ? AND key = ?", (run_id, key)).fetchone()
            step = 0 if last is None else last + 1
        conn.execute("INSERT OR REPLACE INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)",
                     (run_id, key, int(step), value))
    return int(step)
