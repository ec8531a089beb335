"""The text readers split each line on the space character only
(``line.split(" ")``, dropping empty fields) instead of on any whitespace, so
tab-separated files and CRLF line ends are misread."""


def _parse_rows(lines, dim):
    words, rows = [], []
    for line in lines:
        parts = [p for p in line.rstrip("\n").split(" ") if p]
        if not parts:
            continue
        if dim is None:
            dim = len(parts) - 1
            if dim < 1:
                raise ValueError("line has no vector")
        if len(parts) != dim + 1:
            raise ValueError("wrong number of values")
        words.append(parts[0])
        rows.append([float(v) for v in parts[1:]])
    return words, np.array(rows, dtype=np.float32).reshape(len(rows), dim or 0)
