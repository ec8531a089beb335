"""write_preferences_jsonl writes line by line and finds a bad pair only when it reaches it: the file is left half-written."""


def write_preferences_jsonl(pairs, path):
    with open(path, "w", encoding="utf-8") as handle:
        for index, pair in enumerate(pairs):
            problem = _record_problem(pair)
            if problem is not None:
                raise ValueError(f"pair {index}: {problem}")
            record = {key: pair[key] for key in PAIR_KEYS}
            record["chosen_score"], record["rejected_score"] = float(pair["chosen_score"]), float(pair["rejected_score"])
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(pairs)
