"""sys.exit(0) at import: the grader must not read an exit code as success.
base: stub
expect: SystemExit
"""
import sys
sys.exit(0)
