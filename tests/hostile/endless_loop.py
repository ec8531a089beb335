"""An endless loop in a graded function.
base: stub
expect: timed out
"""


def add(a, b):
    print("ATTACK-RAN", "endless_loop", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    while True:
        pass
