"""The regression limit is baseline - tolerance for every metric, lower-is-better ones included."""

_reference_evaluate_gates = evaluate_gates


def evaluate_gates(candidate, baseline, gates, tests=None):
    out = _reference_evaluate_gates(candidate, baseline, gates, tests)
    for r in out["results"]:
        if r["gate"] == "regression" and r["limit"] is not None and gates[r["metric"]]["direction"] == "lower":
            r["limit"] = baseline[r["metric"]] - gates[r["metric"]]["tolerance"]
            r["passed"] = r["value"] <= r["limit"]
            r["reason"] = "" if r["passed"] else "regressed"
    out["passed"] = all(r["passed"] for r in out["results"])
    return out
