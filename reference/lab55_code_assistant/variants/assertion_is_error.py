"""Every exception is reported as "error": a failed assert is not told apart as "failed"."""

_run_program = run_program


def run_program(program, timeout=DEFAULT_TIMEOUT):
    result = _run_program(program, timeout)
    if result["status"] == "failed":
        result["status"] = "error"
    return result
