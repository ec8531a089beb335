"""Over the budget, shots are dropped from the FRONT of the list instead of the end."""

_build_prompt = build_prompt


def build_prompt(problem, examples, n_shots=None, instruction=DEFAULT_INSTRUCTION, max_chars=None):
    pool = [ex for ex in examples if ex["task_id"] != problem["task_id"]]
    if n_shots is not None and 0 <= n_shots <= len(pool):
        pool = pool[:n_shots]
    while max_chars is not None and pool and len(_build_prompt(problem, pool, None, instruction)) > max_chars:
        pool = pool[1:]
    return _build_prompt(problem, pool, None if n_shots is None or n_shots <= len(pool) else n_shots, instruction, max_chars)
