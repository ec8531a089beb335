"""No busy timeout: a writer that finds the database locked fails at once instead of waiting."""


def _connect(db_path):
    conn = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn
