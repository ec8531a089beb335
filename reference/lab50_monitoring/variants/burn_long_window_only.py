"""BurnRateAlerter fires on the long window alone (the short window is computed but ignored), so pages never reset promptly."""


def _evaluate_long_only(self, now):
    states = _reference_evaluate(self, now)
    for state in states:
        state["firing"] = bool(state["long_burn_rate"] > state["factor"])
    return states


_reference_evaluate = BurnRateAlerter.evaluate
BurnRateAlerter.evaluate = _evaluate_long_only
