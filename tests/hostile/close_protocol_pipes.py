"""Close every file descriptor, the grader's pipes included, then answer nothing.
base: stub
expect: exit|crash|closed
"""
import os


def add(a, b):
    os.closerange(0, 256)
    return 0
