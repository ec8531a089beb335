"""BurnRateAlerter fires when EITHER window burns faster than the factor, instead of both."""


def _evaluate_either(self, now):
    states = _reference_evaluate(self, now)
    for state in states:
        state["firing"] = bool(state["long_burn_rate"] > state["factor"] or state["short_burn_rate"] > state["factor"])
    return states


_reference_evaluate = BurnRateAlerter.evaluate
BurnRateAlerter.evaluate = _evaluate_either
