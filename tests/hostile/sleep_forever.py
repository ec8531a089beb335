"""Sleep forever, at import of nothing and in a function.
base: stub
expect: timed out
"""
import time


def add(a, b):
    print("ATTACK-RAN", "sleep_forever", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    time.sleep(10**6)
