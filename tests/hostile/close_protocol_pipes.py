"""Close every file descriptor, the grader's pipes included, then answer nothing.
base: stub
expect: exit|crash|closed
"""
import os


def add(a, b):
    print("ATTACK-RAN", "close_protocol_pipes", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    os.closerange(0, 256)
    return 0
