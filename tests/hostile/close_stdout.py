"""Close stdout, stderr and every other file descriptor it can find.
base: stub
expect: NotImplementedError|exit|crash
"""
import os

for fd in range(0, 64):
    if fd > 2:
        continue
    try:
        os.close(fd)
    except OSError:
        pass
