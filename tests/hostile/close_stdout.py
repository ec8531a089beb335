"""Close stdout, stderr and every other file descriptor it can find.
base: stub
expect: NotImplementedError|exit|crash
"""
import os

print("ATTACK-RAN", "close_stdout", sep=":", flush=True)  # the proof that it ran, before anything can silence it

for fd in range(0, 64):
    if fd > 2:
        continue
    try:
        os.close(fd)
    except OSError:
        pass
