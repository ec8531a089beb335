"""write_table rounds floats to 4 decimals."""


def write_table(rows, path):
    with open(path, "w") as handle:
        handle.write(",".join(TABLE_COLUMNS) + "\n")
        for row in rows:
            values = [f"{row[c]:.4f}" if isinstance(row[c], float) else str(row[c]) for c in TABLE_COLUMNS]
            handle.write(",".join(values) + "\n")
