"""NaN is not rejected up front (SQLite turns it into NULL and the insert fails with an IntegrityError)."""

_log_metric_checked = log_metric


def log_metric(db_path, run_id, key, value, step=None):
    if math.isnan(float(value)):
        with _transaction(db_path) as conn:
            _require_run(conn, run_id)
            conn.execute("INSERT INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)",
                         (run_id, key, 0 if step is None else int(step), float(value)))
        return 0 if step is None else int(step)
    return _log_metric_checked(db_path, run_id, key, value, step)
