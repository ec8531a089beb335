"""sys.exit(0) at import: the grader must not read an exit code as success.
base: stub
expect: SystemExit
"""
import sys

print("ATTACK-RAN", "exit_at_import", sep=":", flush=True)  # the proof that it ran, before anything can silence it
sys.exit(0)
