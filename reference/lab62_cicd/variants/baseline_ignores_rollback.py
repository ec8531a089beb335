"""The baseline is the last release that was ever promoted, even after it was rolled back."""


def _baseline(registry):
    promoted = [r for r in registry["releases"] if r["promoted"]]
    if not promoted:
        return None
    return {"version": promoted[-1]["version"], "metrics": dict(promoted[-1]["metrics"])}
