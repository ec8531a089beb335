"""os._exit(0) inside the graded function.
base: stub
expect: exit code 0
"""
import os


def add(a, b):
    print("ATTACK-RAN", "os_exit_in_function", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    os._exit(0)
