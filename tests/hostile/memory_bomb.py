"""Allocate memory until something breaks.
base: stub
expect: memory
"""


def add(a, b):
    print("ATTACK-RAN", "memory_bomb", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    hoard = []
    while True:
        hoard.append(bytearray(256 * 1024 * 1024))
