"""Answers without code or failing check_code are dropped from n instead of counting as wrong."""

_evaluate = evaluate


def evaluate(problems, samples, ks=(1,), timeout=DEFAULT_TIMEOUT):
    report = _evaluate(problems, samples, ks, timeout)
    for r in report["results"].values():
        r["n"] = sum(s not in ("no_code", "invalid") for s in r["statuses"])
    for k in ks:
        report[f"pass@{k}"] = float(np.mean([pass_at_k(r["n"], r["c"], k) if r["n"] >= k else 0.0
                                             for r in report["results"].values()]))
    return report
