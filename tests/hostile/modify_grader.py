"""Modify the installed autograder, the course files and another student's report.
base: stub
expect: NotImplementedError
"""
import os

import autograder.report as report

print("ATTACK-RAN", "modify_grader", sep=":", flush=True)  # the proof that it ran, before anything can silence it

targets = [report.__file__, os.path.join(os.path.dirname(report.__file__), "plugin.py"),
           "{COURSE}/reference/lab98_toy/manifest.toml", "{COURSE}/reference/lab98_toy/tests/test_hidden.py",
           "{OUT}/honest_reference/lab98_toy.json"]
for path in targets:
    try:
        with open(path, "a") as fh:
            fh.write("\n# tampered\n")
    except OSError as exc:
        print("blocked:", type(exc).__name__)
