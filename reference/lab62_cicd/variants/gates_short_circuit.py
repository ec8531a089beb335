"""The gates stop at the first failure instead of reporting every gate."""

_reference_evaluate_gates = evaluate_gates


def evaluate_gates(candidate, baseline, gates, tests=None):
    out = _reference_evaluate_gates(candidate, baseline, gates, tests)
    kept = []
    for r in out["results"]:
        kept.append(r)
        if not r["passed"]:
            break
    return {"passed": out["passed"], "results": kept}
