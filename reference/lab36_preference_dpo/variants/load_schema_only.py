"""load_preferences checks the schema only: NaN scores, chosen_score <= rejected_score and chosen == rejected pass; int scores stay ints."""


def load_preferences(path):
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    records = []
    for number, line in enumerate(lines, start=1):
        where = f"{path}, line {number}"
        line = line.removesuffix("\r")
        if not line.strip():
            raise ValueError(f"{where}: blank line")
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"{where}: not valid JSON") from None
        error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(record))
        if error is not None:
            raise ValueError(f"{where}: {'.'.join(map(str, error.path))}: {error.message}")
        records.append(record)
    return records
