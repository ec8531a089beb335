"""The regression gate compares with the first release ever promoted instead of the current one."""


def _baseline(registry):
    if not registry["promotions"]:
        return None
    first = registry["promotions"][0]
    return {"version": first, "metrics": dict(_find(registry, first)["metrics"])}
