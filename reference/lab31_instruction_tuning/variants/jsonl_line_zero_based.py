"""Errors in .jsonl files name the line 0-based and without counting blank lines (the index among records)."""

_load_ref = load_instructions


def load_instructions(path):
    if str(path).endswith(".jsonl"):
        text = Path(str(path)).read_text(encoding="utf-8")
        records = []
        for i, line in enumerate([ln for ln in text.splitlines() if ln.strip()]):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f"{path}: line {i}: invalid JSON") from None
            error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(record))
            if error is not None:
                raise ValueError(f"{path}: line {i}: field {_bad_field(record, error)!r}: {error.message}")
            records.append({"instruction": record["instruction"], "input": record.get("input", ""), "output": record["output"]})
        return records
    return _load_ref(path)
