"""Params are not write-once: a different value silently replaces the first."""


def log_param(db_path, run_id, key, value):
    if not key:
        raise ValueError("a parameter needs a non-empty key")
    with _transaction(db_path) as conn:
        _require_run(conn, run_id)
        conn.execute("INSERT OR REPLACE INTO params (run_id, key, value) VALUES (?, ?, ?)", (run_id, key, str(value)))
