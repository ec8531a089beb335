"""os._exit(0) at import: the worker dies before answering.
base: reference
expect: exit code 0
"""
import os

print("ATTACK-RAN", "os_exit_at_import", sep=":", flush=True)  # the proof that it ran, before anything can silence it
os._exit(0)
