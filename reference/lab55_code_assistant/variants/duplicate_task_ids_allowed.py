"""load_problems accepts a task_id twice (the later problem silently shadows the earlier one downstream)."""


def load_problems(path):
    problems = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                problem = json.loads(line)
            except json.JSONDecodeError:
                raise ValueError(f"line {number}: invalid JSON") from None
            if not isinstance(problem, dict) or not all(isinstance(problem.get(k), str) for k in REQUIRED_KEYS):
                raise ValueError(f"line {number}: not a problem")
            problems.append(problem)
    return problems
