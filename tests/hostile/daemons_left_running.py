"""Leave a thread and a double-forked daemon running after the test.
base: reference
expect: passed
"""
import os
import threading
import time

print("ATTACK-RAN", "daemons_left_running", sep=":", flush=True)  # the proof that it ran, before anything can silence it


def _spin():
    while True:
        time.sleep(0.01)


threading.Thread(target=_spin, daemon=False).start()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
