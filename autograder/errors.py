"""The engine's own errors.

Everything the engine can say in plain words about bad input raises a
:class:`GraderError`: the message names the file (or folder, or lab) and
says what is wrong. Only the command line (``autograder/cli.py``, in one
place: its command group) turns one into a one-line ``Error: ...`` without
a traceback; the engine never raises the command line's own exceptions, so
it can be used as a library.
"""

from __future__ import annotations


class GraderError(Exception):
    """A problem the engine reports in words (the message names the file and what is wrong)."""


class CourseError(GraderError):
    """A problem with the course files (a manifest, a missing folder); the message names the file."""


class SubmissionError(GraderError):
    """The submission cannot be graded at all (the message says why, naming the file)."""


class OutputError(GraderError):
    """A place the engine was told to write to cannot be used (a file where a folder must be, a folder that is not ours)."""
