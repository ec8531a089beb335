"""An autograder for an LLM course: labs, hidden tests and a grader that runs untrusted code safely."""

__version__ = "0.1.0"
