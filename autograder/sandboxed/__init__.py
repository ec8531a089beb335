"""The code that runs inside the sandbox, with the student's code: the worker,
the call helpers it shares with the in-process mode, and the wire format.

Nothing here may import the rest of the grader (only :mod:`autograder.settings`,
which holds constants): a worker started cold loads this subpackage and the
student's files, nothing else. ``tests/test_layout.py`` checks it in a fresh
interpreter. Nothing here decides a verdict either; see docs/architecture.md.
"""
