"""raise SystemExit and KeyboardInterrupt from graded functions.
base: stub
expect: tried to exit
"""


def add(a, b):
    raise SystemExit(0)


def scale(x, factor):
    raise KeyboardInterrupt
