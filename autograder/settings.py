"""Every environment variable the grader reads, in one place.

The package reads them through :func:`get` and :func:`flag` with the names
below, never spelled out elsewhere, so :data:`VARIABLES` is the whole list an
operator needs (docs/settings.md prints it; a test keeps the two equal). The
Gradescope export's shell scripts set some of them for the runs they start.
"""

from __future__ import annotations

import os

COURSE_ENV = "AUTOGRADER_COURSE"
WORKDIR_ENV = "AUTOGRADER_WORKDIR"
SESSION_ENV = "AUTOGRADER_SESSION"
HIDE_ENV = "AUTOGRADER_HIDE"
INSECURE_ENV = "AUTOGRADER_INSECURE"
NO_NAMESPACES_ENV = "AUTOGRADER_NO_NAMESPACES"
KEEP_DEVICE_ENV = "AUTOGRADER_KEEP_DEVICE"
COLD_START_ENV = "AUTOGRADER_COLD_START"
PSEUDONYM_SALT_ENV = "AUTOGRADER_PSEUDONYM_SALT"

VARIABLES: dict[str, str] = {
    COURSE_ENV: "The course checkout (the folder holding assignments/ and reference/). "
    "Default: the nearest such folder at or above the current one.",
    WORKDIR_ENV: "The scratch root for private folders (extracted submissions, runner folders, worker homes). "
    "Default: /var/lib/autograder as root, else $TMPDIR/autograder-UID. Each command makes a session "
    "folder in it, removed however the command ends, and points this variable at that folder for the "
    "processes it starts.",
    SESSION_ENV: "Set to 1 inside a command's scratch session, so that a nested session reuses it. "
    "Not for people to set.",
    HIDE_ENV: "Extra folders, ':'-separated, that workers must not see (besides reference/, .git, "
    "examples/, the reports folder and the class folder).",
    INSECURE_ENV: "1: no isolation at all; student code runs with the grader's rights. For debugging the "
    "grader only; every report says so.",
    NO_NAMESPACES_ENV: "1: do not use Linux namespaces, as inside most containers (Gradescope's); tests that "
    "degraded mode. Every report says what was lost.",
    COLD_START_ENV: "1: start every runner and every worker as a new Python process instead of forking "
    "them from pre-imported parents (the command's zygotes, each runner's fork server): slower, the same "
    "confinement. For comparing the two and for debugging.",
    KEEP_DEVICE_ENV: "1: tensors that left a CUDA device come back onto it when decoded (set by the grader "
    "in GPU workers).",
    PSEUDONYM_SALT_ENV: "The secret mixed into leaderboard pseudonyms. Default: a random one made once per "
    "output folder and kept there (.pseudonym-salt); set it to keep pseudonyms across output folders.",
}


def get(name: str, default: str | None = None) -> str | None:
    assert name in VARIABLES, name
    return os.environ.get(name, default)


def flag(name: str) -> bool:
    """Whether a variable is set to 1."""
    return get(name) == "1"
