"""Computes the speed-up against the CPU as device time / CPU time (a faster GPU shows < 1)."""

_table_ref = device_table


def device_table(measurements):
    rows = _table_ref(measurements)
    for row in rows:
        row["speedup"] = 1.0 / row["speedup"]
    return rows
