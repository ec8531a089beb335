"""os._exit(0) at import: the worker dies before answering.
base: reference
expect: exit code 0
"""
import os
os._exit(0)
