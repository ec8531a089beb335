"""write_table puts final_loss before step_time_s (header and values)."""


def write_table(rows, path):
    columns = TABLE_COLUMNS[:4] + ("final_loss", "step_time_s")
    with open(path, "w") as handle:
        handle.write(",".join(columns) + "\n")
        for row in rows:
            handle.write(",".join(str(row[c]) for c in columns) + "\n")
