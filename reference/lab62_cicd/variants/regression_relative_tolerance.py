"""The regression tolerance is read as a fraction of the baseline instead of an absolute difference."""

_reference_evaluate_gates = evaluate_gates


def evaluate_gates(candidate, baseline, gates, tests=None):
    if baseline is not None:
        scaled = {}
        for metric, spec in gates.items():
            spec = dict(spec)
            if spec.get("tolerance") is not None and metric in baseline:
                spec["tolerance"] = spec["tolerance"] * abs(baseline[metric])
            scaled[metric] = spec
        gates = scaled
    return _reference_evaluate_gates(candidate, baseline, gates, tests)
