"""check_limits reports a limit as exceeded when the measured value equals it (>= instead of >)."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)


def check_limits(text, *, max_chars=4000, max_lines=200, max_run=64, max_invisible=16):
    _require_str(text)
    if min(max_chars, max_lines, max_run, max_invisible) < 0:
        raise ValueError("limits must be non-negative")
    longest_run = max((sum(1 for _ in group) for _, group in groupby(text)), default=0)
    measured = {
        "chars": (len(text), max_chars),
        "lines": (len(text.splitlines()), max_lines),
        "run": (longest_run, max_run),
        "invisible": (sum(map(_is_invisible, text)), max_invisible),
    }
    return [name for name in LIMITS if measured[name][0] >= measured[name][1]]
