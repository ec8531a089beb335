"""An endless loop in a graded function.
base: stub
expect: timed out
"""


def add(a, b):
    while True:
        pass
