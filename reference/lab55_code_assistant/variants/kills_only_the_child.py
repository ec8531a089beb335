"""On a timeout only the direct child is killed: processes it started keep running."""


def _kill_group(pgid):
    try:
        os.kill(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
