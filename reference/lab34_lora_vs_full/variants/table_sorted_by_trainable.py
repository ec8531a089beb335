"""write_table sorts the rows by trainable parameters instead of keeping their order."""

_write_table_reference = write_table


def write_table(rows, path):
    _write_table_reference(sorted(rows, key=lambda row: row["trainable"]), path)
