"""The time limit is fixed at 5 s, whatever the caller asks for (and by default)."""

_run_program = run_program


def run_program(program, timeout=DEFAULT_TIMEOUT):
    return _run_program(program, timeout if timeout <= 0 else 5.0)
