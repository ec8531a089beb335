"""Sleep forever, at import of nothing and in a function.
base: stub
expect: timed out
"""
import time


def add(a, b):
    time.sleep(10**6)
