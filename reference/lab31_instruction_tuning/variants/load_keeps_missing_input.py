"""load_instructions returns the records as read: a missing input stays missing instead of becoming ''."""

_load_ref = load_instructions


def load_instructions(path):
    text = Path(str(path)).read_text(encoding="utf-8")
    records = _load_ref(path)
    if str(path).endswith(".json"):
        raw = json.loads(text)
    else:
        raw = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [dict(r) for r in raw][: len(records)]
