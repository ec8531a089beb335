"""The regression gate compares with the last release attempted, rejected or not."""


def _baseline(registry):
    if not registry["releases"]:
        return None
    last = registry["releases"][-1]
    return {"version": last["version"], "metrics": dict(last["metrics"])}
