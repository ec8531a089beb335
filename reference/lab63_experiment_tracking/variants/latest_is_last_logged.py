"""get_run's latest value is the point logged last (largest rowid), not the one at the largest step."""


def _latest(conn, run_id):
    rows = conn.execute(
        "SELECT key, value FROM metrics AS m WHERE run_id = ? AND rowid = "
        "(SELECT MAX(rowid) FROM metrics WHERE run_id = m.run_id AND key = m.key)", (run_id,))
    return dict(rows.fetchall())
