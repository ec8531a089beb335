"""write_preferences_jsonl pretty-prints each record (indent=2): one object spans several lines, which is not JSONL."""


def write_preferences_jsonl(pairs, path):
    lines = []
    for index, pair in enumerate(pairs):
        problem = _record_problem(pair)
        if problem is not None:
            raise ValueError(f"pair {index}: {problem}")
        record = {key: pair[key] for key in PAIR_KEYS}
        record["chosen_score"], record["rejected_score"] = float(pair["chosen_score"]), float(pair["rejected_score"])
        lines.append(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)
