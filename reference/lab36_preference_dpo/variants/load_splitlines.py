"""load_preferences cuts the file with str.splitlines(), which also cuts at a raw U+2028 inside a JSON string."""


def load_preferences(path):
    text = Path(path).read_text(encoding="utf-8")
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}, line {number}"
        if not line.strip():
            raise ValueError(f"{where}: blank line")
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ValueError(f"{where}: not valid JSON") from None
        if not isinstance(record, dict):
            raise ValueError(f"{where}: not an object")
        problem = _record_problem(record)
        if problem is not None:
            raise ValueError(f"{where}: {problem}")
        if not record["chosen_score"] > record["rejected_score"]:
            raise ValueError(f"{where}: chosen_score must be greater than rejected_score")
        if record["chosen"] == record["rejected"]:
            raise ValueError(f"{where}: rejected must differ from chosen")
        record["chosen_score"], record["rejected_score"] = float(record["chosen_score"]), float(record["rejected_score"])
        records.append(record)
    return records
