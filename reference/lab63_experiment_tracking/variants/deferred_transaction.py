"""A deferred BEGIN: the write lock is taken at the INSERT, after the read, so writers collide."""


@contextmanager
def _transaction(db_path):
    conn = _connect(db_path)
    try:
        conn.execute("BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
