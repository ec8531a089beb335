"""detect_leak needs overlap strictly above the threshold."""

_detect_leak_ok = detect_leak


def detect_leak(system_prompt, output, *, canary=None, n=5, threshold=0.2):
    r = _detect_leak_ok(system_prompt, output, canary=canary, n=n, threshold=threshold)
    r["leak"] = bool(r["canary"] or r["overlap"] > threshold)
    return r
