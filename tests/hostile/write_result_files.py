"""Write forged results and reports wherever it can guess.
base: stub
expect: NotImplementedError
"""
import glob
import json
import os

print("ATTACK-RAN", "write_result_files", sep=":", flush=True)  # the proof that it ran, before anything can silence it

forged = json.dumps({"test": {"id": "test_hidden.py::test_add", "outcome": "passed", "kind": "passed", "feedback": "", "time_s": 0}})
targets = ["{OUT}/student/lab98_toy.json", "{OUT}/honest_reference/lab98_toy.json", "/autograder/results/results.json"]
targets += glob.glob("/var/lib/autograder/*/results.jsonl") + glob.glob("/tmp/**/results.jsonl", recursive=True)
for path in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as fh:
            fh.write(forged + "\n")
    except OSError:
        pass
