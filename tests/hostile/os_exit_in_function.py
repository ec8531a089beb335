"""os._exit(0) inside the graded function.
base: stub
expect: exit code 0
"""
import os


def add(a, b):
    os._exit(0)
