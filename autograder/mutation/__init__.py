"""Mutation testing of the hidden tests: ``autograder mutate LAB``.

cosmic-ray's operators make small changes to the reference solution; a hidden
suite that notices most of them pins the reference down. See
:mod:`autograder.mutation.core` and docs/lab-contract.md ("Mutation testing").
"""

from autograder.mutation.core import MutationError, current_digests, run_mutation, stored_score

__all__ = ["MutationError", "current_digests", "run_mutation", "stored_score"]
