"""Allocate memory until something breaks.
base: stub
expect: memory
"""


def add(a, b):
    hoard = []
    while True:
        hoard.append(bytearray(256 * 1024 * 1024))
