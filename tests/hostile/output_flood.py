"""A gigabyte of output.
base: stub
expect: more bytes of output cut
"""
import sys

print("ATTACK-RAN", "output_flood", sep=":", flush=True)  # the proof that it ran, before anything can silence it

chunk = "A" * (1 << 20)
for _ in range(1024):
    sys.stdout.write(chunk)
