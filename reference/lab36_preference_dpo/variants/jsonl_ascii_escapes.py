"""write_preferences_jsonl keeps json.dumps' default ensure_ascii=True: non-ASCII text becomes \\uXXXX escapes."""


def write_preferences_jsonl(pairs, path):
    lines = []
    for index, pair in enumerate(pairs):
        problem = _record_problem(pair)
        if problem is not None:
            raise ValueError(f"pair {index}: {problem}")
        record = {key: pair[key] for key in PAIR_KEYS}
        record["chosen_score"], record["rejected_score"] = float(pair["chosen_score"]), float(pair["rejected_score"])
        lines.append(json.dumps(record) + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)
