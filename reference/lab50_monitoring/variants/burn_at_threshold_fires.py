"""BurnRateAlerter fires at a burn rate equal to the factor (>= instead of strictly greater)."""


def _evaluate_ge(self, now):
    states = _reference_evaluate(self, now)
    for state in states:
        state["firing"] = bool(state["long_burn_rate"] >= state["factor"] and state["short_burn_rate"] >= state["factor"])
    return states


_reference_evaluate = BurnRateAlerter.evaluate
BurnRateAlerter.evaluate = _evaluate_ge
