"""raise SystemExit and KeyboardInterrupt from graded functions.
base: stub
expect: tried to exit
"""


def add(a, b):
    print("ATTACK-RAN", "raise_system_exit", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    raise SystemExit(0)


def scale(x, factor):
    raise KeyboardInterrupt
