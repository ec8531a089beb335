"""metric_history in the order the points were logged, not by step."""


def metric_history(db_path, run_id, key):
    conn = _connect(db_path)
    try:
        _require_run(conn, run_id)
        rows = conn.execute("SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY rowid",
                            (run_id, key))
        return [(int(s), float(v)) for s, v in rows]
    finally:
        conn.close()
