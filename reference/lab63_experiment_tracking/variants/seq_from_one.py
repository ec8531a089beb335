"""runs.seq starts at 1 instead of 0."""


def create_run(db_path, name):
    if not name:
        raise ValueError("a run needs a non-empty name")
    run_id = uuid.uuid4().hex
    with _transaction(db_path) as conn:
        (seq,) = conn.execute("SELECT COUNT(*) FROM runs").fetchone()
        conn.execute("INSERT INTO runs (run_id, name, seq) VALUES (?, ?, ?)", (run_id, name, seq + 1))
    return run_id
