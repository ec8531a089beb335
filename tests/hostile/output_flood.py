"""A gigabyte of output.
base: stub
expect: more bytes of output cut
"""
import sys

chunk = "A" * (1 << 20)
for _ in range(1024):
    sys.stdout.write(chunk)
