"""The tests gate passes when no test failed, even when no test ran at all."""

_reference_evaluate_gates = evaluate_gates


def evaluate_gates(candidate, baseline, gates, tests=None):
    if tests is not None and tests.get("failed", 0) == 0:
        tests = {"passed": max(1, tests.get("passed", 0)), "failed": 0}
    return _reference_evaluate_gates(candidate, baseline, gates, tests)
