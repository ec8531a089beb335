"""evaluate_sample validates the extracted code alone: completion-style answers (a bare body) become "invalid"."""

_evaluate_sample = evaluate_sample


def evaluate_sample(problem, output, timeout=DEFAULT_TIMEOUT):
    code = extract_code(output)
    if code is not None and timeout > 0 and check_code(code, problem["entry_point"]) is not None:
        return "invalid"
    return _evaluate_sample(problem, output, timeout)
