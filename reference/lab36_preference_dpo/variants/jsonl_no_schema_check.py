"""write_preferences_jsonl checks nothing: extra keys are dropped silently and missing ones raise KeyError, not ValueError."""


def write_preferences_jsonl(pairs, path):
    lines = []
    for pair in pairs:
        record = {key: pair[key] for key in PAIR_KEYS}
        record["chosen_score"], record["rejected_score"] = float(pair["chosen_score"]), float(pair["rejected_score"])
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)
