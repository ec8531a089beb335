"""best_run judges each run by its best value ever, not by its latest value."""


def best_run(db_path, metric, mode="min"):
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
    order = "ASC" if mode == "min" else "DESC"
    conn = _connect(db_path)
    try:
        row = conn.execute(
            "SELECT r.run_id FROM runs AS r JOIN metrics AS m ON m.run_id = r.run_id AND m.key = ? "
            f"ORDER BY m.value {order}, r.seq ASC LIMIT 1", (metric,)).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()
